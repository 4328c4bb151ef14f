package org.logcause.attribution.core;

import static org.logcause.attribution.core.Wording.hm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.logcause.attribution.core.Attributor.Evidence;

/** The traffic test: a rise of requests, and whether new clients (a surge) or the usual ones retrying sent it. */
final class TrafficTest {
  private final CausalKnowledge.Scoring scoring;

  TrafficTest(CausalKnowledge knowledge) {
    this.scoring = knowledge.scoring();
  }

  /** Requests over some windows of one access-log component: how many, from new clients, retries, per client. */
  private record Span(double requests, double newRequests, double retries, double clients, int windows, long from) {
    static Span of(List<Facts.TrafficWindow> ws) {
      return of(ws, ws.size(), ws.isEmpty() ? 0 : ws.get(0).windowStart());
    }

    /** {@code ws} as a span of {@code windows} windows from {@code from} (windows without requests have no row). */
    static Span of(List<Facts.TrafficWindow> ws, int windows, long from) {
      double reqs = 0;
      double fresh = 0;
      double retried = 0;
      double clients = 0;
      for (Facts.TrafficWindow w : ws) {
        reqs += w.requests();
        fresh += w.requests() * w.newClientShare();
        retried += w.requests() * w.retryShare();
        clients += w.clients();
      }
      return new Span(reqs, fresh, retried, clients, windows, from);
    }

    double rate() {
      return requests / windows;
    }

    long seconds(long windowMicros) {
      return windows * windowMicros / 1_000_000L;
    }

    /** How far above {@code baseRate} the span's rate stands, in Poisson standard deviations of its mean. */
    double z(double baseRate) {
      return (rate() - baseRate) / Math.sqrt(Math.max(1, baseRate) / windows);
    }
  }

  /**
   * Traffic test. During the incident, did the request rate of an access-log component rise, compared with the windows
   * before it? Judged over the whole incident (a sustained rise too small for any single window still counts) and,
   * when that shows none, over its busiest span of {@code spike_peak_seconds}, there only when retries of failed
   * requests sent the rise (a storm of retries is as short as the failures' peak; on a chart it is that peak a
   * responder sees). If it rose: did the extra requests come from clients never seen before (an external surge, a
   * cause) or from the usual clients, retrying what failed (a symptom)? Both verdicts are read off the span that rose.
   * Returns the traffic candidate, or null when traffic did not rise.
   */
  Candidate traffic(String component, Facts f, List<Facts.Anomaly> anomalies) {
    double baseReqs = 0;
    double baseClients = 0;
    int baseWindows = 0;
    List<Double> baseNewShares = new ArrayList<>();
    List<Facts.TrafficWindow> during = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (Facts.TrafficWindow w : f.traffic()) {
      if (w.component().equals(component) && w.requests() > 0) seen.add(w.windowStart());
    }
    long visibleFrom = f.start() - scoring.lookbackMicros();
    for (Facts.TrafficWindow w : f.traffic()) {
      if (!w.component().equals(component)) continue;
      if (w.windowStart() >= f.start() && w.windowStart() <= f.end()) {
        during.add(w);
      } else if (w.windowStart() < f.start() && !trafficStarts(w.windowStart(), seen, f.windowMicros(), visibleFrom)) {
        baseReqs += w.requests();
        baseClients += w.clients();
        baseWindows++;
        baseNewShares.add(w.newClientShare());
      }
    }
    during.sort(Comparator.comparingLong(Facts.TrafficWindow::windowStart));
    Span whole = Span.of(during);
    boolean requestAnomaly = anomalies.stream().anyMatch(a -> a.signal().equals("requests"));
    if (whole.windows() == 0 || whole.requests() == 0 || (baseWindows == 0 && !requestAnomaly)) {
      return null;
    }
    double baseRate = baseWindows == 0 ? Double.NaN : baseReqs / baseWindows;
    Span span = whole;
    boolean rose;
    if (baseWindows == 0) {
      rose = requestAnomaly;
    } else {
      rose = rose(whole, baseRate);
      if (!rose) {
        Span peak = busiest(during, f.windowMicros());
        if (peak != null && peak.windows() < whole.windows() && rose(peak, baseRate) && retried(peak, baseRate)) {
          span = peak;
          rose = true;
        }
      }
    }
    if (!rose) {
      return null;
    }
    double rate = span.rate();
    double ratio = rate / baseRate;
    boolean atPeak = span != whole;
    long onset = anomalies.stream().filter(a -> a.onset() >= f.start() - 120_000_000L).mapToLong(Facts.Anomaly::onset).min()
        .orElse(atPeak ? span.from() : f.start());
    Candidate c = new Candidate(component, "traffic_spike", null, onset);
    c.anomalies.addAll(anomalies.stream().filter(a -> a.onset() >= f.start() - 120_000_000L).toList());
    if (c.anomalies.isEmpty()) {
      c.anomalies.add(new Facts.Anomaly("traffic:" + component, component, "requests", onset, onset, f.end(), rate,
          baseRate, Math.max(0, span.z(baseRate))));
    }
    double newShare = span.newRequests() / span.requests();
    double turnover = org.logcause.signals.core.RobustBaseline.median(
        baseNewShares.stream().mapToDouble(Double::doubleValue).toArray());
    double retryShare = span.retries() / span.requests();
    double perClient = span.clients() == 0 ? 0 : span.requests() / span.clients();
    double basePerClient = baseClients == 0 ? Double.NaN : baseReqs / baseClients;
    String rise = Double.isNaN(ratio) ? "rose" : String.format(Locale.ROOT, "rose %.1f× (%.0f against %.0f requests per window%s)",
        ratio, rate, baseRate, atPeak ? String.format(Locale.ROOT, " in its busiest %d s, %s–%s", span.seconds(f.windowMicros()),
            hm(span.from()), hm(span.from() + span.seconds(f.windowMicros()) * 1_000_000L)) : "");
    String perClientText = Double.isNaN(basePerClient) ? String.format(Locale.ROOT, "%.1f requests per client", perClient)
        : String.format(Locale.ROOT, "%.1f requests per client per window against %.1f before", perClient, basePerClient);
    double extra = Double.isNaN(baseRate) ? rate : Math.max(0, rate - baseRate);
    c.evidence.add(new Evidence("onset", onset, String.format(Locale.ROOT, "requests on %s %s from %s", component, rise, hm(onset)), null));
    // A client is "new" when the log had not shown it before the baseline ended; the later the incident, the more
    // regular clients look new only because the baseline was too short to see them all. The windows before the incident
    // show that turnover (their median, so a surge that began a little early does not raise it): only newcomers above
    // it are a surge.
    String turnoverText = turnover < 0.005 ? "" : String.format(Locale.ROOT, " against %.0f%% in the windows before it",
        100 * turnover);
    if (newShare >= 0.3 && rate * (newShare - turnover) >= 0.5 * extra) {
      c.category = "traffic_surge";
      c.tests += scoring.test("surge");
      c.testSentence = String.format(Locale.ROOT, "traffic on %s %s and %.0f%% of the requests came from clients never seen "
          + "before the incident%s (%s; %.0f%% retries): an external surge, not a retry storm", component, rise,
          100 * newShare, turnoverText, perClientText, 100 * retryShare);
    } else {
      c.testSaysNotCause = true;
      c.tests += scoring.test("retry_storm");
      String clients = newShare >= 0.3
          ? String.format(Locale.ROOT, "%.0f%% of the requests came from clients the baseline had not seen, as did %.0f%% in "
              + "the windows before the incident (regular clients the baseline was too short to see),", 100 * newShare,
              100 * turnover)
          : String.format(Locale.ROOT, "%.0f%% of the requests came from clients seen before the incident", 100 * (1 - newShare));
      c.testSentence = String.format(Locale.ROOT, "traffic on %s %s but %s and %.0f%% were retries of a failed request "
          + "within 10 s (%s): %s, not an attack", component, rise, clients, 100 * retryShare, perClientText,
          retryShare >= 0.1 ? "a retry storm caused by the failures" : "the usual clients asking more");
    }
    c.evidence.add(new Evidence("test:clients", onset, c.testSentence, null));
    return c;
  }

  /**
   * Whether retries of failed requests sent a span's rise: at least {@code spike_ratio - 1} times the rate before, and
   * at least half the extra requests. A busiest minute of a long incident stands above the average by chance alone
   * (the usual clients asking more, a burst of newcomers at night); retries come only with failures.
   */
  private boolean retried(Span span, double baseRate) {
    double retries = span.retries() / span.windows();
    return retries >= (scoring.spikeRatio() - 1) * baseRate && retries >= 0.5 * (span.rate() - baseRate);
  }

  /** A spike: at least {@code spike_ratio} times the rate before the incident, sustained (z over the span). */
  private boolean rose(Span span, double baseRate) {
    return span.rate() / baseRate >= scoring.spikeRatio() && span.z(baseRate) >= 4;
  }

  /**
   * The consecutive {@code spike_peak_seconds} of the incident (whole windows, at least one) with the most requests,
   * the earliest of equals; null when the knowledge turns the peak test off. Windows with no requests count as such.
   */
  private Span busiest(List<Facts.TrafficWindow> during, long windowMicros) {
    if (scoring.spikePeakSeconds() <= 0 || during.isEmpty()) {
      return null;
    }
    long length = Math.max(1, scoring.spikePeakSeconds() * 1_000_000L / windowMicros) * windowMicros;
    Span best = null;
    for (int i = 0; i < during.size(); i++) {
      long from = during.get(i).windowStart();
      int j = i;
      while (j < during.size() && during.get(j).windowStart() < from + length) j++;
      Span s = Span.of(during.subList(i, j), (int) (length / windowMicros), from);
      if (best == null || s.requests() > best.requests()) best = s;
    }
    return best;
  }

  /**
   * Whether requests start in this window: none in the window before it, which lies inside what the facts show. Such
   * a window holds only part of a window's requests (the log or the load began inside it), so it is no measure of
   * the rate before the incident.
   */
  static boolean trafficStarts(long windowStart, Set<Long> windowsWithRequests, long windowMicros, long visibleFrom) {
    long before = windowStart - windowMicros;
    return before >= visibleFrom && !windowsWithRequests.contains(before);
  }
}
