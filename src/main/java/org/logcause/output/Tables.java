package org.logcause.output;

/** Names of the output tables (folders under the output directory) and of the manifest file. */
public final class Tables {
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String RUN_MANIFEST = "run_manifest";
  public static final String MANIFEST_JSON = "run_manifest.json";

  private Tables() {}
}
