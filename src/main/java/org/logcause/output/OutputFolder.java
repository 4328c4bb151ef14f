package org.logcause.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How readers find the current run's tables in an output folder: through {@code current.json} (see {@link Pointer}),
 * read once, so every table a reader opens belongs to the same run even while another run publishes. {@code query},
 * {@code eval}, the notebooks and the tests all read through here (the notebooks through the same file, in Python).
 */
public final class OutputFolder {
  /** The pointer file's name under the output folder. */
  public static final String POINTER = "current.json";
  /** On a local disk, a symbolic link to the current snapshot, refreshed right after each publish (for DuckDB). */
  public static final String CURRENT_LINK = "current";
  /** The folder of the snapshots. */
  public static final String RUNS = "_runs";

  private OutputFolder() {}

  /** The published pointer of {@code out}, if a run has published one. */
  public static Optional<Pointer> current(Configuration conf, String out) {
    Path pointer = new Path(out, POINTER);
    try {
      FileSystem fs = pointer.getFileSystem(conf);
      if (!fs.exists(pointer)) {
        return Optional.empty();
      }
      String text;
      try (FSDataInputStream in = fs.open(pointer)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Optional.ofNullable(Pointer.parse(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pointer, e);
    }
  }

  public static Optional<Pointer> current(SparkSession spark, String out) {
    return current(spark.sparkContext().hadoopConfiguration(), out);
  }

  /** A table of the run a pointer names, or empty when that run wrote no such table. */
  public static Optional<Dataset<Row>> read(SparkSession spark, String out, Pointer pointer, String table) {
    return read(spark, out, pointer, table, null);
  }

  /**
   * As {@link #read(SparkSession, String, Pointer, String)}, with only the {@code columns} declared (DDL, e.g.
   * {@code "incident_id STRING, start TIMESTAMP"}; null: all, inferred from a file's footer, which costs a Spark job).
   */
  public static Optional<Dataset<Row>> read(SparkSession spark, String out, Pointer pointer, String table, String columns) {
    Pointer.TableParts t = pointer.tables().get(table);
    if (t == null) {
      return Optional.empty();
    }
    // The manifest gains fields over releases; nightly partitions written by different releases are merged.
    boolean merge = table.equals(Tables.RUN_MANIFEST);
    if (t.partition() == null || t.parts().isEmpty()) {
      String root = t.parts().isEmpty() ? null : new Path(out, t.parts().get(0)).toString();
      return root == null ? Optional.empty() : Optional.of(reader(spark, merge, columns).parquet(root));
    }
    // Partitions of one table folder are read together (basePath keeps the partition column); partitions carried
    // over by reference from other snapshots come from other folders, read each and unioned.
    Map<String, List<String>> byRoot = new LinkedHashMap<>();
    for (String part : t.parts()) {
      Path p = new Path(out, part);
      byRoot.computeIfAbsent(p.getParent().toString(), k -> new ArrayList<>()).add(p.toString());
    }
    Dataset<Row> all = null;
    for (Map.Entry<String, List<String>> e : byRoot.entrySet()) {
      Dataset<Row> d = reader(spark, merge, columns).option("basePath", e.getKey())
          .parquet(e.getValue().toArray(String[]::new));
      all = all == null ? d : all.unionByName(d, true);
    }
    return Optional.of(all);
  }

  private static org.apache.spark.sql.DataFrameReader reader(SparkSession spark, boolean merge, String columns) {
    var r = spark.read().option("mergeSchema", merge);
    return columns == null ? r : r.schema(columns);
  }

  /**
   * The declared {@code columns} (null: all) of a table of the current run, which must exist (for callers that just
   * wrote it).
   */
  public static Dataset<Row> table(SparkSession spark, String out, String table, String columns) {
    return current(spark, out).flatMap(p -> read(spark, out, p, table, columns))
        .orElseThrow(() -> new IllegalStateException("no table " + table + " under " + out));
  }

  /** A table of the current run of {@code out}. */
  public static Optional<Dataset<Row>> read(SparkSession spark, String out, String table) {
    return current(spark, out).flatMap(p -> read(spark, out, p, table));
  }

  /** A table of the current run, which must exist (for callers that just wrote it). */
  public static Dataset<Row> table(SparkSession spark, String out, String table) {
    return table(spark, out, table, null);
  }

  /** The path of a file of the current run ({@code run_manifest.json}, a postmortem draft), if it has one. */
  public static Optional<String> file(Configuration conf, String out, String name) {
    return current(conf, out).map(p -> p.files().get(name)).map(rel -> new Path(out, rel).toString());
  }

  /**
   * Registers every table of the current run of {@code out} as a temporary view named like the table, all from the
   * pointer read once; returns the names.
   */
  public static List<String> registerViews(SparkSession spark, String out) {
    return registerViews(spark, out, t -> true);
  }

  /**
   * Registers the tables of the current run that {@code wanted} accepts (a query's, by the names it mentions: reading
   * a table lists its files and reads their schema, which a query that does not use it need not wait for); returns
   * the names of all the run's tables, registered or not.
   */
  public static List<String> registerViews(SparkSession spark, String out, java.util.function.Predicate<String> wanted) {
    List<String> found = new ArrayList<>();
    Optional<Pointer> pointer = current(spark, out);
    if (pointer.isEmpty()) {
      return found;
    }
    for (String t : Tables.ALL) {
      Pointer.TableParts parts = pointer.get().tables().get(t);
      if (parts == null || parts.parts().isEmpty()) {
        continue; // a run that wrote no such table
      }
      if (wanted.test(t)) {
        Optional<Dataset<Row>> d = read(spark, out, pointer.get(), t);
        if (d.isEmpty()) {
          continue;
        }
        d.get().createOrReplaceTempView(t);
      }
      found.add(t);
    }
    return found;
  }
}
