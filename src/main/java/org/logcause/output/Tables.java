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
  /** Nightly runs only: what the night shows that a postmortem's follow-ups check (its digest sits beside it). */
  public static final String FINDINGS = "findings";
  /** Every table, in the order a reader meets them. */
  public static final java.util.List<String> ALL = java.util.List.of(EVENTS, QUARANTINE, SIGNALS, ANOMALIES, INCIDENTS,
      HYPOTHESES, INCIDENT_SUMMARY, FINDINGS, RUN_MANIFEST);
  public static final String MANIFEST_JSON = "run_manifest.json";

  /** The columns of {@code events}, in order (the README documents each). */
  public static final org.apache.spark.sql.Column[] EVENT_COLUMNS =
      java.util.stream.Stream.of("event_id", "ts", "source", "component", "host", "format", "level", "message",
              "category", "subcategory", "severity", "rule_id", "template_id", "template", "attributes", "file", "line",
              "line_count", "date")
          .map(org.apache.spark.sql.functions::col)
          .toArray(org.apache.spark.sql.Column[]::new);

  private Tables() {}
}
