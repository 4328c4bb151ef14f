package org.logcause.signals.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Whether an incident hurt its users, judged where they meet the stack: the components whose access logs count
 * requests (the edge). A window of an edge component is <em>bad</em> when
 * <ul>
 *   <li>its requests that failed on the server's side (5xx, gateway timeouts, overload: every access line neither
 *       benign nor a 4xx; only access lines count, whatever else the component logs) are at least
 *       {@code failureShare} of its requests and at least {@code failureFactor} times
 *       their share in the baseline's windows, or</li>
 *   <li>its p95 latency is at least {@code latencyFactor} times the baseline's and {@code latencyMarginMs} above it, or</li>
 *   <li>it served at most {@code trafficLoss} of the baseline's requests (the clients were not served at all), when
 *       the baseline serves at least {@code minBaselineRequests} a window.</li>
 * </ul>
 * Users were hurt when some edge component has {@code badWindows} bad windows among {@code spanWindows} consecutive
 * ones inside the incident, or as many windows whose 4xx answers (not found, refused) pass the same failure line. The
 * 4xx stand alone because a vulnerability scanner's burst of 404s fills a window of every busy edge: a burst beside
 * one slow window is not an outage, while answers a replica no longer finds go on window after window.
 * A statistically clear change the users did not feel (a p95 from 0.5 to 0.9 s) is a degradation, not an outage: its
 * anomalies are kept, but it opens no incident. A job without an access log cannot be judged this way, and every
 * incident stands.
 */
public final class UserImpact {
  /** The scored signals it reads: the requests and the p95 latency of access-log components. */
  public static final List<String> SIGNALS = List.of(Signals.REQUESTS, Signals.LATENCY_P95);
  /** Categories of access lines answered with a 4xx that failed the client's request (not found, refused). */
  private static final java.util.Set<String> CLIENT_SIDE = java.util.Set.of("client_error", "auth_failure");
  private static final int REQUESTS = 0;
  private static final int SERVER_FAILED = 1;
  private static final int CLIENT_FAILED = 2;
  private static final int P95 = 3;
  private static final double[] NONE = {0, 0, 0, Double.NaN};

  /** The line of the job spec's {@code detection.impact}. */
  public record Settings(boolean required, double failureShare, double failureFactor, double latencyFactor,
      double latencyMarginMs, double trafficLoss, double minBaselineRequests, int badWindows, int spanWindows) {
    /** The spec's line in windows of {@code windowSeconds}. */
    public static Settings of(org.logcause.job.Detection.Impact i, int windowSeconds) {
      return new Settings(i.required(), i.failureShare(), i.failureFactor(), i.latencyFactor(), i.latencyMarginMs(),
          i.trafficLoss(), i.minBaselineRequests(), i.badWindows(windowSeconds), i.spanWindows(windowSeconds));
    }
  }

  /**
   * One component: per window its requests, failed requests by side and p95 (0 when absent, NaN for a p95), and the
   * baselines of the requests and the p95.
   */
  private static final class Edge {
    final TreeMap<Long, double[]> windows = new TreeMap<>();
    final double[] baselines = {Double.NaN, 0, 0, Double.NaN};

    boolean isEdge() {
      return !Double.isNaN(baselines[REQUESTS]);
    }

    double[] at(long window) {
      return windows.computeIfAbsent(window, k -> NONE.clone());
    }
  }

  private final Settings settings;
  private final long baselineEnd;
  private final Map<String, Edge> components = new TreeMap<>();

  /**
   * @param baselineEnd the first window after the baseline's, or {@link Long#MAX_VALUE} when the baseline is earlier
   *     runs' (the windows before an incident are then its baseline)
   */
  public UserImpact(Settings settings, long baselineEnd) {
    this.settings = settings;
    this.baselineEnd = baselineEnd;
  }

  /**
   * Takes one scored signal row; only those of {@link #SIGNALS} matter.
   *
   * @param baseline the series' baseline (its median)
   */
  public void add(String component, String signal, long window, double value, double baseline) {
    int slot = signal.equals(Signals.REQUESTS) ? REQUESTS : signal.equals(Signals.LATENCY_P95) ? P95 : -1;
    if (slot < 0) {
      return;
    }
    Edge e = components.computeIfAbsent(component, k -> new Edge());
    e.at(window)[slot] = value;
    e.baselines[slot] = baseline;
  }

  /**
   * Takes the access lines of one category in one window of a component: those neither benign nor a 4xx failed on
   * the server's side, the 4xx ones on the client's.
   */
  public void addAccessLines(String component, long window, String category, long lines) {
    if (lines <= 0 || category == null || category.equals("benign")) {
      return;
    }
    components.computeIfAbsent(component, k -> new Edge()).at(window)[CLIENT_SIDE.contains(category) ? CLIENT_FAILED
        : SERVER_FAILED] += lines;
  }

  /** Whether the line applies: it is required and some component counts requests. */
  public boolean judges() {
    return settings.required() && components.values().stream().anyMatch(Edge::isEdge);
  }

  /** Whether users were hurt in windows {@code start..end} (inclusive); always true when the line does not apply. */
  public boolean hurt(long start, long end) {
    if (!judges()) {
      return true;
    }
    for (Edge e : components.values()) {
      if (!e.isEdge()) {
        continue;
      }
      double[] before = failedShares(e, start);
      if (sustained(start, end, w -> bad(e, w, before[0]))
          || sustained(start, end, w -> failed(e.windows.getOrDefault(w, NONE), true, before[1]))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code badWindows} of some {@code spanWindows} consecutive windows of {@code start..end} are bad. */
  private boolean sustained(long start, long end, LongPredicate bad) {
    boolean[] recent = new boolean[settings.spanWindows()];
    int count = 0;
    for (long w = start; w <= end; w++) {
      int slot = (int) Math.floorMod(w - start, (long) recent.length);
      if (recent[slot]) count--;
      recent[slot] = bad.test(w);
      if (recent[slot]) count++;
      if (count >= settings.badWindows()) {
        return true;
      }
    }
    return false;
  }

  /** The requests of a window that failed: on the server's side, or with a 4xx. */
  private static double failures(double[] v, boolean clientSide) {
    return clientSide ? v[CLIENT_FAILED] : v[SERVER_FAILED];
  }

  /**
   * The shares of server-side and 4xx failures the clients got before: the median over the baseline's windows (those
   * before the incident when the baseline is another run's), so a scanner's burst in one of them does not raise the
   * line, nor do the incident's own failures when its opening signal came late; 0 when no window came before.
   */
  private double[] failedShares(Edge e, long start) {
    List<double[]> shares = new java.util.ArrayList<>();
    for (double[] v : e.windows.headMap(Math.min(start, baselineEnd)).values()) {
      if (v[REQUESTS] > 0) {
        shares.add(new double[] {failures(v, false) / v[REQUESTS], failures(v, true) / v[REQUESTS]});
      }
    }
    return new double[] {median(shares, 0), median(shares, 1)};
  }

  private static double median(List<double[]> rows, int column) {
    return RobustBaseline.median(rows.stream().mapToDouble(r -> r[column]).toArray());
  }

  private boolean failed(double[] v, boolean clientSide, double shareBefore) {
    if (!(v[REQUESTS] > 0)) {
      return false;
    }
    double share = failures(v, clientSide) / v[REQUESTS];
    return share >= settings.failureShare() && share >= settings.failureFactor() * shareBefore;
  }

  private boolean bad(Edge e, long window, double serverSideBefore) {
    double[] v = e.windows.getOrDefault(window, NONE);
    if (failed(v, false, serverSideBefore)) {
      return true;
    }
    double p95Baseline = e.baselines[P95];
    if (!Double.isNaN(v[P95]) && !Double.isNaN(p95Baseline) && v[P95] >= settings.latencyFactor() * p95Baseline
        && v[P95] >= p95Baseline + settings.latencyMarginMs()) {
      return true;
    }
    double baseRequests = e.baselines[REQUESTS];
    return baseRequests >= settings.minBaselineRequests() && v[REQUESTS] <= settings.trafficLoss() * baseRequests;
  }
}
