package org.logcause.output;

/** Names of the output tables (folders under the output directory) and of the manifest file. */
public final class Tables {
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String SIGNALS = "signals";
  public static final String ANOMALIES = "anomalies";
  public static final String INCIDENTS = "incidents";
  public static final String HYPOTHESES = "hypotheses";
  public static final String INCIDENT_SUMMARY = "incident_summary";
  public static final String RUN_MANIFEST = "run_manifest";
  /** Every table, in the order a reader meets them. */
  public static final java.util.List<String> ALL = java.util.List.of(EVENTS, QUARANTINE, SIGNALS, ANOMALIES, INCIDENTS,
      HYPOTHESES, INCIDENT_SUMMARY, RUN_MANIFEST);
  public static final String VIEW_LIST = "events, quarantine, signals, anomalies, incidents, hypotheses, incident_summary, run_manifest";
  public static final String MANIFEST_JSON = "run_manifest.json";

  /** The columns of {@code events}, in order (the README documents each). */
  public static final org.apache.spark.sql.Column[] EVENT_COLUMNS =
      java.util.stream.Stream.of("event_id", "ts", "source", "component", "host", "format", "level", "message",
              "category", "subcategory", "severity", "rule_id", "template_id", "template", "attributes", "file", "line",
              "line_count", "date")
          .map(org.apache.spark.sql.functions::col)
          .toArray(org.apache.spark.sql.Column[]::new);

  private Tables() {}

  /** Whether a table folder is committed: Spark's {@code _SUCCESS} marker is written last, after every part file. */
  public static boolean committed(org.apache.spark.sql.SparkSession spark, String out, String table) {
    org.apache.hadoop.fs.Path marker = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(out, table), "_SUCCESS");
    try {
      return marker.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(marker);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + marker, e);
    }
  }

  /** Registers every committed table under {@code out} as a temporary view named like the table; returns their names. */
  public static java.util.List<String> registerViews(org.apache.spark.sql.SparkSession spark, String out) {
    java.util.List<String> found = new java.util.ArrayList<>();
    for (String t : ALL) {
      if (committed(spark, out, t)) {
        // The manifest gains fields over releases; nightly partitions written by different releases are merged.
        spark.read().option("mergeSchema", t.equals(RUN_MANIFEST)).parquet(new org.apache.hadoop.fs.Path(out, t).toString())
            .createOrReplaceTempView(t);
        found.add(t);
      }
    }
    return found;
  }
}
