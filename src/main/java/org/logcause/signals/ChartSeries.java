package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The values of a few signals over a time range, for the incident charts: a few series of a few hundred windows each. */
public final class ChartSeries {
  private ChartSeries() {}

  /**
   * @param needed the series, as {@code component \0 signal}
   * @return series → window start (microseconds) → value
   */
  public static Map<String, Map<Long, Double>> collect(Dataset<Row> signals, Set<String> needed, long from, long to) {
    Map<String, Map<Long, Double>> values = new HashMap<>();
    if (needed.isEmpty()) {
      return values;
    }
    signals.sparkSession().sparkContext().setJobDescription("chart series");
    List<String> names = needed.stream().map(k -> k.substring(k.indexOf('\u0000') + 1)).distinct().toList();
    for (Row r : signals.filter(col("signal").isin(names.toArray()).and(unix_micros(col("window_start")).between(from, to)))
        .select(col("component"), col("signal"), unix_micros(col("window_start")), col("value")).collectAsList()) {
      String key = r.getString(0) + "\u0000" + r.getString(1);
      if (needed.contains(key)) {
        values.computeIfAbsent(key, k -> new HashMap<>()).put(r.getLong(2), r.getDouble(3));
      }
    }
    return values;
  }
}
