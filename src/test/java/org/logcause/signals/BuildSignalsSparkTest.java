package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sort_array;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private static Row request(int second, String client, String path, int status, double latencyMs) {
    Map<String, String> attributes = new HashMap<>();
    if (client != null) attributes.put("client_ip", client);
    attributes.put("path", path);
    attributes.put("status", Integer.toString(status));
    attributes.put("latency_ms", Double.toString(latencyMs));
    return RowFactory.create("lb", new Timestamp(1_700_000_000_000L + second * 1000L), "access", "INFO",
        status >= 500 ? "server_error" : "benign", null, status >= 500 ? "high" : "info", "GET " + path + " " + status,
        scala.jdk.javaapi.CollectionConverters.asScala(attributes), "t1");
  }

  /** The columns of the events the signals read. */
  private static final StructType EVENTS = new StructType().add("component", DataTypes.StringType)
      .add("ts", DataTypes.TimestampType).add("format", DataTypes.StringType).add("level", DataTypes.StringType)
      .add("category", DataTypes.StringType).add("subcategory", DataTypes.StringType).add("severity", DataTypes.StringType)
      .add("message", DataTypes.StringType).add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("template_id", DataTypes.StringType);

  /**
   * The access gauges of one window: a known client (seen before the baseline ended) failing and retrying, a new
   * client, and a request without a client address, which is never a known client.
   */
  @Test
  void knownClientsAndRetriesOfTheAccessLog() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> events = spark.createDataFrame(List.of(
        request(1, "10.0.0.1", "/x", 200, 5), request(2, null, "/x", 200, 5), // the baseline: windows before 10 s
        request(21, "10.0.0.1", "/x", 500, 100), request(22, "10.0.0.1", "/x", 200, 5),
        request(23, "10.0.0.2", "/y", 200, 5), request(24, null, "/y", 200, 5)), EVENTS).repartition(3);
    long window = 1_700_000_020L / 10;
    List<Row> rows = new BuildSignals(10, 1_700_000_010_000_000L)
        .collect(BuildSignals.categoryCounts(events, 10), events, events);
    Map<String, Double> at = new HashMap<>();
    rows.stream().filter(r -> r.getLong(3) == window).forEach(r -> at.put(r.getString(1), r.getDouble(4)));
    assertThat(at).containsEntry("requests", 4.0).containsEntry("clients", 2.0)
        .containsEntry("new_client_share", 0.5) // the new client and the one without an address
        .containsEntry("retry_share", 0.25) // the known client asking again 1 s after its 500
        .containsEntry("category:server_error", 1.0);
  }
  /**
   * HAProxy's log holds requests and its own lines (a server going down, a proxy starting): its requests are counted
   * and measured like an access log's, its other lines are not requests.
   */
  @Test
  void haproxysRequestsAreRequestsAndItsOtherLinesAreNot() {
    SparkSession spark = SharedSpark.get();
    java.util.function.Function<Row, Row> asHaproxy = r -> RowFactory.create(r.get(0), r.get(1), "haproxy", r.get(3),
        r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9));
    Dataset<Row> events = spark.createDataFrame(List.of(
        asHaproxy.apply(request(1, "10.0.0.1", "/x", 200, 5)),
        asHaproxy.apply(request(21, "10.0.0.1", "/x", 500, 100)), asHaproxy.apply(request(22, "10.0.0.1", "/x", 200, 7)),
        RowFactory.create("lb", new Timestamp(1_700_000_023_000L), "haproxy", "INFO", "network", "unreachable", "high",
            "Server bk/app1 is DOWN, reason: Layer4 connection problem",
            scala.jdk.javaapi.CollectionConverters.asScala(Map.of("app", "haproxy")), "t3")), EVENTS);
    long window = 1_700_000_020L / 10;
    List<Row> rows = new BuildSignals(10, 1_700_000_010_000_000L)
        .collect(BuildSignals.categoryCounts(events, 10), events, events);
    Map<String, Double> at = new HashMap<>();
    rows.stream().filter(r -> r.getLong(3) == window).forEach(r -> at.put(r.getString(1), r.getDouble(4)));
    assertThat(at).containsEntry("requests", 2.0).containsEntry("clients", 1.0).containsEntry("retry_share", 0.5)
        .containsEntry("category:network", 1.0);
    assertThat(at.get("latency_p95_ms")).isGreaterThan(7.0);
    assertThat(BuildSignals.categoryCounts(events, 10)).filteredOn(r -> r.getLong(1) == window)
        .extracting(r -> r.getLong(r.fieldIndex("requests"))).containsOnly(1L, 1L, 0L);
  }

  private static Row statement(int second, String format, String subcategory, String message) {
    return RowFactory.create("db", new Timestamp(1_700_000_000_000L + second * 1000L), format, "INFO",
        subcategory.equals("slow_query") ? "overload" : "benign", subcategory, "info", message,
        scala.jdk.javaapi.CollectionConverters.asScala(new HashMap<String, String>()), "t2");
  }

  /**
   * The slow-query signal reads the workload's statements, PostgreSQL's and MySQL's slow log alike; an index built by
   * a migration or its revert is a job someone ran, not the database slowing down.
   */
  @Test
  void theSlowQuerySignalLeavesMaintenanceStatementsOut() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> events = spark.createDataFrame(List.of(
        statement(21, "postgres", "slow_query", "duration: 1200.5 ms  statement: SELECT * FROM orders WHERE customer_id = 7"),
        statement(22, "mysql-slow", "slow_query", "duration: 900 ms  statement: SELECT * FROM orders WHERE customer_id = 9"),
        statement(23, "postgres", BuildSignals.MAINTENANCE_STATEMENT,
            "duration: 35986.054 ms  statement: CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)"),
        statement(34, "mysql-slow", BuildSignals.MAINTENANCE_STATEMENT,
            "duration: 20525.615 ms  statement: CREATE INDEX orders_customer_idx ON shop.orders (customer_id);")),
        EVENTS);
    List<Row> rows = new BuildSignals(10, 1_700_000_010_000_000L)
        .collect(BuildSignals.categoryCounts(events, 10), events, events);
    Map<Long, Double> p95 = new HashMap<>();
    rows.stream().filter(r -> r.getString(1).equals("slow_query_p95_ms")).forEach(r -> p95.put(r.getLong(3), r.getDouble(4)));
    // the workload's two statements in the window at 20 s; nothing in the window at 30 s, which held only the index
    assertThat(p95).containsOnlyKeys(1_700_000_020L / 10);
    assertThat(p95.get(1_700_000_020L / 10)).isBetween(900.0, 1200.5);
  }
}
