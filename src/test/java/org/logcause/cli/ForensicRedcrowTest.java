package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.simulate.Labels;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * The forensic command on the shipped Redcrow sample, run once: the README's first command. The root cause, the
 * misleading leads and the postmortem are checked against the sample's labels; the query command reads the result.
 */
class ForensicRedcrowTest {
  @TempDir static Path dir;
  static Path target;
  static String console;
  static Labels labels;

  @BeforeAll
  static void runTheSample() throws Exception {
    SharedSpark.get();
    target = dir.resolve("out");
    StringWriter out = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
        "forensic", "--job", "jobs/redcrow.yaml", "--out", target.toString());
    assertThat(exit).isZero();
    console = out.toString();
    labels = EvalCommand.JSON.readValue(Path.of("sample-data/redcrow-2024-06-20/labels.json").toFile(), Labels.class);
  }

  /**
   * Large files are read in byte ranges (one task each). With ranges of 64 KB (about 60 tasks instead of 5) every
   * table holds the same rows, the postmortem path aside: partitioning never changes a result.
   */
  @Test
  void readingTheFilesInSmallRangesChangesNoRow() {
    SparkSession spark = SharedSpark.get();
    Path ranged = dir.resolve("ranged");
    spark.conf().set(org.logcause.ingest.ReadSources.SPLIT_BYTES, "65536");
    StringWriter out = new StringWriter();
    int exit;
    try {
      exit = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
          "forensic", "--job", "jobs/redcrow.yaml", "--out", ranged.toString());
    } finally {
      spark.conf().unset(org.logcause.ingest.ReadSources.SPLIT_BYTES);
    }
    assertThat(exit).isZero();
    assertThat(console).contains("from 5 files in 5 tasks");
    java.util.regex.Matcher tasks = java.util.regex.Pattern.compile("from 5 files in (\\d+) tasks").matcher(out.toString());
    assertThat(tasks.find()).isTrue();
    assertThat(Integer.parseInt(tasks.group(1))).isGreaterThan(40);
    var rows = org.logcause.support.TableRows.of(spark, ranged, t -> t.drop("postmortem"));
    assertThat(rows.get("events")).hasSizeGreaterThan(10_000);
    assertThat(rows).isEqualTo(org.logcause.support.TableRows.of(spark, target, t -> t.drop("postmortem")));
  }

  /**
   * Every table of the sample's run holds exactly the rows recorded in {@code golden/redcrow-forensic.json}: a
   * refactoring or a speed-up changes no row; a change of results updates the record on purpose (see {@link
   * org.logcause.support.Golden}).
   */
  @Test
  void everyTableHoldsTheRecordedRows() throws Exception {
    var digests = org.logcause.support.Golden.digest(org.logcause.support.TableRows.of(SharedSpark.get(), target));
    assertThat(digests).isEqualTo(org.logcause.support.Golden.recorded("redcrow-forensic", digests));
  }

  @Test
  void writesEveryTableAndPrintsWhatItWrote() throws Exception {
    var pointer = org.logcause.output.OutputFolder.current(SharedSpark.get(), target.toString()).orElseThrow();
    assertThat(pointer.tables().keySet()).containsExactlyInAnyOrder("events", "quarantine", "signals", "anomalies",
        "incidents", "hypotheses", "incident_summary", "run_manifest");
    assertThat(pointer.runId()).startsWith("forensic-");
    assertThat(target.resolve("current")).isSymbolicLink();
    assertThat(console).contains("[ingest]", "[detect]", "1 incidents", "[attribute]", "wrote " + target + "/current/");
    assertThat(Out.file(target, "run_manifest.json")).content().contains("\"status\" : \"succeeded\"");
    // The manifest: identity, per-source counts that add up to the per-file ones, and a timing per stage.
    var manifest = EvalCommand.JSON.readTree(Out.file(target, "run_manifest.json").toFile());
    assertThat(manifest.get("run_id").asText()).startsWith("forensic-");
    assertThat(manifest.get("spec_hash").asText()).hasSize(64);
    long lines = 0;
    for (var s : manifest.get("sources")) lines += s.get("lines_read").asLong();
    long fileLines = 0;
    for (var f : manifest.get("files")) fileLines += f.get("lines_read").asLong();
    assertThat(lines).isEqualTo(fileLines).isPositive();
    assertThat(manifest.get("sources")).hasSize(5);
    List<String> stages = new java.util.ArrayList<>();
    manifest.get("stages").forEach(st -> stages.add(st.get("stage").asText()));
    assertThat(stages).containsExactly("ingest", "classify", "templates", "detect", "attribute", "write", "commit");
    assertThat(console).contains("[commit]");
  }

  @Test
  void namesTheReplicationChangeAsRootCauseAndTheThreeLeadsAsMisleading() {
    SparkSession spark = SharedSpark.get();
    List<Row> hyps = Out.table(target, "hypotheses").orderBy("rank").collectAsList();
    Row root = hyps.get(0);
    assertThat(root.<String>getAs("verdict")).isEqualTo("ROOT_CAUSE");
    assertThat(root.<String>getAs("component")).isEqualTo(labels.rootCause().component());
    assertThat(root.<String>getAs("category")).isEqualTo(labels.rootCause().category());
    assertThat(root.<String>getAs("change_id")).isEqualTo(labels.rootCause().changeId());
    assertThat(root.<Double>getAs("confidence")).isGreaterThan(0.5);
    assertThat(hyps.stream().filter(h -> h.getAs("verdict").equals("ROOT_CAUSE"))).hasSize(1);

    List<String> misleading = hyps.stream().filter(h -> h.getAs("verdict").equals("MISLEADING"))
        .map(h -> h.<String>getAs("category") + "@" + h.<String>getAs("component")).sorted().toList();
    List<String> labelled = labels.misleading().stream().map(m -> m.category() + "@" + m.component()).sorted().toList();
    assertThat(misleading).isEqualTo(labelled);
    for (Row h : hyps) {
      if (h.getAs("verdict").equals("MISLEADING")) {
        List<Row> evidence = h.getList(h.fieldIndex("evidence"));
        assertThat(evidence).as("evidence of %s", h.<String>getAs("category"))
            .anyMatch(e -> e.getString(0).startsWith("test:"));
      }
    }
    assertThat(console).contains("ROOT CAUSE", labels.rootCause().changeId(), "MISLEADING \"it is an attack (DDoS)\"",
        "MISLEADING \"the database is overloaded\"", "MISLEADING \"restart it\"", "postmortem draft:");
  }

  @Test
  void summarisesTheIncidentAndDraftsItsPostmortem() throws Exception {
    SparkSession spark = SharedSpark.get();
    Row s = Out.table(target, "incident_summary").first();
    assertThat(s.<String>getAs("root_cause_category")).isEqualTo("config_change");
    assertThat(s.<String>getAs("change_id")).isEqualTo(labels.rootCause().changeId());
    assertThat(s.getList(s.fieldIndex("misleading"))).hasSize(3);
    List<Row> timeline = s.getList(s.fieldIndex("timeline"));
    assertThat(timeline).extracting(r -> r.getString(1))
        .contains("first_alert", "root_cause_onset", "misleading_lead", "remediation", "recovery");
    assertThat(s.<String>getAs("postmortem")).isEqualTo("postmortems/" + s.getAs("incident_id") + ".md"); // within the run
    Path draft = target.resolve("current").resolve(s.<String>getAs("postmortem"));
    assertThat(draft).exists();
    String md = Files.readString(draft);
    assertThat(md).contains("## Summary", "## Impact", "## Root cause", "## Misleading leads", "## Timeline (UTC)",
        labels.rootCause().changeId(), "the database is overloaded");
  }

  @Test
  void drawsTheIncidentChartBesideThePostmortem() throws Exception {
    Row s = Out.table(target, "incident_summary").first();
    String id = s.getAs("incident_id");
    Path png = Out.file(target, "postmortems/" + id + ".png");
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertThat(image).as("a PNG javax.imageio can read").isNotNull();
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isBetween(600, 2000);
    assertThat(Files.size(png)).isBetween(20_000L, 2_000_000L);
    String svg = Files.readString(Out.file(target, "postmortems/" + id + ".svg"));
    assertThat(svg).contains("<svg", labels.rootCause().changeId() + " change " + labels.rootCause().component(), "time (UTC)");
    assertThat(Files.readString(Out.file(target, "postmortems/" + id + ".md"))).contains("](" + id + ".png)");
  }

  @Test
  void writesTheIncidentReportWithTheLinesItsEvidenceCites() throws Exception {
    Row s = Out.table(target, "incident_summary").first();
    String id = s.getAs("incident_id");
    org.jsoup.nodes.Document html = org.jsoup.Jsoup.parse(Files.readString(Out.file(target, "postmortems/" + id + ".html")));
    assertThat(html.select("#summary .verdict").first().text()).isEqualTo("ROOT_CAUSE");
    assertThat(html.select("#summary h3").first().text()).contains(labels.rootCause().changeId());
    assertThat(html.select("#misleading article")).hasSize(s.getList(s.fieldIndex("misleading")).size());
    assertThat(html.select("#summary svg")).as("the chart, inline").hasSize(1);
    // Every line a root-cause fact cites by event id is in its table, as events holds it.
    List<String> cited = html.select("#summary table.lines tr[id]").eachAttr("id");
    assertThat(cited).isNotEmpty();
    for (String anchor : cited) {
      String eventId = anchor.substring(anchor.lastIndexOf('-') + 1);
      Row e = Out.table(target, "events").filter(col("event_id").equalTo(eventId)).first();
      assertThat(html.getElementById(anchor).selectFirst("td.msg").wholeText()).isEqualTo(e.getAs("message"));
    }
    assertThat(html.select("#accounting tbody tr")).hasSize(5);
  }

  @Test
  void queryReadsTheTablesByNameInEveryFormat() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "query", "--out", target.toString(),
        "SELECT verdict, count(*) AS n FROM hypotheses GROUP BY verdict ORDER BY verdict");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("verdict", "MISLEADING", "ROOT_CAUSE", "rows)");

    out.getBuffer().setLength(0);
    exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "query", "--out", target.toString(), "--format", "csv",
        "SELECT root_cause_component, change_id FROM incident_summary");
    assertThat(exit).isZero();
    assertThat(out.toString().lines().toList()).containsExactly("root_cause_component,change_id",
        labels.rootCause().component() + "," + labels.rootCause().changeId());

    out.getBuffer().setLength(0);
    exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "query", "--out", target.toString(), "--format", "json",
        "SELECT count(*) AS n FROM events WHERE category = 'config_change'");
    assertThat(exit).isZero();
    assertThat(EvalCommand.JSON.readTree(out.toString().strip()).get("n").asLong()).isPositive();
  }

  @Test
  void queryReadsTheTablesItNamesInAnyCase() throws Exception {
    // views are registered only for the tables a statement names (case-insensitively, like Spark's names)
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "query", "--out", target.toString(), "--format",
        "json", "SELECT count(*) AS n FROM EVENTS e JOIN Incidents i ON e.ts BETWEEN i.start AND i.`end`");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(EvalCommand.JSON.readTree(out.toString().strip()).get("n").asLong()).isPositive();
  }

  @Test
  void queryErrorsAreOneLineWithExitTwo() {
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "query", "--out", target.toString(),
        "SELECT * FROM nonsense");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("logcause: SQL error:").contains("tables under", "hypotheses").doesNotContain("\tat ");
    assertThat(err.toString().lines().count()).isEqualTo(1);

    StringWriter err2 = new StringWriter();
    exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true), "query", "--out", target.toString(),
        "SELEC oops FROM");
    assertThat(exit).isEqualTo(2);
    assertThat(err2.toString()).startsWith("logcause: SQL syntax error:").doesNotContain("\tat ");

    StringWriter err3 = new StringWriter();
    exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err3, true), "query", "--out",
        dir.resolve("missing").toString(), "SELECT 1");
    assertThat(exit).isEqualTo(2);
    assertThat(err3.toString()).contains("--out: not a folder");
  }

  @Test
  void onlyAPublishedSnapshotIsVisibleToQuery() throws Exception {
    // A snapshot folder that no pointer names (a run killed before it published) holds whole tables, yet no reader
    // sees them.
    Path unpublished = dir.resolve("unpublished");
    org.apache.commons.io.FileUtils.copyDirectory(target.resolve("current").toRealPath().toFile(),
        unpublished.resolve("_runs/20260101T000000.000Z-killed").toFile());
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "query", "--out",
        unpublished.toString(), "SELECT * FROM hypotheses");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("tables under " + unpublished + ": none");
    assertThat(Out.table(target, "incidents").filter(col("severity").isNotNull()).count()).isEqualTo(1);
  }

  /** The output contract analysts rely on: UTC TIMESTAMP_MICROS (never INT96) and snake_case names, in every table. */
  @Test
  void everyTableHasUtcMicrosTimestampsAndSnakeCaseColumns() throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    for (String t : List.of("events", "quarantine", "signals", "anomalies", "incidents", "hypotheses", "incident_summary", "run_manifest")) {
      Path file;
      try (var files = Files.walk(target.resolve("current").resolve(t))) {
        file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
      }
      org.apache.parquet.schema.MessageType schema;
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
        schema = reader.getFooter().getFileMetaData().getSchema();
      }
      List<org.apache.parquet.schema.PrimitiveType> leaves = schema.getColumns().stream().map(c -> c.getPrimitiveType()).toList();
      assertThat(leaves).as(t).noneMatch(p -> p.getPrimitiveTypeName() == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT96);
      for (var leaf : leaves) {
        if (leaf.getLogicalTypeAnnotation() instanceof org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
          assertThat(ts.getUnit()).as(t + "." + leaf.getName()).isEqualTo(org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS);
          assertThat(ts.isAdjustedToUTC()).as(t + "." + leaf.getName()).isTrue();
        }
      }
      for (String column : Out.table(target, t).columns()) {
        assertThat(column).as(t).matches("[a-z][a-z0-9_]*");
      }
    }
  }

  /**
   * Every {@code bin/logcause} command in the README's code blocks parses, and its queries run against the sample run
   * (the README's output folder read as this test's); the README's job spec is a valid spec.
   */
  @Test
  void theReadmeCommandsAndJobSpecAreValid() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```(\\w*)\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(readme);
    int commands = 0;
    int queries = 0;
    String spec = null;
    while (blocks.find()) {
      if (blocks.group(1).equals("yaml")) spec = blocks.group(2);
      for (String line : blocks.group(2).split("\n")) {
        if (!line.startsWith("bin/logcause ")) continue;
        List<String> args = shellWords(line.replaceFirst("\\s+#.*$", "").substring("bin/logcause ".length()));
        new picocli.CommandLine(new Main()).parseArgs(args.toArray(String[]::new)); // throws on an unknown option
        commands++;
        if (args.get(0).equals("query")) {
          List<String> run = args.stream().map(a -> a.equals("out/redcrow") ? target.toString() : a).toList();
          StringWriter err = new StringWriter();
          assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), run.toArray(String[]::new)))
              .as(line + "\n" + err).isZero();
          queries++;
        }
      }
    }
    assertThat(commands).isGreaterThanOrEqualTo(3);
    assertThat(queries).isGreaterThanOrEqualTo(2);
    assertThat(spec).isNotNull();
    var parsed = org.logcause.job.JobSpecLoader.parse(spec, "README.md");
    assertThat(parsed.sources()).hasSize(5);
  }

  /** A command line split as a POSIX shell splits it (quotes, no expansion). */
  static List<String> shellWords(String line) {
    List<String> words = new java.util.ArrayList<>();
    StringBuilder w = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) quote = 0; else w.append(c);
      } else if (c == '"' || c == '\'') {
        quote = c;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || w.length() > 0) words.add(w.toString());
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
      }
    }
    if (any || w.length() > 0) words.add(w.toString());
    return words;
  }

  /** The README's example queries run, as written, against the sample run. */
  @Test
  void theReadmeExampleQueriesRun() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("### Example queries");
    String section = readme.substring(start, readme.indexOf("\n## ", start));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(section);
    List<String> queries = new java.util.ArrayList<>();
    while (m.find()) {
      queries.add(m.group(1));
    }
    assertThat(queries).hasSize(3);
    List<Integer> rows = new java.util.ArrayList<>();
    for (String q : queries) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "query", "--out", target.toString(), "--format", "csv", q);
      assertThat(exit).as(q + "\n" + err).isZero();
      rows.add((int) out.toString().lines().count() - 1);
    }
    // The sample's incident is from 2024, so "last week" is empty; its three leads; its error categories per hour.
    assertThat(rows.get(1)).isEqualTo(labels.misleading().size());
    assertThat(rows.get(2)).isGreaterThan(3);
  }

  /** A window inside the sample: its own run id, events only from the window, every other line counted as outside. */
  @Test
  void aForensicWindowAnalysesOnlyThatWindowAndAccountsForTheRest() throws Exception {
    Path windowed = dir.resolve("window");
    StringWriter out = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "forensic", "--job", "jobs/redcrow.yaml",
        "--from", "2024-06-20 13:45", "--to", "2024-06-20T15:00:00Z", "--out", windowed.toString());
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("-20240620T134500-20240620T150000", "outside window", "ROOT CAUSE");
    SparkSession spark = SharedSpark.get();
    Row range = Out.table(windowed, "events")
        .agg(org.apache.spark.sql.functions.min("ts"), org.apache.spark.sql.functions.max("ts")).first();
    assertThat(range.getTimestamp(0).toInstant()).isAfterOrEqualTo(java.time.Instant.parse("2024-06-20T13:45:00Z"));
    assertThat(range.getTimestamp(1).toInstant()).isBefore(java.time.Instant.parse("2024-06-20T15:00:00Z"));
    var manifest = EvalCommand.JSON.readTree(Out.file(windowed, "run_manifest.json").toFile());
    assertThat(manifest.get("window_from").asText()).isEqualTo("2024-06-20T13:45:00Z");
    assertThat(manifest.get("baseline").asText()).contains("windows before the window");
    long outside = 0;
    for (var f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).isTrue();
      outside += f.get("out_of_window_lines").asLong();
    }
    assertThat(outside).isPositive();
    Row s = Out.table(windowed, "incident_summary").first();
    assertThat(s.<String>getAs("change_id")).isEqualTo(labels.rootCause().changeId());

    StringWriter err = new StringWriter();
    assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "forensic", "--job", "jobs/redcrow.yaml",
        "--from", "2024-06-20 15:00", "--to", "2024-06-20 14:00")).isEqualTo(2);
    assertThat(err.toString()).contains("--to must be after --from");
  }
}
