package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sort_array;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.logcause.support.SharedSpark;

class BuildSignalsSparkTest {

  @Test
  void percentilesReadOffTheSortedValuesAreSparksExactPercentiles() {
    SparkSession spark = SharedSpark.get();
    // Groups of 1 to 60 values, with repeats, ties at the two ranks, negatives, nulls and NaN.
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < 400; g++) {
      int n = 1 + random.nextInt(60);
      for (int i = 0; i < n; i++) {
        int shape = random.nextInt(20);
        Double v = shape == 0 ? null : shape == 1 ? Double.NaN : shape < 8 ? (double) random.nextInt(5)
            : (random.nextDouble() - 0.2) * Math.pow(10, random.nextInt(6));
        rows.add(RowFactory.create(g, v));
      }
    }
    Dataset<Row> values = spark.createDataFrame(rows,
        new StructType().add("g", DataTypes.IntegerType).add("v", DataTypes.DoubleType)).repartition(7);
    for (double p : new double[] {0.0, 0.5, 0.95, 0.99, 1.0}) {
      List<Row> compared = values.groupBy("g")
          .agg(percentile(col("v"), lit(p)).alias("spark"),
              BuildSignals.percentileOfSorted(sort_array(collect_list(col("v"))), p).alias("ours"))
          .collectAsList();
      assertThat(compared).hasSize(400);
      for (Row r : compared) {
        assertThat(r.isNullAt(2)).as("group %s, p %s", r.get(0), p).isEqualTo(r.isNullAt(1));
        if (!r.isNullAt(1)) {
          // Bit for bit: the same interpolation, in the same order of operations.
          assertThat(Double.doubleToLongBits(r.getDouble(2)))
              .as("group %s, p %s: %s against %s", r.get(0), p, r.getDouble(2), r.getDouble(1))
              .isEqualTo(Double.doubleToLongBits(r.getDouble(1)));
        }
      }
    }
  }
}
