package org.logcause.support;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (Surefire reuses one fork), shared by every Spark test class: local[2],
 * loopback, no UI, UTC, and the same settings the CLI uses.
 */
public final class SharedSpark {
  private static SparkSession spark;

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = org.logcause.run.SparkSessions.start("logcause-tests", "local[2]", false);
      spark.conf().set("spark.sql.shuffle.partitions", "4");
    }
    return spark;
  }
}
