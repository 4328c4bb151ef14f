package org.logcause.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.logcause.support.SharedSpark;

class WriteDetectionsSparkTest {

  private static Row anomaly(String component, String signal, long onset) {
    return RowFactory.create("anomaly", component, signal, null, 3.0, 1.0, 5.0, onset, onset + 1, onset + 2, false);
  }

  /**
   * The driver's sort of the scored rows gives Spark's order, byte order of UTF-8 included (a character beyond the
   * basic plane sorts after U+FF01 in UTF-8, before it in Java's UTF-16 order).
   */
  @Test
  void anomaliesSortedOnTheDriverComeInSparksOrder() {
    SparkSession spark = SharedSpark.get();
    List<Row> scored = new ArrayList<>(List.of(
        anomaly("web", "requests", 30), anomaly("db", "category:timeout", 12), anomaly("db", "category:timeout", 7),
        anomaly("\uFF01app", "requests", 4), anomaly("\uD83D\uDE00app", "requests", 4), anomaly("db", "Category:lock", 9),
        RowFactory.create("signal", "db", "category:timeout", 3L, 1.0, 1.0, 0.0, null, null, null, null),
        anomaly("app", "template:ab", 5), anomaly("app", "template:a", 6)));
    List<Row> bySpark = DetectAnomalies.anomalies(spark.createDataFrame(scored, DetectAnomalies.SCORED))
        .orderBy("component", "signal", "onset").collectAsList();
    List<Row> onDriver = WriteDetections.anomaliesInOrder(scored);
    assertThat(onDriver).hasSize(8);
    assertThat(onDriver.stream().map(r -> r.getString(1) + "|" + r.getString(2) + "|" + r.getLong(7)).toList())
        .isEqualTo(bySpark.stream().map(r -> r.getString(1) + "|" + r.getString(2) + "|" + r.getLong(7)).toList());
    assertThat(onDriver.get(onDriver.size() - 1).getString(1)).isEqualTo("\uD83D\uDE00app");
  }
}
