package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;

import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.logcause.plan.RunPlan;
import org.logcause.signals.core.AnomalyFinder;
import org.logcause.signals.core.GroupIncidents;

/**
 * Detect stage: sizes the windows to the data, turns the events into signals ({@link BuildSignals}), scores every
 * series against its baseline and finds its anomalies ({@link DetectAnomalies}), and groups them into incidents
 * ({@link WriteDetections}). The baseline is the plan's: the start of the data, the data before a forensic window,
 * or the history of earlier runs (same hours of day) when there is one.
 */
public final class DetectIncidents {
  /** The detect stage's tables and what it found, with the window it used and what the baseline was. */
  public record Detections(WriteDetections.Tables tables, int windowSeconds, String baseline, Dataset<Row> scored,
      long dataEndMicros, java.util.Map<String, String> templateCategories) {
    public void release() {
      scored.unpersist();
    }
  }

  private final RunPlan plan;

  public DetectIncidents(RunPlan plan) {
    this.plan = plan;
  }

  /**
   * @param events the analysed events, classified
   * @param templated the same events with their templates
   * @param history earlier signals to score against (component, signal, value, window_start, window_seconds, date),
   *     or null
   * @param fromMicros the first event's time (the classify stage reads it in the pass that counts the events)
   * @param toMicros the last event's time
   */
  public Detections apply(SparkSession spark, Dataset<Row> events, Dataset<Row> templated, Dataset<Row> history,
      long fromMicros, long toMicros) {
    spark.sparkContext().setJobDescription("signals, anomalies, incidents");
    int windowSeconds = plan.windowFor(toMicros - fromMicros);
    long w = windowSeconds * 1_000_000L;
    long first = Math.floorDiv(fromMicros, w);
    long last = Math.floorDiv(toMicros, w);
    long baselineEnd = plan.baselineEndWindow(first, last, w);
    // One aggregation serves the first-change search and the category signals.
    List<Row> perCategory = BuildSignals.categoryCounts(events, windowSeconds);
    Cut cut = history == null && plan.baseline() instanceof RunPlan.StartOfData
        ? firstChange(perCategory, first, last, baselineEnd, windowSeconds) : null;
    if (cut != null) {
      baselineEnd = cut.baselineEnd();
    }
    BuildSignals build = new BuildSignals(windowSeconds, baselineEnd * w);
    List<Row> signals = build.collect(perCategory, events, templated);
    DetectAnomalies detect = new DetectAnomalies(first, last, baselineEnd, AnomalyFinder.Settings.of(plan.detection()));
    Dataset<Row> past = history == null ? null : history.filter(col("window_seconds").equalTo(windowSeconds)
        .and(hour(col("window_start")).isin(hoursOfDay(first, last, windowSeconds).toArray())));
    long historyWindows = past == null ? 0 : past.select("window_start").distinct().count();
    Dataset<Row> scored;
    List<Row> onDriver = null;
    String baseline;
    if (historyWindows == 0) {
      // scored on the driver: the rows are already there, and the tables made from them are local relations
      onDriver = detect.score(signals);
      scored = spark.createDataFrame(onDriver, DetectAnomalies.SCORED);
      baseline = String.format(plan.mode() instanceof RunPlan.Forensic f && f.windowed()
          && baselineEnd == Math.floorDiv(f.from(), w) ? "the %d windows before the window" : "this run's first %d windows",
          baselineEnd - first) + (cut == null ? "" : String.format(", ended %d s before the first sustained change (%s on %s at %s)",
          (cut.changeWindow() - baselineEnd) * windowSeconds,
          cut.series(), cut.component(), java.time.Instant.ofEpochSecond(cut.changeWindow() * windowSeconds)));
    } else {
      scored = detect.apply(spark, spark.createDataFrame(signals, BuildSignals.ROWS),
          past.select("component", "signal", "value"), historyWindows).persist(StorageLevel.MEMORY_AND_DISK());
      baseline = plan.baseline() instanceof RunPlan.History h ? String.format("%,d windows of %s", historyWindows, h.dir())
          : String.format("%,d windows of %d earlier nights, their incidents left out", historyWindows,
              past.select("date").distinct().count());
    }
    WriteDetections.Tables tables = WriteDetections.apply(spark, scored, onDriver, windowSeconds,
        GroupIncidents.of(plan.detection().grouping(), windowSeconds),
        org.logcause.signals.core.UserImpact.Settings.of(plan.detection().impact(), windowSeconds), perCategory,
        historyWindows == 0 ? baselineEnd : Long.MAX_VALUE);
    return new Detections(tables, windowSeconds, baseline, scored, toMicros, build.templateCategories());
  }

  /** A forensic baseline cut short: it ends at {@code baselineEnd}, {@code lead_in} before the first sustained change. */
  record Cut(long baselineEnd, long changeWindow, String component, String series) {}

  /**
   * The first sustained change of any component's error count (events of an error category, access-log lines
   * aside) or request count (access-log lines) within the baseline's span (or the lead-in after it), as a cut
   * {@code lead_in} before it; null when there is none or it would not shorten the baseline. The baseline keeps at
   * least {@code cold_start_windows} windows.
   *
   * @param perCategory {@link BuildSignals#categoryCounts} rows
   */
  private Cut firstChange(List<Row> perCategory, long first, long last, long baselineEnd, int windowSeconds) {
    var b = plan.detection().baseline();
    long leadIn = (b.leadInSeconds() + windowSeconds - 1) / windowSeconds;
    if (leadIn == 0) {
      return null;
    }
    int minBaseline = Math.max(1, b.coldStartWindows());
    int n = (int) Math.min(last - first + 1, baselineEnd - first + leadIn + 4);
    if (n <= minBaseline) {
      return null;
    }
    java.util.Map<String, double[]> series = new java.util.TreeMap<>();
    for (Row r : perCategory) {
      long window = r.getLong(1);
      if (window >= first + n) continue;
      int i = (int) (window - first);
      long requests = r.getLong(BuildSignals.CATEGORY_REQUESTS);
      long others = r.getLong(BuildSignals.CATEGORY_EVENTS) - requests;
      if (requests > 0) {
        series.computeIfAbsent(r.getString(0) + "\u0000requests", k -> new double[n])[i] += requests;
      }
      if (others > 0 && !r.isNullAt(2) && org.logcause.classify.core.Taxonomy.ERRORS.contains(r.getString(2))) {
        series.computeIfAbsent(r.getString(0) + "\u0000errors", k -> new double[n])[i] += others;
      }
    }
    AnomalyFinder.Settings settings = AnomalyFinder.Settings.of(plan.detection());
    int searchEnd = (int) (baselineEnd - first + leadIn);
    Cut best = null;
    for (var e : series.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      int at = org.logcause.signals.core.FirstChange.of(e.getValue(), minBaseline, searchEnd, settings, k[1].equals("requests"));
      if (at >= 0 && (best == null || first + at < best.changeWindow())) {
        best = new Cut(Math.max(first + minBaseline, first + at - leadIn), first + at, k[0], k[1]);
      }
    }
    return best == null || best.baselineEnd() >= baselineEnd ? null : best;
  }

  /** The UTC hours of day the analysed windows fall in. */
  static List<Integer> hoursOfDay(long firstWindow, long lastWindow, int windowSeconds) {
    TreeSet<Integer> hours = new TreeSet<>();
    for (long s = firstWindow * windowSeconds; s <= lastWindow * windowSeconds && hours.size() < 24; s += 3600) {
      hours.add((int) Math.floorMod(s / 3600, 24L));
    }
    hours.add((int) Math.floorMod(lastWindow * windowSeconds / 3600, 24L));
    return List.copyOf(hours);
  }
}
