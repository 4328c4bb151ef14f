package org.logcause.output;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.logcause.plan.RunPlan;

/**
 * Writes a run's tables into its snapshot. A nightly run partitions every table by the night's date, written
 * straight into {@code date=D} (a quiet night still gets a file with the schema); a forensic run partitions only
 * {@code events}, by day.
 */
public final class WriteTables {
  private final RunPlan plan;
  private final SnapshotCommit commit;

  public WriteTables(RunPlan plan, SnapshotCommit commit) {
    this.plan = plan;
    this.commit = commit;
  }

  /** The partition column of a table in this run (null: none). */
  public String partitionOf(String table) {
    return plan.mode() instanceof RunPlan.Nightly || table.equals(Tables.EVENTS) ? "date" : null;
  }

  /** Every table and its partition column, as the pointer publishes them. */
  public Map<String, String> partitioning() {
    Map<String, String> tables = new LinkedHashMap<>();
    for (String t : Tables.ALL) {
      tables.put(t, partitionOf(t));
    }
    return tables;
  }

  public void apply(SparkSession spark, Dataset<Row> rows, String table) {
    spark.sparkContext().setJobDescription("write " + table);
    if (plan.mode() instanceof RunPlan.Nightly n) {
      rows = Arrays.asList(rows.columns()).contains("date") ? rows.drop("date") : rows;
      rows.write().mode(SaveMode.Overwrite).parquet(commit.path(table) + "/date=" + n.date());
      return;
    }
    var writer = rows.write().mode(SaveMode.Overwrite);
    String partition = partitionOf(table);
    if (partition != null) {
      writer = writer.partitionBy(partition);
    }
    writer.parquet(commit.path(table));
  }
}
