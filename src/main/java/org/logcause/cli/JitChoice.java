package org.logcause.cli;

import java.nio.file.Path;
import java.util.List;
import org.logcause.ingest.SourceFiles;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourcePaths;

/**
 * Which JIT compiler a run of {@code forensic} or {@code nightly} should start with, from the size of what its job
 * reads. Measured on a 2-core machine (see docs/performance.md): HotSpot's optimizing compiler (C2) spends more CPU
 * compiling Spark's planner, Janino and serialization than a small run spends working (46 s of compile time in the
 * 29-s run over the shipped sample), so below about a hundred megabytes the quick compiler alone (C1,
 * {@code -XX:TieredStopAtLevel=1}) finishes sooner; above it, C2's faster code wins back its cost.
 *
 * <p>{@code bin/logcause} asks before starting the JVM that runs the job ({@code LOGCAUSE_JIT=auto}, the default):
 * {@code java -cp logcause.jar org.logcause.cli.JitChoice <the command's arguments>} prints {@code quick} or
 * {@code full}. Only local inputs are measured, without Hadoop or Spark; anything it cannot measure (a remote path, a
 * spec with errors — the run itself reports those) is {@code full}, today's default.
 */
public final class JitChoice {
  /** Input bytes (gzip counted as {@link #GZIP_FACTOR} times its size) below which the quick compiler wins. */
  public static final long QUICK_BELOW_BYTES = 128L << 20;
  /** What a gzip-compressed log expands to, roughly: text logs compress 5–10×. */
  static final int GZIP_FACTOR = 6;

  public static final String QUICK = "quick";
  public static final String FULL = "full";

  private JitChoice() {}

  public static void main(String[] args) {
    System.out.println(choose(List.of(args)));
  }

  /** {@link #QUICK} or {@link #FULL} for a command line ({@code forensic --job FILE ...}). */
  public static String choose(List<String> args) {
    Path job = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--job") && i + 1 < args.size()) {
        job = Path.of(args.get(i + 1));
      } else if (a.startsWith("--job=")) {
        job = Path.of(a.substring("--job=".length()));
      }
    }
    if (job == null) {
      return FULL;
    }
    try {
      long bytes = inputBytes(JobSpecLoader.load(job));
      return bytes >= 0 && bytes < QUICK_BELOW_BYTES ? QUICK : FULL;
    } catch (RuntimeException e) {
      return FULL; // the run itself reports what is wrong with the spec
    }
  }

  /** The bytes the job's sources would read (gzip weighted), or -1 when a source is not on the local file system. */
  static long inputBytes(LoadedJob job) {
    long total = 0;
    for (var s : job.spec().sources()) {
      String resolved = job.resolve(s.path());
      if (!SourcePaths.alternatives(resolved).stream().allMatch(SourcePaths::isLocal)) {
        return -1;
      }
      try {
        for (SourceFiles.Match m : SourceFiles.list(job, s, null).files()) {
          total += m.uri().endsWith(".gz") ? GZIP_FACTOR * m.size() : m.size();
        }
      } catch (java.io.IOException | RuntimeException e) {
        return -1;
      }
    }
    return total;
  }
}
