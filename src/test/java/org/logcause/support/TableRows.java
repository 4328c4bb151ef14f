package org.logcause.support;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Every row of an output folder's tables as sorted JSON strings: what "the same rows" means in the tests. */
public final class TableRows {
  /** The tables a run writes, the manifest aside (it holds timings). */
  public static final List<String> TABLES = org.logcause.output.Tables.ALL.stream()
      .filter(t -> !t.equals(org.logcause.output.Tables.RUN_MANIFEST)).toList();

  private TableRows() {}

  public static Map<String, List<String>> of(SparkSession spark, Path out) {
    return of(spark, out, UnaryOperator.identity());
  }

  /** With each table narrowed first (a date, a dropped column). */
  public static Map<String, List<String>> of(SparkSession spark, Path out, UnaryOperator<Dataset<Row>> narrow) {
    Map<String, List<String>> all = new TreeMap<>();
    for (String t : TABLES) {
      var table = org.logcause.output.OutputFolder.read(spark, out.toString(), t); // findings: nightly runs only
      if (table.isEmpty()) {
        continue;
      }
      all.put(t, narrow.apply(table.get()).select(to_json(struct(col("*"))))
          .as(Encoders.STRING()).collectAsList().stream().sorted().toList());
    }
    return all;
  }
}
