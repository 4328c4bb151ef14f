package org.logcause.run;

import java.io.PrintWriter;
import org.logcause.output.RunManifest;

/** Prints one line per stage (name, rows, elapsed) and records the timing for the run manifest. */
public final class Progress {
  private final PrintWriter out;
  private org.apache.spark.SparkContext spark;

  public Progress(PrintWriter out) {
    this.out = out;
  }

  /** Names each stage's Spark jobs after it (the local property {@link SparkProfile#STAGE}). */
  Progress attach(org.apache.spark.SparkContext sc) {
    this.spark = sc;
    return this;
  }

  public Stage begin(String name) {
    if (spark != null) {
      spark.setLocalProperty(SparkProfile.STAGE, name);
    }
    return new Stage(name, System.nanoTime());
  }

  /** A stage under way. */
  public final class Stage {
    private final String name;
    private final long startNanos;

    private Stage(String name, long startNanos) {
      this.name = name;
      this.startNanos = startNanos;
    }

    public RunManifest.StageEntry end(long rows, String summary) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.printf("[%s] %s (%.1f s)%n", name, summary, seconds);
      out.flush();
      return new RunManifest.StageEntry(name, rows, Math.round(seconds * 1000) / 1000d);
    }
  }
}
