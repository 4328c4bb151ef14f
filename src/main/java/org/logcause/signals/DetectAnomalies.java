package org.logcause.signals;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.logcause.signals.core.AnomalyFinder;
import org.logcause.signals.core.RobustBaseline;
import scala.Tuple2;

/**
 * Detect stage: scores every series against its robust baseline (the windows before {@code baselineEnd}) and finds
 * its anomalies with {@link AnomalyFinder}; the maths is plain Java. Against the run's own data the collected signal
 * rows are scored on the driver ({@link #score(List)}); against a history of earlier runs, which can be large, each
 * series meets its history in a Spark cogroup ({@link #apply}).
 */
public final class DetectAnomalies {
  static final StructType SCORED = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("component", DataTypes.StringType, false)
      .add("signal", DataTypes.StringType, false)
      .add("window", DataTypes.LongType, true)
      .add("value", DataTypes.DoubleType, true)
      .add("baseline", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true)
      .add("onset", DataTypes.LongType, true)
      .add("peak", DataTypes.LongType, true)
      .add("end", DataTypes.LongType, true)
      .add("new_signal", DataTypes.BooleanType, true);

  private final long firstWindow;
  private final long lastWindow;
  private final long baselineEndWindow;
  private final AnomalyFinder.Settings settings;

  public DetectAnomalies(long firstWindow, long lastWindow, long baselineEndWindow, AnomalyFinder.Settings settings) {
    this.firstWindow = firstWindow;
    this.lastWindow = lastWindow;
    this.baselineEndWindow = baselineEndWindow;
    this.settings = settings;
  }

  /**
   * Rows of {@link #SCORED}: kind "signal" (one per window with data) or "anomaly", scored on the driver from the
   * collected signal rows ({@link BuildSignals#ROWS}): a series is a few thousand numbers, scored in microseconds.
   */
  public List<Row> score(List<Row> signals) {
    Map<String, List<double[]>> series = new TreeMap<>();
    for (Row r : signals) {
      series.computeIfAbsent(seriesKey(r.getString(0), r.getString(1), r.getString(2)), k -> new ArrayList<>())
          .add(new double[] {r.getLong(3), r.getDouble(4)});
    }
    List<Row> out = new ArrayList<>();
    series.forEach((key, points) -> out.addAll(score(key, points, null, 0, firstWindow, lastWindow, baselineEndWindow, settings)));
    return out;
  }

  /**
   * With a history (rows: component, signal, value of earlier runs' windows, already restricted to the same hours
   * of day), every series is scored against its history and all its windows are analysed; a count signal absent
   * from a history window counts as zero there ({@code historyWindows} windows in all).
   */
  public Dataset<Row> apply(SparkSession spark, Dataset<Row> signals, Dataset<Row> history, long historyWindows) {
    long w0 = firstWindow;
    long w1 = lastWindow;
    AnomalyFinder.Settings s = settings;
    var current = signals.javaRDD()
        .mapToPair(r -> new Tuple2<>(seriesKey(r.getString(0), r.getString(1), r.getString(2)),
            new double[] {r.getLong(3), r.getDouble(4)}));
    var past = history.javaRDD().mapToPair(r -> new Tuple2<>(
        seriesKey(r.getString(0), r.getString(1), BuildSignals.kindOf(r.getString(1))), r.getDouble(2)));
    JavaRDD<Row> rows = current.cogroup(past).filter(g -> g._2()._1().iterator().hasNext())
        .flatMap(g -> score(g._1(), g._2()._1(), g._2()._2(), historyWindows, w0, w1, w0, s).iterator());
    return spark.createDataFrame(rows, SCORED);
  }

  /** A series' key, as {@link #score(String, Iterable, Iterable, long, long, long, long, AnomalyFinder.Settings)} reads it. */
  static String seriesKey(String component, String signal, String kind) {
    return component + "\u0000" + signal + "\u0000" + kind;
  }

  static List<Row> score(String key, Iterable<double[]> points, Iterable<Double> history, long historyWindows,
      long w0, long w1, long baselineEnd, AnomalyFinder.Settings settings) {
    String[] k = key.split("\u0000");
    String component = k[0];
    String signal = k[1];
    boolean count = k[2].equals(BuildSignals.COUNT);
    int n = (int) (w1 - w0 + 1);
    double[] values = new double[n];
    boolean[] present = new boolean[n];
    Arrays.fill(values, count ? 0 : Double.NaN);
    for (double[] p : points) {
      int i = (int) ((long) p[0] - w0);
      if (i >= 0 && i < n) {
        values[i] = p[1];
        present[i] = true;
      }
    }
    int split = (int) Math.max(0, Math.min(n, baselineEnd - w0));
    double[] base;
    if (history != null) {
      List<Double> past = new ArrayList<>();
      history.forEach(past::add);
      while (count && past.size() < historyWindows) {
        past.add(0.0); // a count signal absent from a history window was zero there
      }
      base = past.stream().mapToDouble(Double::doubleValue).toArray();
    } else {
      base = Arrays.stream(Arrays.copyOfRange(values, trafficStart(signal, values, split), split))
          .filter(v -> !Double.isNaN(v)).toArray();
    }
    RobustBaseline baseline = RobustBaseline.of(base, settings.coldStartWindows());
    if (org.logcause.signals.core.Signals.SHARES.contains(signal)) {
      baseline = baseline.withGaugeFloor(settings.shareFloor());
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (present[i]) {
        out.add(RowFactory.create("signal", component, signal, w0 + i, values[i], baseline.median(),
            baseline.score(values[i], count), null, null, null, null));
      }
    }
    double[] analysed = Arrays.copyOfRange(values, split, n);
    for (int i = 0; i < analysed.length; i++) {
      if (Double.isNaN(analysed[i])) {
        analysed[i] = baseline.median(); // no data is no evidence either way
      }
    }
    if (base.length > 0 || count) {
      List<AnomalyFinder.Anomaly> found = new AnomalyFinder(settings).find(analysed, baseline, count);
      if (count) {
        found = withCoarse(found, analysed, base, baseline, settings);
      }
      for (AnomalyFinder.Anomaly a : found) {
        out.add(RowFactory.create("anomaly", component, signal, null, a.peakValue(), baseline.median(), a.score(),
            w0 + split + a.onset(), w0 + split + a.peak(), w0 + split + a.end(), a.newSignal()));
      }
    }
    return out;
  }

  /**
   * Where a request count's baseline starts: the windows before its first request are not quiet traffic but a log
   * (or a load) that had not started, and the window holding the first request holds only part of a window's
   * requests (the log began inside it). Both are left out of the baseline when later baseline windows exist, as
   * {@link org.logcause.signals.core.FirstChange} judges a request count from its first non-zero window. Every other
   * series starts at the data's first window: before an error's first occurrence, its count was zero.
   */
  static int trafficStart(String signal, double[] values, int split) {
    if (!signal.equals(org.logcause.signals.core.Signals.REQUESTS)) {
      return 0;
    }
    int first = 0;
    while (first < split && !(values[first] > 0)) first++;
    if (first >= split) {
      return 0; // no request in the baseline at all: judged against its zeros, as before
    }
    return first + 1 < split ? first + 1 : first;
  }

  /**
   * The coarse pass of a count: the same test on sums of {@code coarseWindows} windows finds faults logged steadily but
   * too sparsely for any single window (one disk-full error every few seconds). Its anomalies are added where the fine
   * pass found none, on fine window indices, their onsets refined by the run-up of the fine series.
   */
  static List<AnomalyFinder.Anomaly> withCoarse(List<AnomalyFinder.Anomaly> fine, double[] analysed, double[] base,
      RobustBaseline baseline, AnomalyFinder.Settings settings) {
    int coarse = settings.coarseWindows();
    if (base.length < 4 * coarse || analysed.length < 2 * coarse) {
      return fine;
    }
    double[] coarseAnalysed = sums(analysed, coarse);
    RobustBaseline coarseBaseline = RobustBaseline.of(sums(base, coarse), settings.coldStartWindows());
    List<AnomalyFinder.Anomaly> out = new ArrayList<>(fine);
    for (AnomalyFinder.Anomaly c : new AnomalyFinder(settings).find(coarseAnalysed, coarseBaseline, true)) {
      if (c.newSignal()) {
        continue; // the fine pass already reports a signal never seen in the baseline
      }
      int coarseOnset = c.onset() * coarse;
      int end = Math.min(analysed.length - 1, c.end() * coarse + coarse - 1);
      boolean overlaps = fine.stream().anyMatch(f -> f.onset() <= end && f.end() >= coarseOnset);
      if (overlaps) {
        continue;
      }
      int floor = out.stream().filter(f -> f.end() < coarseOnset).mapToInt(f -> f.end() + 1).max().orElse(0);
      int onset = Math.min(coarseOnset, AnomalyFinder.runUp(analysed, coarseOnset, baseline.mean(), floor, settings.runUpWindows()));
      int peak = onset;
      for (int k = onset; k <= end; k++) {
        if (analysed[k] > analysed[peak]) peak = k;
      }
      out.add(new AnomalyFinder.Anomaly(onset, peak, end, analysed[peak], c.score(), false));
    }
    out.sort(java.util.Comparator.comparingInt(AnomalyFinder.Anomaly::onset));
    return out;
  }

  private static double[] sums(double[] values, int coarse) {
    double[] out = new double[values.length / coarse];
    for (int i = 0; i < out.length * coarse; i++) {
      out[i / coarse] += values[i];
    }
    return out;
  }

  public static Dataset<Row> anomalies(Dataset<Row> scored) {
    return scored.filter(col("kind").equalTo("anomaly"));
  }
}
