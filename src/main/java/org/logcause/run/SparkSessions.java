package org.logcause.run;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is configured: UTC everywhere, Parquet timestamps as TIMESTAMP_MICROS, no UI.
 * Under spark-submit the master comes from the submit; otherwise embedded local Spark with all cores.
 */
public final class SparkSessions {
  /** Spark's (static) limit on the compiled generated classes it keeps for reuse. */
  static final String CODEGEN_CACHE = "spark.sql.codegen.cache.maxEntries";
  /** Whether lower() and upper() use ICU's case mappings (Spark's default) or the JVM's. */
  static final String ICU_CASE_MAPPINGS = "spark.sql.icu.caseMappings.enabled";
  /** The Hadoop file system class for {@code file:} paths. */
  static final String LOCAL_FS = "spark.hadoop.fs.file.impl";

  private SparkSessions() {}

  public static SparkSession start(String appName, String master, boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.WARN);
    SparkConf conf = new SparkConf();
    String effective = master != null ? master : conf.get("spark.master", "local[*]");
    SparkSession.Builder b =
        SparkSession.builder()
            .appName(appName)
            .master(effective)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.debug.maxToStringFields", "200");
    // The cached events are read a few times and dropped at the end of the run: building the cache without
    // compressing it makes ingest about a fifth faster, for a larger cache (it spills to disk when memory runs out).
    if (!conf.contains("spark.sql.inMemoryColumnarStorage.compressed")) {
      b.config("spark.sql.inMemoryColumnarStorage.compressed", "false");
    }
    // A run generates ~200 distinct classes (projections, whole-stage code, column accessors) and Spark keeps the last
    // 100 compiled: a run evicted its own classes before it reused them, and each eval scenario compiled (and the JIT
    // compiled again) what the previous one had. 1000 holds them: eval 4.7-4.9 -> 4.2 s per scenario (docs/performance.md).
    if (!conf.contains(CODEGEN_CACHE)) {
      b.config(CODEGEN_CACHE, "1000");
    }
    // With ICU's case mappings, the first lower() of a JVM initialises a table of every character's title case: 2-3 s
    // of one core, paid by each nightly run (a setting's name is lower-cased in findings): findings 4.0-4.9 -> 1.9-2.1 s
    // on the sample. The JVM's own mappings agree with ICU's on everything a log holds but a few locale-specific cases.
    if (!conf.contains(ICU_CASE_MAPPINGS)) {
      b.config(ICU_CASE_MAPPINGS, "false");
    }
    // Hadoop's local file system forks a chmod process for every directory and file a write creates (about a hundred
    // per forensic run of the sample); this one sets the same permissions in-process (see PosixLocalFileSystem).
    if (!conf.contains(LOCAL_FS)) {
      b.config(LOCAL_FS, PosixLocalFileSystem.class.getName());
    }
    if (effective.startsWith("local")) {
      b.config("spark.sql.shuffle.partitions", "8").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel(verbose ? "INFO" : "WARN");
    return spark;
  }
}
