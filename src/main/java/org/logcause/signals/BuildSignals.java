package org.logcause.signals;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.logcause.signals.core.Signals;

/**
 * Signals stage: turns classified events into time series, one value per component × signal × window.
 * Count signals: {@code category:<c>}, {@code template:<id>} (templates of medium or higher severity),
 * {@code requests}. Gauges: {@code error_ratio}, {@code latency_p50_ms} / {@code _p95_ms} / {@code _p99_ms}, {@code clients}, {@code new_client_share},
 * {@code retry_share}, {@code slow_query_p95_ms}. Change records count on the component they target.
 */
public final class BuildSignals {
  public static final String COUNT = "count";
  public static final String GAUGE = "gauge";

  private final int windowSeconds;
  private final long baselineEndMicros;
  /** A template signal's category (its events' category; the greatest name if they differ), filled by {@link #collect}. */
  private final Map<String, String> templateCategories = new java.util.TreeMap<>();

  /**
   * @param windowSeconds window size
   * @param baselineEndMicros end of the baseline period: clients seen before it are "known" clients
   */
  public BuildSignals(int windowSeconds, long baselineEndMicros) {
    this.windowSeconds = windowSeconds;
    this.baselineEndMicros = baselineEndMicros;
  }

  /** Per template signal ({@code template:<id>}) the category of its events, from the last {@link #collect}. */
  public Map<String, String> templateCategories() {
    return java.util.Collections.unmodifiableMap(templateCategories);
  }

  /** Whether a signal (by name) is a count or a gauge. */
  public static String kindOf(String signal) {
    return Signals.isCount(signal) ? COUNT : GAUGE;
  }

  /** The signal rows' schema: component, signal, kind, window (index), value. */
  public static final StructType ROWS = new StructType()
      .add("component", DataTypes.StringType, true)
      .add("signal", DataTypes.StringType, true)
      .add("kind", DataTypes.StringType, false)
      .add("window", DataTypes.LongType, true)
      .add("value", DataTypes.DoubleType, true);

  /**
   * Rows of {@link #ROWS}, collected to the driver: one per component × signal × window with data, so their number
   * grows with the span and the number of series, not with the lines. Four small aggregations, one scan of the events
   * each: per category (its counts, the error ratio and crashes from the same rows), per severe template, the access
   * log's requests and gauges, the slow-query durations.
   *
   * @param events the events, with or without their template
   * @param templated the same events with {@code template_id}: read only for the template counts, so the other
   *     signals do not pay for attaching templates
   */
  public List<Row> collect(List<Row> perCategory, Dataset<Row> events, Dataset<Row> templated) {
    Dataset<Row> e = windowed(events, col("message"), col("attributes"));
    List<Row> out = new ArrayList<>();

    // Categories, crashes and the error ratio from the same per-category counts, summed per component and window here.
    Map<List<Object>, long[]> perWindow = new LinkedHashMap<>(); // errors and events per component and window
    for (Row r : perCategory) {
      Object component = r.get(0);
      Object window = r.get(1);
      long n = r.getLong(3);
      long crashes = r.getLong(5);
      out.add(RowFactory.create(component, r.isNullAt(2) ? null : Signals.CATEGORY + r.getString(2), COUNT, window, (double) n));
      if (crashes > 0) {
        out.add(RowFactory.create(component, Signals.CRASHES, COUNT, window, (double) crashes));
      }
      long[] sums = perWindow.computeIfAbsent(java.util.Arrays.asList(component, window), k -> new long[2]);
      sums[0] += r.getLong(4);
      sums[1] += n;
    }
    perWindow.forEach((key, sums) -> out.add(RowFactory.create(key.get(0), Signals.ERROR_RATIO, GAUGE, key.get(1),
        (double) sums[0] / (double) sums[1])));

    windowed(templated.filter(col("severity").isin("critical", "high", "medium")), col("template_id"))
        .groupBy(col("component"), concat(lit(Signals.TEMPLATE), col("template_id")).alias("signal"), col("window"))
        .agg(count(lit(1)).cast("double").alias("value"), max(col("category")).alias("category"))
        .collectAsList()
        .forEach(r -> {
          out.add(RowFactory.create(r.get(0), r.get(1), COUNT, r.get(2), r.get(3)));
          if (!r.isNullAt(4)) templateCategories.merge(r.getString(1), r.getString(4), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        });

    Dataset<Row> access = e.filter(isRequest())
        .withColumn("client", col("attributes").getItem("client_ip"))
        .withColumn("path", col("attributes").getItem("path"))
        .withColumn("status", col("attributes").getItem("status").cast("int"))
        .withColumn("latency", try_cast(col("attributes").getItem("latency_ms"), "double"));
    // A known client asked something before the baseline ended: computed over the requests partitioned by component
    // and client, which the retries below reuse, so neither a distinct nor a join shuffles the requests again. No
    // address, no known client.
    var byClient = Window.partitionBy("component", "client");
    // A retry: the same client asks for the same path again within 10 s of a failed (5xx) answer.
    var byClientPath = Window.partitionBy("component", "client", "path").orderBy("micros");
    Dataset<Row> withRetry = access
        .withColumn("known", when(col("client").isNotNull()
            .and(min(col("micros")).over(byClient).lt(baselineEndMicros)), 1.0))
        .withColumn("start", col("micros").minus(coalesce(col("latency"), lit(0.0)).multiply(1000).cast("long")))
        .withColumn("prev_end", lag("micros", 1).over(byClientPath))
        .withColumn("prev_status", lag("status", 1).over(byClientPath))
        .withColumn("retry", when(col("prev_status").geq(500)
            .and(col("start").minus(col("prev_end")).leq(10_000_000L)), 1.0).otherwise(0.0));
    String[] gauges = {Signals.LATENCY_P50, Signals.LATENCY_P95, Signals.LATENCY_P99, Signals.CLIENTS,
        Signals.NEW_CLIENT_SHARE, Signals.RETRY_SHARE};
    withRetry.groupBy(col("component"), col("window"))
        .agg(count(lit(1)).cast("double").alias("requests"),
            // Exact percentiles, the three from one aggregate: an approximate sketch's result depends on how the rows
            // were partitioned (file ranges, cores), and outputs must not.
            sort_array(collect_list(col("latency"))).alias("latency_ms"),
            // Not countDistinct: beside other aggregates it splits the aggregation per client (a sketch per client).
            size(collect_set(col("client"))).cast("double").alias("clients"),
            avg(when(col("known").isNull(), 1.0).otherwise(0.0)).alias("new_client_share"),
            avg(col("retry")).alias("retry_share"))
        .select(col("component"), col("window"), col("requests"), percentileOfSorted(col("latency_ms"), 0.5),
            percentileOfSorted(col("latency_ms"), 0.95), percentileOfSorted(col("latency_ms"), 0.99), col("clients"),
            col("new_client_share"), col("retry_share"))
        .collectAsList()
        .forEach(r -> {
          out.add(RowFactory.create(r.get(0), Signals.REQUESTS, COUNT, r.get(1), r.get(2)));
          for (int g = 0; g < gauges.length; g++) {
            if (!r.isNullAt(3 + g)) {
              out.add(RowFactory.create(r.get(0), gauges[g], GAUGE, r.get(1), r.get(3 + g)));
            }
          }
        });

    // a schema change or maintenance statement (rule slow-maintenance-statement) is a job someone ran, not a query
    // of the workload: its minutes would read as the database slowing down
    e.filter(col("format").startsWith("postgres").or(col("format").equalTo("mysql-slow")))
        .filter(not(col("subcategory").eqNullSafe(MAINTENANCE_STATEMENT)))
        .withColumn("ms", try_cast(regexp_extract(col("message"), "^duration: ([0-9.]+) ms", 1), "double"))
        .filter(col("ms").isNotNull())
        .groupBy(col("component"), col("window"))
        .agg(percentileOfSorted(sort_array(collect_list(col("ms"))), 0.95).alias("value"))
        .collectAsList()
        .forEach(r -> out.add(RowFactory.create(r.get(0), Signals.SLOW_QUERY_P95, GAUGE, r.get(1), r.get(2))));
    return out;
  }

  /** The subcategory of a slow schema change or maintenance statement (the built-in rules' slow-maintenance-statement). */
  static final String MAINTENANCE_STATEMENT = "maintenance_statement";

  /** Columns of a {@link #categoryCounts} row: component, window, category, then these counts. */
  static final int CATEGORY_EVENTS = 3;
  static final int CATEGORY_REQUESTS = 6;

  /**
   * Events per component × window × category, with those logged at ERROR or FATAL, the crashes and the access-log
   * lines among them: one aggregation, collected (rows grow with the span and the components, not the lines). The
   * category signals, the error ratio and the forensic baseline's first-change search all read it.
   */
  public static List<Row> categoryCounts(Dataset<Row> events, int windowSeconds) {
    return windowed(events, new Column[] {isRequest().alias("request")}, windowSeconds)
        .groupBy(col("component"), col("window"), col("category"))
        .agg(count(lit(1)).alias("n"), count(when(col("level").isin("ERROR", "FATAL"), 1)).alias("errors"),
            count(when(col("subcategory").equalTo(Signals.CRASH_SUBCATEGORY), 1)).alias("crashes"),
            count(when(col("request"), 1)).alias("requests"))
        .collectAsList();
  }

  /** A request a web server or load balancer logged: an access-log line, or HAProxy's HTTP log of one. */
  static Column isRequest() {
    return col("format").equalTo("access")
        .or(col("format").equalTo("haproxy").and(col("attributes").getItem("status").isNotNull()));
  }

  private Dataset<Row> windowed(Dataset<Row> events, Column... more) {
    return windowed(events, more, windowSeconds);
  }

  /**
   * The component, window and time of each event, beside the columns asked for. A change record counts on the
   * component it targets.
   */
  private static Dataset<Row> windowed(Dataset<Row> events, Column[] more, int windowSeconds) {
    long w = windowSeconds * 1_000_000L;
    Column component = when(col("format").equalTo("changes").and(col("attributes").getItem("target").isNotNull()),
        col("attributes").getItem("target")).otherwise(col("component"));
    List<Column> columns = new ArrayList<>(List.of(component.alias("component"),
        floor(unix_micros(col("ts")).divide(w)).cast("long").alias("window"),
        unix_micros(col("ts")).alias("micros"),
        col("format"), col("level"), col("category"), col("subcategory"), col("severity")));
    columns.addAll(List.of(more));
    return events.select(columns.toArray(Column[]::new));
  }

  /**
   * Spark's exact {@code percentile} (linear interpolation between the two closest ranks), read off the group's
   * sorted values: the values are gathered by a plain list, not counted in a hash map of boxed values, and the
   * result is the same number whatever the partitioning. Null for an empty group.
   */
  static Column percentileOfSorted(Column sorted, double p) {
    Column n = size(sorted);
    Column position = n.minus(1).multiply(lit(p));
    Column lower = floor(position);
    Column higher = ceil(position);
    Column atLower = element_at(sorted, lower.plus(1).cast("int"));
    Column atHigher = element_at(sorted, higher.plus(1).cast("int"));
    return when(n.gt(0), when(higher.equalTo(lower).or(atHigher.equalTo(atLower)), atLower)
        .otherwise(higher.minus(position).multiply(atLower).plus(position.minus(lower).multiply(atHigher))));
  }

  private static Column try_cast(Column c, String type) {
    return c.try_cast(type);
  }
}
