package org.logcause.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code detection:} section of a job spec: how anomalies are found, what they are scored against, how they
 * are grouped into incidents. Every field has a default (the values logcause was measured with); a spec sets only
 * what it changes. docs/job-spec.md explains each.
 *
 * @param anomaly the detector of one series
 * @param baseline where each series' baseline comes from
 * @param grouping how anomalies become incidents
 * @param impact the user-impact line an incident must cross where the job reads an access log
 * @param maxWindows most windows one run analyses; a longer span gets wider windows
 */
public record Detection(Anomaly anomaly, Baseline baseline, Grouping grouping, Impact impact, Integer maxWindows)
    implements Serializable {
  public Detection {
    anomaly = anomaly == null ? new Anomaly(null, null, null, null, null, null, null, null, null) : anomaly;
    baseline = baseline == null ? new Baseline(null, null, null, null, null, null, null) : baseline;
    grouping = grouping == null ? new Grouping(null, null, null, null, null, null) : grouping;
    impact = impact == null ? new Impact(null, null, null, null, null, null, null, null, null) : impact;
    maxWindows = maxWindows == null ? 200_000 : maxWindows;
  }

  public static Detection defaults() {
    return new Detection(null, null, null, null, null);
  }

  /**
   * @param minScore robust z-score a window must reach to be anomalous (5)
   * @param minExcess for counts, how far above the baseline median it must be (3)
   * @param maxGapWindows quiet windows an anomaly may span (2)
   * @param minWindows anomalous windows an anomaly needs, unless one scores twice {@code minScore} (2)
   * @param cusumSlack slack of the CUSUM that dates an onset (2)
   * @param runUpGapWindows quiet windows the walk back over a count's run-up may cross (6; a gauge's: maxGapWindows)
   * @param runUpWindows how far back a dense run-up of a count is looked for (60)
   * @param coarseWindows windows the coarse pass of a count sums into one (6)
   * @param shareFloor smallest robust scale of a share (error ratio, new-client share, retry share): with the default
   *     min score, a share must rise by 5 points to be anomalous, however flat its baseline (0.01)
   */
  public record Anomaly(Double minScore, Double minExcess, Integer maxGapWindows, Integer minWindows, Double cusumSlack,
      Integer runUpGapWindows, Integer runUpWindows, Integer coarseWindows, Double shareFloor) implements Serializable {
    public Anomaly {
      shareFloor = shareFloor == null ? 0.01 : shareFloor;
      minScore = minScore == null ? 5.0 : minScore;
      minExcess = minExcess == null ? 3.0 : minExcess;
      maxGapWindows = maxGapWindows == null ? 2 : maxGapWindows;
      minWindows = minWindows == null ? 2 : minWindows;
      cusumSlack = cusumSlack == null ? 2.0 : cusumSlack;
      runUpGapWindows = runUpGapWindows == null ? 6 : runUpGapWindows;
      runUpWindows = runUpWindows == null ? 60 : runUpWindows;
      coarseWindows = coarseWindows == null ? 6 : coarseWindows;
    }
  }

  /**
   * @param forensicFirst a forensic run's baseline: the first this much of its data (30m)
   * @param forensicFraction ... or this share of it (0.4), whichever is shorter (with the defaults: the first 40%
   *     when the data spans less than 75 minutes)
   * @param windowLookbackMin with {@code --from/--to}: the data before the window, as long as the window but at least
   *     this long (30m)
   * @param windowLookbackMax ... and at most this long (6h)
   * @param historyNights nights of signal history a nightly run scores against (7)
   * @param coldStartWindows below this many baseline windows, scores are damped (the scale doubled) (6)
   * @param leadIn a forensic run's baseline ends this long before the first sustained change of a component's errors
   *     or requests, when that comes earlier: the change's cause may have begun up to this long before it, and the
   *     baseline must not have seen it (1m; 0s keeps the baseline where forensic_first/forensic_fraction put it)
   */
  public record Baseline(String forensicFirst, Double forensicFraction, String windowLookbackMin,
      String windowLookbackMax, Integer historyNights, Integer coldStartWindows, String leadIn) implements Serializable {
    public Baseline {
      leadIn = leadIn == null ? "1m" : leadIn;
      forensicFirst = forensicFirst == null ? "30m" : forensicFirst;
      forensicFraction = forensicFraction == null ? 0.4 : forensicFraction;
      windowLookbackMin = windowLookbackMin == null ? "30m" : windowLookbackMin;
      windowLookbackMax = windowLookbackMax == null ? "6h" : windowLookbackMax;
      historyNights = historyNights == null ? 7 : historyNights;
      coldStartWindows = coldStartWindows == null ? 6 : coldStartWindows;
    }

    public long forensicFirstSeconds() {
      return Durations.parse(forensicFirst).toSeconds();
    }

    public long leadInSeconds() {
      return Durations.parse(leadIn).toSeconds();
    }

    public long windowLookbackMinMicros() {
      return Durations.parse(windowLookbackMin).toNanos() / 1_000L;
    }

    public long windowLookbackMaxMicros() {
      return Durations.parse(windowLookbackMax).toNanos() / 1_000L;
    }
  }

  /**
   * @param minOpeningWindows windows an error, latency or slow-query anomaly must last to open an incident (3)
   * @param mergeGap incidents closer than this merge (5m)
   * @param lookback anomalies that start this long before an incident join it (10m)
   * @param criticalScore a peak score that makes an incident critical (20)
   * @param highScore a peak score that makes it high (10)
   * @param criticalComponents components with anomalies that make it critical (3)
   */
  public record Grouping(Integer minOpeningWindows, String mergeGap, String lookback, Double criticalScore,
      Double highScore, Integer criticalComponents) implements Serializable {
    public Grouping {
      minOpeningWindows = minOpeningWindows == null ? 3 : minOpeningWindows;
      mergeGap = mergeGap == null ? "5m" : mergeGap;
      lookback = lookback == null ? "10m" : lookback;
      criticalScore = criticalScore == null ? 20.0 : criticalScore;
      highScore = highScore == null ? 10.0 : highScore;
      criticalComponents = criticalComponents == null ? 3 : criticalComponents;
    }

    public long mergeGapSeconds() {
      return Durations.parse(mergeGap).toSeconds();
    }

    public long lookbackSeconds() {
      return Durations.parse(lookback).toSeconds();
    }
  }

  /**
   * The line between a degradation and an outage, judged per window of every component whose access log counts
   * requests (see {@link org.logcause.signals.core.UserImpact}).
   *
   * @param required whether an incident must cross it (true); false: every sustained anomaly opens one, as without an
   *     access log
   * @param failureShare a window is bad when this share of its requests failed (0.05) ...
   * @param failureFactor ... and at least this many times the baseline's share (3)
   * @param latencyFactor or when its p95 latency is this many times the baseline's (2.5) ...
   * @param latencyMarginMs ... and this many milliseconds above it (700)
   * @param trafficLoss or when it served at most this share of the baseline's requests (0.5) ...
   * @param minBaselineRequests ... of a baseline serving at least this many a window (5)
   * @param badFor bad windows covering this long ... (20s: two of 10 s, one of a minute)
   * @param within ... among consecutive windows covering this long, of one component, make users hurt (30s)
   */
  public record Impact(Boolean required, Double failureShare, Double failureFactor, Double latencyFactor,
      Double latencyMarginMs, Double trafficLoss, Double minBaselineRequests, String badFor, String within)
      implements Serializable {
    public Impact {
      required = required == null || required;
      failureShare = failureShare == null ? 0.05 : failureShare;
      failureFactor = failureFactor == null ? 3.0 : failureFactor;
      latencyFactor = latencyFactor == null ? 2.5 : latencyFactor;
      latencyMarginMs = latencyMarginMs == null ? 700.0 : latencyMarginMs;
      trafficLoss = trafficLoss == null ? 0.5 : trafficLoss;
      minBaselineRequests = minBaselineRequests == null ? 5.0 : minBaselineRequests;
      badFor = badFor == null ? "20s" : badFor;
      within = within == null ? "30s" : within;
    }

    /** Bad windows of {@code windowSeconds} that make users hurt: those covering {@code bad_for}, at least one. */
    public int badWindows(int windowSeconds) {
      return (int) Math.max(1, ceilDiv(Durations.parse(badFor).toSeconds(), windowSeconds));
    }

    /** Consecutive windows the bad ones must fall in: those covering {@code within}, at least the bad ones. */
    public int spanWindows(int windowSeconds) {
      return (int) Math.max(badWindows(windowSeconds), ceilDiv(Durations.parse(within).toSeconds(), windowSeconds));
    }

    private static long ceilDiv(long a, long b) {
      return -Math.floorDiv(-a, b);
    }
  }

  /** What is wrong with the section, each as "field: problem"; empty when it is valid. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    positive(p, "detection.anomaly.min_score", anomaly.minScore());
    atLeast(p, "detection.anomaly.min_excess", anomaly.minExcess(), 0);
    atLeast(p, "detection.anomaly.max_gap_windows", anomaly.maxGapWindows(), 0);
    atLeast(p, "detection.anomaly.min_windows", anomaly.minWindows(), 1);
    atLeast(p, "detection.anomaly.cusum_slack", anomaly.cusumSlack(), 0);
    atLeast(p, "detection.anomaly.run_up_gap_windows", anomaly.runUpGapWindows(), 0);
    atLeast(p, "detection.anomaly.run_up_windows", anomaly.runUpWindows(), 0);
    atLeast(p, "detection.anomaly.coarse_windows", anomaly.coarseWindows(), 2);
    if (anomaly.shareFloor() <= 0 || anomaly.shareFloor() >= 1) {
      p.add("detection.anomaly.share_floor: must be between 0 and 1, cannot be: " + anomaly.shareFloor());
    }
    duration(p, "detection.baseline.forensic_first", baseline.forensicFirst());
    if (baseline.forensicFraction() <= 0 || baseline.forensicFraction() >= 1) {
      p.add("detection.baseline.forensic_fraction: must be between 0 and 1, cannot be: " + baseline.forensicFraction());
    }
    duration(p, "detection.baseline.window_lookback_min", baseline.windowLookbackMin());
    duration(p, "detection.baseline.window_lookback_max", baseline.windowLookbackMax());
    atLeast(p, "detection.baseline.history_nights", baseline.historyNights(), 0);
    atLeast(p, "detection.baseline.cold_start_windows", baseline.coldStartWindows(), 0);
    duration(p, "detection.baseline.lead_in", baseline.leadIn());
    atLeast(p, "detection.grouping.min_opening_windows", grouping.minOpeningWindows(), 1);
    duration(p, "detection.grouping.merge_gap", grouping.mergeGap());
    duration(p, "detection.grouping.lookback", grouping.lookback());
    positive(p, "detection.grouping.critical_score", grouping.criticalScore());
    positive(p, "detection.grouping.high_score", grouping.highScore());
    atLeast(p, "detection.grouping.critical_components", grouping.criticalComponents(), 1);
    if (impact.failureShare() <= 0 || impact.failureShare() > 1) {
      p.add("detection.impact.failure_share: must be above 0 and at most 1, cannot be: " + impact.failureShare());
    }
    atLeast(p, "detection.impact.failure_factor", impact.failureFactor(), 0);
    atLeast(p, "detection.impact.latency_factor", impact.latencyFactor(), 0);
    atLeast(p, "detection.impact.latency_margin_ms", impact.latencyMarginMs(), 0);
    if (impact.trafficLoss() < 0 || impact.trafficLoss() >= 1) {
      p.add("detection.impact.traffic_loss: must be at least 0 and below 1, cannot be: " + impact.trafficLoss());
    }
    atLeast(p, "detection.impact.min_baseline_requests", impact.minBaselineRequests(), 0);
    duration(p, "detection.impact.bad_for", impact.badFor());
    duration(p, "detection.impact.within", impact.within());
    if (p.stream().noneMatch(x -> x.startsWith("detection.impact.bad_for") || x.startsWith("detection.impact.within"))
        && Durations.parse(impact.within()).compareTo(Durations.parse(impact.badFor())) < 0) {
      p.add("detection.impact.within: must be at least bad_for (" + impact.badFor() + "), cannot be: " + impact.within());
    }
    atLeast(p, "detection.max_windows", maxWindows, 100);
    return p;
  }

  private static void positive(List<String> p, String field, double v) {
    if (!(v > 0)) p.add(field + ": must be above 0, cannot be: " + v);
  }

  private static void atLeast(List<String> p, String field, double v, double min) {
    if (!(v >= min)) p.add(field + ": must be at least " + (min == Math.rint(min) ? String.valueOf((long) min) : min)
        + ", cannot be: " + (v == Math.rint(v) ? String.valueOf((long) v) : v));
  }

  private static void duration(List<String> p, String field, String text) {
    try {
      if (Durations.parse(text).isNegative()) p.add(field + ": must not be negative, cannot be: " + text);
    } catch (IllegalArgumentException e) {
      p.add(field + ": " + e.getMessage());
    }
  }
}
