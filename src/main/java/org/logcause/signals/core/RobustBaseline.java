package org.logcause.signals.core;

import java.util.Arrays;

/**
 * A baseline that outliers cannot drag: median and MAD of the baseline windows, plus their maximum. The scale
 * never falls below a floor ({@code sqrt(mean + 1)} for counts, a share of the median otherwise), so a signal that
 * is almost always zero (a periodic error every 30 s) does not turn every single occurrence into an anomaly.
 */
public record RobustBaseline(double median, double mad, double max, double mean, int windows, int coldStartWindows,
    double gaugeFloor) {

  /** Below this many baseline windows the baseline is a cold start: scores are damped (see {@link #scale}). */
  public static final int MIN_WINDOWS = 6;

  public static RobustBaseline of(double[] values) {
    return of(values, MIN_WINDOWS);
  }

  /** With {@code coldStartWindows}: below that many baseline windows, the scale is doubled. */
  public static RobustBaseline of(double[] values, int coldStartWindows) {
    if (values.length == 0) {
      return new RobustBaseline(0, 0, 0, 0, 0, coldStartWindows, 1e-9);
    }
    double[] v = values.clone();
    Arrays.sort(v);
    double median = medianOfSorted(v);
    double[] dev = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      dev[i] = Math.abs(v[i] - median);
      sum += v[i];
    }
    Arrays.sort(dev);
    return new RobustBaseline(median, medianOfSorted(dev), v[v.length - 1], sum / v.length, v.length, coldStartWindows, 1e-9);
  }

  /**
   * The same baseline with a smallest scale for a gauge: a share (an error ratio, a share of new clients) whose
   * baseline was flat zero would otherwise make one failed request in a window an anomaly of any score.
   */
  public RobustBaseline withGaugeFloor(double floor) {
    return new RobustBaseline(median, mad, max, mean, windows, coldStartWindows, floor);
  }

  /** The robust scale of the signal: 1.4826·MAD (σ for normal data), never below the floor. */
  public double scale(boolean count) {
    double floor = count ? Math.sqrt(mean + 1) : Math.max(0.1 * Math.abs(median), gaugeFloor);
    double s = Math.max(1.4826 * mad, floor);
    // A cold start (few baseline windows) is less sure of itself: widen the scale.
    return windows < coldStartWindows ? s * 2 : s;
  }

  /** Robust z-score of a value. */
  public double score(double value, boolean count) {
    return (value - median) / scale(count);
  }

  /** The median of some values (0 when there are none). */
  public static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return medianOfSorted(sorted);
  }

  private static double medianOfSorted(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
