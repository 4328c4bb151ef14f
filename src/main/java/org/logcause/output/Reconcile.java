package org.logcause.output;

import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.logcause.ingest.FileStat;

/**
 * The line accounting of a run: reads the written {@code events} and {@code quarantine} back (narrow columns) and
 * sets, per file, the lines its events span and the lines its quarantine rows hold: the second, independent count
 * that {@link FileStat#reconciled()} compares with the reader's. A file that does not reconcile is a bug, not bad
 * input: the run fails rather than claim outputs that lost lines.
 */
public final class Reconcile {
  /**
   * The columns the accounting reads, declared: both tables were just written with them, and a declared schema spares
   * Spark the job that infers it from a file footer.
   */
  static final String ACCOUNTING = "source STRING, file STRING, line_count INT";

  private final SnapshotCommit commit;

  public Reconcile(SnapshotCommit commit) {
    this.commit = commit;
  }

  /**
   * @param reader what the reader counted per file
   * @param outside per file ({@code source \0 file}): lines outside the window, and lines of implausible events
   */
  public List<FileStat> apply(SparkSession spark, List<FileStat> reader, Map<String, long[]> outside) {
    spark.sparkContext().setJobDescription("reconcile: line accounting of the written tables");
    Map<String, long[]> written = new HashMap<>();
    for (Row r : spark.read().schema(ACCOUNTING).parquet(commit.path(Tables.EVENTS)).groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[0] = r.getLong(2);
    }
    for (Row r : spark.read().schema(ACCOUNTING).parquet(commit.path(Tables.QUARANTINE)).groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[1] = r.getLong(2);
    }
    List<FileStat> files = new ArrayList<>();
    for (FileStat f : reader) {
      String key = f.source() + "\u0000" + f.file();
      long[] w = written.getOrDefault(key, new long[2]);
      long[] o = outside.getOrDefault(key, new long[2]);
      files.add(f.withWritten(w[0], o[0], o[1], w[1]));
    }
    for (FileStat f : files) {
      if (!f.reconciled()) {
        throw new IllegalStateException("line accounting mismatch for " + f.file() + ": read " + f.linesRead()
            + " lines, but events hold " + f.eventLinesWritten() + ", " + f.outOfWindowLines()
            + " are outside the window and quarantine holds " + f.quarantineLinesWritten());
      }
    }
    return files;
  }
}
