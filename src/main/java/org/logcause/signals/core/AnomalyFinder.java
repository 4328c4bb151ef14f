package org.logcause.signals.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the anomalies of one signal's series against its baseline. A window is anomalous when its robust score
 * is at least {@code minScore}, it exceeds every baseline value, and (for counts) by at least {@code minExcess}.
 * Anomalous windows separated by at most {@code maxGap} quiet windows form one anomaly. The onset is a
 * change-point, not the first window over the threshold: a one-sided CUSUM of the score is walked back from the
 * first alarm to where it left zero, so a ramp's onset is where the ramp began.
 */
public final class AnomalyFinder {
  /** Tuning of the detector: the job spec's {@code detection.anomaly} (see {@link org.logcause.job.Detection}). */
  public record Settings(double minScore, double minExcess, int maxGap, int minWindows, double cusumSlack,
      int runUpGap, int runUpWindows, int coarseWindows, int coldStartWindows, double shareFloor)
      implements java.io.Serializable {
    public static Settings defaults() {
      return of(org.logcause.job.Detection.defaults());
    }

    public static Settings of(org.logcause.job.Detection d) {
      var a = d.anomaly();
      return new Settings(a.minScore(), a.minExcess(), a.maxGapWindows(), a.minWindows(), a.cusumSlack(),
          a.runUpGapWindows(), a.runUpWindows(), a.coarseWindows(), d.baseline().coldStartWindows(), a.shareFloor());
    }
  }

  /** One anomaly, by window index into the analysed series. */
  public record Anomaly(int onset, int peak, int end, double peakValue, double score, boolean newSignal) {}

  private final Settings settings;

  public AnomalyFinder(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param values the analysed windows (zeros filled for counts)
   * @param baseline the signal's baseline
   * @param count whether the signal is a count (Poisson-like floor, minimum excess)
   */
  public List<Anomaly> find(double[] values, RobustBaseline baseline, boolean count) {
    int n = values.length;
    boolean[] hot = new boolean[n];
    double[] score = new double[n];
    boolean unseen = count && baseline.windows() >= baseline.coldStartWindows() && baseline.max() == 0;
    for (int i = 0; i < n; i++) {
      score[i] = baseline.score(values[i], count);
      boolean excess = !count || values[i] - baseline.median() >= settings.minExcess();
      hot[i] = score[i] >= settings.minScore() && values[i] > baseline.max() && excess;
    }
    List<Anomaly> out = new ArrayList<>();
    int floor = 0; // an onset never reaches back into the previous anomaly
    int i = 0;
    while (i < n) {
      if (!hot[i]) {
        i++;
        continue;
      }
      int first = i;
      int last = i;
      int hotCount = 0;
      int quiet = 0;
      int j = i;
      while (j < n && quiet <= settings.maxGap()) {
        if (hot[j]) {
          last = j;
          hotCount++;
          quiet = 0;
        } else {
          quiet++;
        }
        j++;
      }
      int peak = first;
      for (int k = first; k <= last; k++) {
        if (score[k] > score[peak]) peak = k;
      }
      boolean strongEnough = hotCount >= settings.minWindows() || score[peak] >= 2 * settings.minScore();
      if (strongEnough) {
        // a gauge's run-up must stand out (half the alarm score), or one failed request a minute earlier would date
        // the onset; a count's sparse run-up is each event, however few. A gauge is measured in every window, so its
        // quiet windows are healthy observations, not events that happened not to come: its run-up crosses no more
        // quiet windows than an anomaly may span, or a lone slow window minutes earlier would date the onset.
        int onset = Math.min(onset(score, first, floor), backExtend(values, score, count ? Double.NEGATIVE_INFINITY : settings.minScore() / 2,
            first, baseline.max(), floor, count ? settings.runUpGap() : Math.min(settings.maxGap(), settings.runUpGap())));
        if (count) {
          onset = Math.min(onset, runUp(values, first, baseline.mean(), floor, settings.runUpWindows()));
        }
        out.add(new Anomaly(Math.max(floor, onset), peak, last, values[peak], score[peak], false));
        floor = last + 1;
      }
      i = last + 1;
    }
    // A signal never seen in the baseline (a new template or category) is an anomaly from its first occurrence:
    // rare events matter even when they are too few to pass the count thresholds.
    if (unseen && out.isEmpty()) {
      int firstSeen = -1;
      int lastSeen = -1;
      int peak = -1;
      for (int k = 0; k < n; k++) {
        if (values[k] > 0) {
          if (firstSeen < 0) firstSeen = k;
          lastSeen = k;
          if (peak < 0 || values[k] > values[peak]) peak = k;
        }
      }
      if (firstSeen >= 0) {
        out.add(new Anomaly(firstSeen, peak, lastSeen, values[peak], score[peak], true));
      }
    }
    return out;
  }

  /**
   * The start of an anomaly's run-up: walking back from its first alarm, the earliest window above everything the
   * baseline ever saw (and scoring at least {@code minScore}), with at most {@code runUpGap} quiet windows between
   * such windows. Sparse events (a lock
   * timeout every few seconds) cross the score threshold only once they pile up; their onset is the first of them.
   */
  private static int backExtend(double[] values, double[] score, double minScore, int firstAlarm, double baselineMax,
      int floor, int runUpGap) {
    int onset = firstAlarm;
    int quiet = 0;
    for (int k = firstAlarm - 1; k >= floor && quiet <= runUpGap; k--) {
      if (values[k] > baselineMax && score[k] >= minScore) {
        onset = k;
        quiet = 0;
      } else {
        quiet++;
      }
    }
    return onset;
  }

  /**
   * The start of a dense run-up of a count: walking back from the first alarm while at least 3 of every 4
   * consecutive windows (4 of 4 when the baseline itself is busy) exceed the baseline mean. A fault logged once or
   * twice per window sits at the baseline's maximum, window by window, yet its unbroken run stands out long before
   * the counts pile up; the scattered hits of ordinary noise rarely make such a run.
   */
  public static int runUp(double[] values, int firstAlarm, double mean, int floor, int runUpWindows) {
    double p0 = 1 - Math.exp(-mean); // how often a baseline window exceeds its mean (Poisson)
    if (p0 > 0.7) {
      return firstAlarm;
    }
    int need = p0 + 0.3 > 0.75 ? 4 : 3;
    int best = firstAlarm;
    for (int k = firstAlarm - 1; k >= Math.max(floor, firstAlarm - runUpWindows); k--) {
      int hits = 0;
      for (int j = k; j < Math.min(values.length, k + 4); j++) {
        if (values[j] > mean) hits++;
      }
      if (hits < need) {
        break;
      }
      if (values[k] > mean) {
        best = k;
      }
    }
    return best;
  }

  /**
   * Walks a one-sided CUSUM of the score back from the first alarm to where it last was zero. The sum starts after the
   * previous anomaly ({@code floor}): that anomaly's own excess would otherwise carry over the quiet windows after it
   * and date the next anomaly's onset right after the previous one ended, however long the quiet between them.
   */
  private int onset(double[] score, int firstAlarm, int floor) {
    double s = 0;
    int lastZero = floor - 1;
    for (int k = floor; k <= firstAlarm; k++) {
      s = Math.max(0, s + score[k] - settings.cusumSlack());
      if (s == 0) {
        lastZero = k;
      }
    }
    return Math.min(firstAlarm, lastZero + 1);
  }
}
