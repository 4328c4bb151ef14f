package org.logcause.support;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.logcause.output.OutputFolder;

/** The tables and files of an output folder's current run, as readers find them (through {@code current.json}). */
public final class Out {
  private Out() {}

  public static Dataset<Row> table(Path out, String table) {
    return OutputFolder.table(SharedSpark.get(), out.toString(), table);
  }

  /** A file of the current run, e.g. {@code run_manifest.json} or {@code postmortems/inc-1.md}. */
  public static Path file(Path out, String name) {
    String p = OutputFolder.file(SharedSpark.get().sparkContext().hadoopConfiguration(), out.toString(), name)
        .orElseThrow(() -> new AssertionError("the current run of " + out + " has no file " + name));
    return Path.of(java.net.URI.create(p).getPath());
  }
}
