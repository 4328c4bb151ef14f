package org.logcause.run;

import java.nio.file.Path;
import java.util.List;
import org.logcause.ingest.SourceFiles;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourcePaths;

/**
 * Which JIT compiler a run of {@code forensic}, {@code nightly}, {@code query} or {@code eval} should start with,
 * from the size of what it reads (for eval: of its largest scenario). Measured on a 2-core machine (see
 * docs/performance.md): HotSpot's optimizing compiler (C2) spends more CPU compiling Spark's planner, Janino and
 * serialization than a small run spends working (46 s of compile time in the 29-s run over the shipped sample), so
 * below about a hundred megabytes the quick compiler alone (C1, {@code -XX:TieredStopAtLevel=1}) finishes sooner;
 * above it, C2's faster code wins back its cost.
 *
 * <p>{@code bin/logcause} asks before starting the JVM that runs the job ({@code LOGCAUSE_JIT=auto}, the default):
 * {@code java -cp logcause.jar org.logcause.run.JitChoice <the command's arguments>} prints {@code quick} or
 * {@code full}. Only local inputs are measured, without Hadoop or Spark; anything it cannot measure (a remote path, a
 * spec with errors — the run itself reports those) is {@code full}, today's default.
 */
public final class JitChoice {
  /** Input bytes (gzip counted as {@link #GZIP_FACTOR} times its size) below which the quick compiler wins. */
  public static final long QUICK_BELOW_BYTES = 128L << 20;
  /**
   * The input of the largest simulated scenario per unit of {@code --scale}: traffic-surge, the busiest family, writes
   * about 4.1 MB at scale 0.3; rounded up.
   */
  static final long GENERATED_BYTES_PER_SCALE = 16L << 20;
  /** What a gzip-compressed log (or Parquet) expands to, roughly: {@link SourceFiles#GZIP_EXPANSION}. */
  static final int GZIP_FACTOR = SourceFiles.GZIP_EXPANSION;

  public static final String QUICK = "quick";
  public static final String FULL = "full";

  private JitChoice() {}

  public static void main(String[] args) {
    System.out.println(choose(List.of(args)));
  }

  /**
   * {@link #QUICK} or {@link #FULL} for a command line: {@code forensic} or {@code nightly --job FILE ...} by the files
   * the job reads, {@code query --out DIR ...} by the tables of DIR's current run (Parquet counted as
   * {@link #GZIP_FACTOR} times its size, like gzip: both hold several times their size in rows), {@code eval} by its
   * largest scenario ({@link #largestScenarioBytes}).
   */
  public static String choose(List<String> args) {
    try {
      long bytes = -1;
      if (!args.isEmpty() && args.get(0).equals("query")) {
        String out = option(args, "--out");
        bytes = out == null ? -1 : GZIP_FACTOR * currentBytes(Path.of(out));
      } else if (!args.isEmpty() && args.get(0).equals("eval")) {
        bytes = largestScenarioBytes(args);
      } else {
        String job = option(args, "--job");
        bytes = job == null ? -1 : inputBytes(JobSpecLoader.load(Path.of(job)));
      }
      return bytes >= 0 && bytes < QUICK_BELOW_BYTES ? QUICK : FULL;
    } catch (RuntimeException | java.io.IOException e) {
      return FULL; // the run itself reports what is wrong with the spec or the folder
    }
  }

  private static String option(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(name) && i + 1 < args.size()) {
        return args.get(i + 1);
      } else if (a.startsWith(name + "=")) {
        return a.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** The bytes of the files of an output folder's current run (its {@code current} link), or -1 without one. */
  static long currentBytes(Path out) throws java.io.IOException {
    Path current = out.resolve("current");
    if (!java.nio.file.Files.isDirectory(current)) {
      return -1; // not a local output folder (or not one logcause wrote): the query reports it
    }
    try (var files = java.nio.file.Files.walk(current.toRealPath())) {
      return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /**
   * For {@code eval}, the largest single scenario's input: eval runs its scenarios one after another in one JVM, and
   * what the JIT compiler costs there is per scenario (each brings its own generated classes), not per eval. Generated
   * scenarios ({@code --scale X}, default 1) by {@link #GENERATED_BYTES_PER_SCALE}; {@code --scenarios DIR} by the
   * inputs of each {@code job.yaml} found up to two folders below DIR. -1 when it cannot tell.
   */
  static long largestScenarioBytes(List<String> args) throws java.io.IOException {
    String dir = option(args, "--scenarios");
    if (dir == null) {
      String scale = option(args, "--scale");
      double x = scale == null ? 1.0 : Double.parseDouble(scale);
      return x > 0 ? (long) Math.ceil(x * GENERATED_BYTES_PER_SCALE) : -1;
    }
    long largest = -1;
    try (var found = java.nio.file.Files.find(Path.of(dir), 3, (p, a) -> a.isRegularFile() && p.endsWith("job.yaml"))) {
      for (Path spec : found.toList()) {
        long bytes = inputBytes(JobSpecLoader.load(spec));
        if (bytes < 0) {
          return -1;
        }
        largest = Math.max(largest, bytes);
      }
    }
    return largest;
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
