package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.logcause.signals.core.GroupIncidents;
import org.logcause.signals.core.UserImpact;

/**
 * Shapes the detect stage's results into the {@code signals}, {@code anomalies} and {@code incidents} tables.
 * Anomalies are collected to the driver to be grouped: there are few of them (tens to thousands), never
 * event-sized data.
 */
public final class WriteDetections {
  private static final StructType ANOMALY_ROWS = new StructType()
      .add("anomaly_id", DataTypes.StringType, false).add("incident_id", DataTypes.StringType, true)
      .add("component", DataTypes.StringType, false).add("signal", DataTypes.StringType, false)
      .add("onset_us", DataTypes.LongType, false).add("peak_us", DataTypes.LongType, false)
      .add("end_us", DataTypes.LongType, false).add("peak_value", DataTypes.DoubleType, false)
      .add("baseline", DataTypes.DoubleType, false).add("score", DataTypes.DoubleType, false)
      .add("new_signal", DataTypes.BooleanType, false);
  private static final StructType INCIDENT_ROWS = new StructType()
      .add("incident_id", DataTypes.StringType, false).add("start_us", DataTypes.LongType, false)
      .add("end_us", DataTypes.LongType, false)
      .add("components", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("severity", DataTypes.StringType, false).add("anomalies", DataTypes.IntegerType, false);

  /**
   * The three tables.
   *
   * @param degradations sustained anomalies grouped like an incident whose users were not hurt (window indices)
   */
  public record Tables(Dataset<Row> signals, Dataset<Row> anomalies, Dataset<Row> incidents, int anomalyCount,
      List<GroupIncidents.Incident> incidentList, List<GroupIncidents.Incident> degradations) {}

  private WriteDetections() {}

  /**
   * @param scored the scored rows ({@link DetectAnomalies#SCORED})
   * @param onDriver the same rows when the driver holds them (scored there): their anomalies are then sorted here, not
   *     by a Spark sort of a local relation (three jobs); null when {@code scored} is distributed
   * @param perCategory {@link BuildSignals#categoryCounts} rows: the access lines of each category per window
   * @param baselineEnd the first window after the baseline's; {@link Long#MAX_VALUE} when earlier runs are the baseline
   */
  public static Tables apply(SparkSession spark, Dataset<Row> scored, List<Row> onDriver, int windowSeconds,
      GroupIncidents grouping, UserImpact.Settings impactLine, List<Row> perCategory, long baselineEnd) {
    long w = windowSeconds * 1_000_000L;
    Dataset<Row> signals = scored.filter(col("kind").equalTo("signal")).select(
        col("component"), col("signal"), timestamp_micros(col("window").multiply(w)).alias("window_start"),
        lit(windowSeconds).alias("window_seconds"), col("value"), col("baseline"), col("score"));
    List<Row> raw = onDriver == null
        ? DetectAnomalies.anomalies(scored).orderBy("component", "signal", "onset").collectAsList()
        : anomaliesInOrder(onDriver);
    List<GroupIncidents.Item> items = new ArrayList<>();
    Map<String, Row> byId = new HashMap<>();
    for (Row r : raw) {
      String id = id(r.getString(1) + "|" + r.getString(2) + "|" + r.getLong(7));
      items.add(new GroupIncidents.Item(id, r.getString(1), r.getString(2), r.getLong(7), r.getLong(9), r.getDouble(6),
          r.getBoolean(10)));
      byId.put(id, r);
    }
    List<GroupIncidents.Incident> grouped = grouping.apply(items);
    List<GroupIncidents.Incident> incidents = grouped;
    if (impactLine.required() && !grouped.isEmpty()) {
      UserImpact impact = userImpact(scored, onDriver, perCategory, impactLine, baselineEnd);
      incidents = grouped.stream().filter(i -> impact.hurt(i.start(), i.end())).toList();
    }
    Map<String, String> incidentOf = new HashMap<>();
    List<Row> incidentRows = new ArrayList<>();
    for (GroupIncidents.Incident i : incidents) {
      i.anomalyIds().forEach(a -> incidentOf.put(a, i.id()));
      incidentRows.add(RowFactory.create(i.id(), i.start() * w, (i.end() + 1) * w,
          scala.jdk.javaapi.CollectionConverters.asScala(i.components()).toSeq(), i.severity(), i.anomalyIds().size()));
    }
    List<Row> anomalyRows = new ArrayList<>();
    for (GroupIncidents.Item a : items) {
      Row r = byId.get(a.id());
      anomalyRows.add(RowFactory.create(a.id(), incidentOf.get(a.id()), a.component(), a.signal(), a.onset() * w,
          r.getLong(8) * w, (a.end() + 1) * w, r.getDouble(4), r.getDouble(5), a.score(), a.newSignal()));
    }
    Dataset<Row> anomalies = spark.createDataFrame(anomalyRows, ANOMALY_ROWS).select(
        col("anomaly_id"), col("incident_id"), col("component"), col("signal"),
        timestamp_micros(col("onset_us")).alias("onset"), timestamp_micros(col("peak_us")).alias("peak"),
        timestamp_micros(col("end_us")).alias("end"), col("peak_value"), col("baseline"), col("score"),
        col("new_signal"));
    Dataset<Row> incidentTable = spark.createDataFrame(incidentRows, INCIDENT_ROWS).select(
        col("incident_id"), timestamp_micros(col("start_us")).alias("start"), timestamp_micros(col("end_us")).alias("end"),
        col("components"), col("severity"), col("anomalies"));
    List<GroupIncidents.Incident> kept = incidents;
    return new Tables(signals, anomalies, incidentTable, items.size(), incidents,
        grouped.stream().filter(i -> !kept.contains(i)).toList());
  }

  /**
   * The edge's requests and p95 latency per window, from the scored signal rows, and its failed requests, from the
   * access lines of each category.
   */
  static UserImpact userImpact(Dataset<Row> scored, List<Row> onDriver, List<Row> perCategory, UserImpact.Settings line,
      long baselineEnd) {
    List<String> needed = UserImpact.SIGNALS;
    // the rows the driver holds, or the edge's few series (a nightly run scored against history holds none)
    List<Row> rows = onDriver != null ? onDriver : scored.filter(col("kind").equalTo("signal")
        .and(col("signal").isin(needed.toArray()))).collectAsList();
    UserImpact impact = new UserImpact(line, baselineEnd);
    for (Row r : rows) {
      if ("signal".equals(r.getString(0)) && needed.contains(r.getString(2))) {
        impact.add(r.getString(1), r.getString(2), r.getLong(3), r.getDouble(4), r.getDouble(5));
      }
    }
    for (Row r : perCategory) {
      impact.addAccessLines(r.getString(0), r.getLong(1), r.isNullAt(2) ? null : r.getString(2),
          r.getLong(BuildSignals.CATEGORY_REQUESTS));
    }
    return impact;
  }

  /** The anomaly rows among scored rows, in Spark's order of {@code orderBy("component", "signal", "onset")}. */
  static List<Row> anomaliesInOrder(List<Row> scored) {
    return scored.stream().filter(r -> "anomaly".equals(r.getString(0)))
        .sorted(Comparator.comparing((Row r) -> UTF8String.fromString(r.getString(1)))
            .thenComparing(r -> UTF8String.fromString(r.getString(2)))
            .thenComparing(r -> r.isNullAt(7) ? null : r.getLong(7), Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
  }

  static String id(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
