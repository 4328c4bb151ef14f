package org.logcause.attribution.core;

import static org.logcause.attribution.core.Wording.hm;

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

  /**
   * Traffic test. Over the incident, did the request rate of an access-log component rise, compared with the windows
   * before it? (Tested over the whole span, so a sustained rise too small for any single window still counts.) If
   * so: did the extra requests come from clients never seen before (an external surge, a cause) or from the usual
   * clients, retrying what failed (a symptom)? Returns the traffic candidate, or null when traffic did not rise.
   */
  Candidate traffic(String component, Facts f, List<Facts.Anomaly> anomalies) {
    double baseReqs = 0;
    double baseClients = 0;
    int baseWindows = 0;
    double reqs = 0;
    double newReqs = 0;
    double retries = 0;
    double clientsSum = 0;
    int windows = 0;
    Set<Long> seen = new HashSet<>();
    for (Facts.TrafficWindow w : f.traffic()) {
      if (w.component().equals(component) && w.requests() > 0) seen.add(w.windowStart());
    }
    long visibleFrom = f.start() - scoring.lookbackMicros();
    for (Facts.TrafficWindow w : f.traffic()) {
      if (!w.component().equals(component)) continue;
      if (w.windowStart() >= f.start() && w.windowStart() <= f.end()) {
        reqs += w.requests();
        newReqs += w.requests() * w.newClientShare();
        retries += w.requests() * w.retryShare();
        clientsSum += w.clients();
        windows++;
      } else if (w.windowStart() < f.start() && !trafficStarts(w.windowStart(), seen, f.windowMicros(), visibleFrom)) {
        baseReqs += w.requests();
        baseClients += w.clients();
        baseWindows++;
      }
    }
    boolean requestAnomaly = anomalies.stream().anyMatch(a -> a.signal().equals("requests"));
    if (windows == 0 || reqs == 0 || (baseWindows == 0 && !requestAnomaly)) {
      return null;
    }
    double rate = reqs / windows;
    double baseRate = baseWindows == 0 ? Double.NaN : baseReqs / baseWindows;
    double ratio = rate / baseRate;
    double z = (rate - baseRate) / Math.sqrt(Math.max(1, baseRate) / windows);
    // A "spike" is at least SPIKE_RATIO times the rate before the incident, sustained (z over the whole span).
    boolean rose = baseWindows == 0 ? requestAnomaly : ratio >= scoring.spikeRatio() && z >= 4;
    if (!rose) {
      return null;
    }
    long onset = anomalies.stream().filter(a -> a.onset() >= f.start() - 120_000_000L).mapToLong(Facts.Anomaly::onset).min()
        .orElse(f.start());
    Candidate c = new Candidate(component, "traffic_spike", null, onset);
    c.anomalies.addAll(anomalies.stream().filter(a -> a.onset() >= f.start() - 120_000_000L).toList());
    if (c.anomalies.isEmpty()) {
      c.anomalies.add(new Facts.Anomaly("traffic:" + component, component, "requests", onset, onset, f.end(), rate,
          baseRate, Math.max(0, z)));
    }
    double newShare = newReqs / reqs;
    double retryShare = retries / reqs;
    double perClient = clientsSum == 0 ? 0 : reqs / clientsSum;
    double basePerClient = baseClients == 0 ? Double.NaN : baseReqs / baseClients;
    String rise = Double.isNaN(ratio) ? "rose" : String.format(Locale.ROOT, "rose %.1f× (%.0f against %.0f requests per window)",
        ratio, rate, baseRate);
    String perClientText = Double.isNaN(basePerClient) ? String.format(Locale.ROOT, "%.1f requests per client", perClient)
        : String.format(Locale.ROOT, "%.1f requests per client per window against %.1f before", perClient, basePerClient);
    double extra = Double.isNaN(baseRate) ? rate : Math.max(0, rate - baseRate);
    c.evidence.add(new Evidence("onset", onset, String.format(Locale.ROOT, "requests on %s %s from %s", component, rise, hm(onset)), null));
    if (newShare >= 0.3 && rate * newShare >= 0.5 * extra) {
      c.category = "traffic_surge";
      c.tests += scoring.test("surge");
      c.testSentence = String.format(Locale.ROOT, "traffic on %s %s and %.0f%% of the requests came from clients never seen "
          + "before the incident (%s; %.0f%% retries): an external surge, not a retry storm", component, rise,
          100 * newShare, perClientText, 100 * retryShare);
    } else {
      c.testSaysNotCause = true;
      c.tests += scoring.test("retry_storm");
      c.testSentence = String.format(Locale.ROOT, "traffic on %s %s but %.0f%% of the requests came from clients seen before "
          + "the incident and %.0f%% were retries of a failed request within 10 s (%s): %s, not an attack", component,
          rise, 100 * (1 - newShare), 100 * retryShare, perClientText,
          retryShare >= 0.1 ? "a retry storm caused by the failures" : "the usual clients asking more");
    }
    c.evidence.add(new Evidence("test:clients", onset, c.testSentence, null));
    return c;
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
