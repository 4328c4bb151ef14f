package org.logcause.signals;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
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

  /**
   * @param windowSeconds window size
   * @param baselineEndMicros end of the baseline period: clients seen before it are "known" clients
   */
  public BuildSignals(int windowSeconds, long baselineEndMicros) {
    this.windowSeconds = windowSeconds;
    this.baselineEndMicros = baselineEndMicros;
  }

  /** Whether a signal (by name) is a count or a gauge. */
  public static String kindOf(String signal) {
    return Signals.isCount(signal) ? COUNT : GAUGE;
  }

  /** Rows: component, signal, kind, window (index), value, from events that carry their {@code template_id}. */
  public Dataset<Row> apply(Dataset<Row> events) {
    return apply(events, events);
  }

  /**
   * Rows: component, signal, kind, window (index), value.
   *
   * @param events the events, with or without their template
   * @param templated the same events with {@code template_id}: read only for the template counts, so the other
   *     signals do not pay for attaching templates
   */
  public Dataset<Row> apply(Dataset<Row> events, Dataset<Row> templated) {
    Dataset<Row> e = windowed(events, col("message"), col("attributes"));

    // Categories and the error ratio from the same per-category counts. Spark still scans the events once for each:
    // column pruning leaves the two aggregations different plans, so their shuffles are not reused.
    Dataset<Row> perCategory = e.groupBy(col("component"), col("window"), col("category"))
        .agg(count(lit(1)).alias("n"), count(when(col("level").isin("ERROR", "FATAL"), 1)).alias("errors"),
            count(when(col("subcategory").equalTo(Signals.CRASH_SUBCATEGORY), 1)).alias("crashes"));
    Dataset<Row> categories = perCategory.select(col("component"), concat(lit(Signals.CATEGORY), col("category")).alias("signal"),
        col("window"), col("n").cast("double").alias("value"), lit(COUNT).alias("kind"));
    Dataset<Row> crashes = perCategory.filter(col("crashes").gt(0)).select(col("component"), lit(Signals.CRASHES).alias("signal"),
        col("window"), col("crashes").cast("double").alias("value"), lit(COUNT).alias("kind"));
    Dataset<Row> errorRatio = perCategory.groupBy(col("component"), col("window"))
        .agg(sum("errors").cast("double").divide(sum("n").cast("double")).alias("value"))
        .withColumn("signal", lit(Signals.ERROR_RATIO)).withColumn("kind", lit(GAUGE));
    Dataset<Row> templates = windowed(templated.filter(col("severity").isin("critical", "high", "medium")), col("template_id"))
        .groupBy(col("component"), concat(lit(Signals.TEMPLATE), col("template_id")).alias("signal"), col("window"))
        .agg(count(lit(1)).cast("double").alias("value")).withColumn("kind", lit(COUNT));

    Dataset<Row> access = e.filter(col("format").equalTo("access"))
        .withColumn("client", col("attributes").getItem("client_ip"))
        .withColumn("path", col("attributes").getItem("path"))
        .withColumn("status", col("attributes").getItem("status").cast("int"))
        .withColumn("latency", try_cast(col("attributes").getItem("latency_ms"), "double"));
    // A retry: the same client asks for the same path again within 10 s of a failed (5xx) answer.
    var byClientPath = Window.partitionBy("component", "client", "path").orderBy("micros");
    Dataset<Row> withRetry = access
        .withColumn("start", col("micros").minus(coalesce(col("latency"), lit(0.0)).multiply(1000).cast("long")))
        .withColumn("prev_end", lag("micros", 1).over(byClientPath))
        .withColumn("prev_status", lag("status", 1).over(byClientPath))
        .withColumn("retry", when(col("prev_status").geq(500)
            .and(col("start").minus(col("prev_end")).leq(10_000_000L)), 1.0).otherwise(0.0));
    Dataset<Row> known = access.filter(col("micros").lt(baselineEndMicros)).select(col("component"), col("client"))
        .distinct().withColumn("known", lit(1.0));
    Dataset<Row> accessSignals = withRetry.join(known, new String[] {"component", "client"}, "left")
        .groupBy(col("component"), col("window"))
        .agg(count(lit(1)).cast("double").alias("requests"),
            // Exact percentiles, the three from one aggregate: an approximate sketch's result depends on how the rows
            // were partitioned (file ranges, cores), and outputs must not.
            sort_array(collect_list(col("latency"))).alias("latency_ms"),
            // Not countDistinct: beside other aggregates it splits the aggregation per client (a sketch per client).
            size(collect_set(col("client"))).cast("double").alias("clients"),
            avg(when(col("known").isNull(), 1.0).otherwise(0.0)).alias("new_client_share"),
            avg(col("retry")).alias("retry_share"));
    Dataset<Row> requests = accessSignals.select(col("component"), lit(Signals.REQUESTS).alias("signal"), col("window"),
        col("requests").alias("value"), lit(COUNT).alias("kind"));
    Dataset<Row> gauges = accessSignals.select(col("component"), col("window"),
        explode(map(lit(Signals.LATENCY_P50), percentileOfSorted(col("latency_ms"), 0.5),
            lit(Signals.LATENCY_P95), percentileOfSorted(col("latency_ms"), 0.95),
            lit(Signals.LATENCY_P99), percentileOfSorted(col("latency_ms"), 0.99), lit(Signals.CLIENTS), col("clients"),
            lit(Signals.NEW_CLIENT_SHARE), col("new_client_share"), lit(Signals.RETRY_SHARE), col("retry_share"))).as(new String[] {"signal", "value"}))
        .filter(col("value").isNotNull())
        .select(col("component"), col("signal"), col("window"), col("value"), lit(GAUGE).alias("kind"));
    Dataset<Row> slow = e.filter(col("format").startsWith("postgres").or(col("format").equalTo("mysql-slow")))
        .withColumn("ms", try_cast(regexp_extract(col("message"), "^duration: ([0-9.]+) ms", 1), "double"))
        .filter(col("ms").isNotNull())
        .groupBy(col("component"), col("window"))
        .agg(percentileOfSorted(sort_array(collect_list(col("ms"))), 0.95).alias("value"))
        .select(col("component"), lit(Signals.SLOW_QUERY_P95).alias("signal"), col("window"), col("value"), lit(GAUGE).alias("kind"));

    String[] cols = {"component", "signal", "kind", "window", "value"};
    return categories.select(cols[0], cols[1], cols[2], cols[3], cols[4])
        .unionByName(crashes.select(cols[0], cols[1], cols[2], cols[3], cols[4]))
        .unionByName(templates.select(cols[0], cols[1], cols[2], cols[3], cols[4]))
        .unionByName(errorRatio.select(cols[0], cols[1], cols[2], cols[3], cols[4]))
        .unionByName(requests.select(cols[0], cols[1], cols[2], cols[3], cols[4]))
        .unionByName(gauges.select(cols[0], cols[1], cols[2], cols[3], cols[4]))
        .unionByName(slow.select(cols[0], cols[1], cols[2], cols[3], cols[4]));
  }

  /**
   * The component, window and time of each event, beside the columns asked for. A change record counts on the
   * component it targets.
   */
  private Dataset<Row> windowed(Dataset<Row> events, Column... more) {
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
