package org.logcause.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.logcause.job.SpecException;
import org.logcause.output.OutputFolder;
import org.logcause.run.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logcause query --out DIR "SQL"}: Spark SQL over the committed output tables under DIR, each registered as a
 * view by its table name, all of the run that {@code current.json} names (see {@link OutputFolder}).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = "Run Spark SQL over the output tables under --out, each a view named like its table "
        + "(\"SHOW TABLES\" lists them).")
final class QueryCommand implements Callable<Integer> {
  enum Format { table, csv, json }

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "an output folder of a forensic or nightly run")
  String out;

  @Option(names = "--format", defaultValue = "table", paramLabel = "FMT", description = "table (default), csv or json (one object per line)")
  Format format;

  @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N", description = "most rows printed in table format (default 1000)")
  int maxRows;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: the submit's, else local[*])")
  String master;

  @Parameters(index = "0", paramLabel = "SQL", description = "the query, e.g. \"SELECT * FROM incident_summary\"")
  String sql;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!new java.io.File(out).isDirectory() && !out.contains("://")) {
      throw new SpecException("--out: not a folder: " + out);
    }
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined();
    SparkSession started = SparkSessions.start("logcause query", master, false);
    // Its own views: a session shared with other work (a test, a notebook) may hold views of another folder.
    SparkSession spark = started.newSession();
    PrintWriter console = spec.commandLine().getOut();
    try {
      // only the tables the statement names (a name inside a string literal registers one more view: harmless)
      java.util.regex.Pattern words = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
      java.util.Set<String> named = words.matcher(sql).results().map(m -> m.group().toLowerCase(java.util.Locale.ROOT))
          .collect(java.util.stream.Collectors.toSet());
      List<String> views = OutputFolder.registerViews(spark, out, named::contains);
      Dataset<Row> result;
      try {
        result = spark.sql(sql);
      } catch (Exception e) { // Scala throws AnalysisException (checked in Java) without declaring it
        if (e instanceof ParseException) {
          throw new SpecException("SQL syntax error: " + firstLine(e.getMessage()));
        }
        if (!(e instanceof AnalysisException)) {
          throw e;
        }
        String hint = e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND")
            ? " (tables under " + out + ": " + (views.isEmpty() ? "none" : String.join(", ", views)) + ")" : "";
        throw new SpecException("SQL error: " + firstLine(e.getMessage()) + hint);
      }
      print(result, console);
      return 0;
    } finally {
      console.flush();
      if (!sessionExisted) {
        spark.stop();
      }
    }
  }

  private void print(Dataset<Row> result, PrintWriter console) {
    String[] names = result.columns();
    switch (format) {
      case json -> result.toJSON().toLocalIterator().forEachRemaining(console::println);
      case csv -> {
        console.println(csvLine(List.of(names)));
        Iterator<Row> it = result.toLocalIterator();
        while (it.hasNext()) {
          console.println(csvLine(cells(it.next())));
        }
      }
      case table -> {
        List<Row> rows = result.limit(maxRows + 1).collectAsList();
        List<List<String>> cells = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), maxRows); i++) {
          cells.add(cells(rows.get(i)));
        }
        console.print(table(List.of(names), cells));
        console.printf("(%d row%s%s)%n", cells.size(), cells.size() == 1 ? "" : "s",
            rows.size() > maxRows ? "; more rows not shown, raise --max-rows or use --format csv" : "");
      }
    }
  }

  static List<String> cells(Row r) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < r.length(); i++) {
      out.add(cell(r.get(i)));
    }
    return out;
  }

  /** A value as text: timestamps in UTC ISO-8601, arrays and maps as Spark prints them. */
  static String cell(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof java.time.Instant t) {
      return t.toString();
    }
    if (v instanceof scala.collection.Seq<?> s) {
      List<String> items = new ArrayList<>();
      s.foreach(x -> items.add(cell(x)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof Row r) {
      return "{" + String.join(", ", cells(r)) + "}";
    }
    return String.valueOf(v);
  }

  /** An aligned text table; long cells are cut at 80 characters. */
  static String table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    for (List<String> r : rows) {
      all.add(r.stream().map(c -> c.length() > 80 ? c.substring(0, 77) + "..." : c).map(c -> c.replace('\n', ' ')).toList());
    }
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < all.size(); k++) {
      List<String> r = all.get(k);
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == 0 ? "" : " | ").append(r.get(i)).append(" ".repeat(width[i] - r.get(i).length()));
      }
      sb.append(System.lineSeparator());
      if (k == 0) {
        for (int i = 0; i < width.length; i++) {
          sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        sb.append(System.lineSeparator());
      }
    }
    return sb.toString();
  }

  static String csvLine(List<String> cells) {
    List<String> quoted = new ArrayList<>();
    for (String c : cells) {
      quoted.add(c.contains(",") || c.contains("\"") || c.contains("\n") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
    }
    return String.join(",", quoted);
  }

  private static String firstLine(String message) {
    String m = message == null ? "" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
