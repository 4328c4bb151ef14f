package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attribution on hand-built incidents of a stack whose names appear nowhere in the sample: lb (access log) →
 * orders-api (JSON) → pg-main (PostgreSQL) → pg-standby-2 (PostgreSQL).
 */
class AttributorTest {
  private static final long T0 = Instant.parse("2025-02-03T10:00:00Z").getEpochSecond() * 1_000_000L;
  private static final CausalKnowledge KNOWLEDGE = CausalKnowledge.builtIn();
  private static final Topology TOPOLOGY = new Topology(
      Map.of("lb", List.of("orders-api"), "orders-api", List.of("pg-main", "pg-standby-2"), "pg-main", List.of("pg-standby-2")),
      Map.of("lb", "edge", "orders-api", "service", "pg-main", "database", "pg-standby-2", "database"));

  private static long at(int seconds) {
    return T0 + seconds * 1_000_000L;
  }

  private static Facts.Anomaly anomaly(String component, String signal, int onset, int end, double score) {
    return new Facts.Anomaly(component + "|" + signal + "|" + onset, component, signal, at(onset), at(onset + 10), at(end),
        score, 0, score);
  }

  /** Traffic of lb: 20 requests per 10 s before the incident, {@code during} after it began. */
  private static List<Facts.TrafficWindow> traffic(int incidentStart, int end, double during, double newShare, double retryShare) {
    List<Facts.TrafficWindow> w = new ArrayList<>();
    for (int t = incidentStart - 1800; t < end; t += 10) {
      boolean in = t >= incidentStart;
      w.add(new Facts.TrafficWindow("lb", at(t), in ? during : 20, in ? 12 : 12, in ? newShare : 0.02, in ? retryShare : 0));
    }
    return w;
  }

  private static Attributor.Hypothesis find(Attributor.Result r, String component, String category) {
    return r.hypotheses().stream().filter(h -> h.component().equals(component) && h.category().equals(category)).findFirst()
        .orElseThrow(() -> new AssertionError("no hypothesis " + category + " on " + component + " in " + r.hypotheses()));
  }

  /** The Redcrow pattern on other names: a replication setting, a pile-up, a retry storm, a useless restart, a revert. */
  private static Facts replicationSettingIncident() {
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("pg-main", "category:replication_fault", 60, 2700, 40),
        anomaly("pg-main", "category:connection_saturation", 210, 2700, 25),
        anomaly("orders-api", "category:connection_saturation", 90, 2720, 30),
        anomaly("orders-api", "category:timeout", 120, 2720, 12),
        anomaly("lb", "error_ratio", 80, 2730, 900),
        anomaly("lb", "latency_p95_ms", 80, 2730, 300),
        anomaly("lb", "retry_share", 90, 2730, 1e8),
        anomaly("pg-standby-2", "category:replication_fault", 400, 420, 3));
    List<Facts.Action> actions = List.of(
        new Facts.Action("e1", at(-70), "pg-main", "config_change", "chg-9", "config_change chg-9", null,
            "synchronous_commit", "remote_apply", "dba"),
        new Facts.Action("e2", at(1500), "pg-main", "restart", "chg-10", "restart chg-10 on pg-main", null, null, null, "oncall"),
        new Facts.Action("e3", at(2680), "pg-main", "revert", "chg-11", "revert chg-11", "chg-9", "synchronous_commit", "off", "oncall"));
    return new Facts("inc-1", at(60), at(2740), "critical", anomalies, actions, traffic(60, 2740, 31, 0.03, 0.45));
  }

  @Test
  void namesTheChangeAsRootCauseAndTheClassicLeadsAsMisleadingWithTheirTests() {
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(replicationSettingIncident());

    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.verdict()).isEqualTo(Attributor.ROOT_CAUSE);
    assertThat(root.component()).isEqualTo("pg-main");
    assertThat(root.category()).isEqualTo("config_change");
    assertThat(root.changeId()).isEqualTo("chg-9");
    assertThat(root.explanation()).contains("chg-9", "synchronous_commit", "recovered after the revert");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("remediation") && "e3".equals(e.eventId()));
    assertThat(r.hypotheses().stream().filter(h -> h.verdict().equals(Attributor.ROOT_CAUSE))).hasSize(1);

    Attributor.Hypothesis pileUp = find(r, "pg-main", "connection_saturation");
    assertThat(pileUp.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(pileUp.lead()).isEqualTo("the database is overloaded");
    assertThat(pileUp.evidence()).anyMatch(e -> e.kind().equals("test:precursor") && e.detail().contains("replication fault"));

    Attributor.Hypothesis spike = find(r, "lb", "traffic_spike");
    assertThat(spike.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(spike.explanation()).contains("rose 1.6×", "97% of the requests came from clients seen before", "45% were retries");

    Attributor.Hypothesis restart = find(r, "pg-main", "restart");
    assertThat(restart.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(restart.explanation()).contains("changed nothing", "until", "chg-11");

    assertThat(find(r, "orders-api", "connection_saturation").verdict())
        .as("the app's pool waits are a plain symptom, not a classic lead").isEqualTo(Attributor.SYMPTOM);
    for (Attributor.Hypothesis h : r.hypotheses()) {
      assertThat(h.confidence()).isBetween(0.0, 1.0);
      assertThat(h.explanation()).isNotBlank();
    }
    assertThat(r.summary().misleading()).extracting(Attributor.Hypothesis::category)
        .containsExactlyInAnyOrder("connection_saturation", "traffic_spike", "restart");
    assertThat(r.summary().timeline()).extracting(Attributor.TimelineEntry::kind)
        .containsSubsequence("root_cause_onset", "first_alert", "misleading_lead", "remediation", "recovery");
  }

  @Test
  void aSurgeOfNewClientsIsTheCauseAndTheDatabasePileUpItsVictim() {
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("lb", "requests", 0, 1200, 60),
        anomaly("lb", "latency_p95_ms", 30, 1200, 200),
        anomaly("orders-api", "category:connection_saturation", 40, 1200, 25),
        anomaly("pg-main", "category:connection_saturation", 90, 1200, 30));
    Facts f = new Facts("inc-2", at(0), at(1210), "critical", anomalies, List.of(), traffic(0, 1210, 140, 0.8, 0.05));
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(f);

    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.category()).isEqualTo("traffic_surge");
    assertThat(root.component()).isEqualTo("lb");
    assertThat(root.explanation()).contains("never seen before", "external surge");
    Attributor.Hypothesis victim = find(r, "pg-main", "connection_saturation");
    assertThat(victim.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(victim.explanation()).contains("traffic surge");
  }

  /**
   * The access log began 11 s before the incident (its server's logs earlier): its first window holds one second of
   * requests. The rate before the incident is that of the full window after it, so steady traffic did not rise.
   */
  @Test
  void theWindowWhereTheAccessLogBeginsIsNoMeasureOfTheRateBefore() {
    List<Facts.TrafficWindow> traffic = new ArrayList<>();
    traffic.add(new Facts.TrafficWindow("lb", at(-20), 4, 3, 0, 0)); // the log began at -11 s
    traffic.add(new Facts.TrafficWindow("lb", at(-10), 130, 18, 0, 0));
    for (int t = 0; t < 300; t += 10) {
      traffic.add(new Facts.TrafficWindow("lb", at(t), 115, 16, 0.01, 0.07));
    }
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("lb", "error_ratio", 0, 300, 12),
        anomaly("orders-api", "category:timeout", 0, 300, 20),
        anomaly("pg-main", "category:connection_saturation", 10, 300, 30));
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-4", at(0), at(300), "critical", anomalies,
        List.of(), traffic));
    assertThat(r.hypotheses()).noneMatch(h -> h.category().startsWith("traffic"));

    // the same windows with a real rise after the full one: still a rise
    List<Facts.TrafficWindow> rising = new ArrayList<>(traffic.subList(0, 2));
    for (int t = 0; t < 300; t += 10) {
      rising.add(new Facts.TrafficWindow("lb", at(t), 400, 16, 0.01, 0.3));
    }
    Attributor.Result r2 = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-5", at(0), at(300), "critical", anomalies,
        List.of(), rising));
    assertThat(find(r2, "lb", "traffic_spike").explanation()).contains("3.1× (400 against 130 requests per window)");
  }

  /**
   * lb's traffic over a 30-minute incident: 21 requests per window (20 before), except one minute from 600 s at
   * {@code peak}, with these shares of new clients and retries.
   */
  private static Facts shortPeak(double peak, double newShare, double retryShare) {
    List<Facts.TrafficWindow> traffic = new ArrayList<>();
    for (Facts.TrafficWindow w : traffic(60, 1800, 21, 0.02, 0.03)) {
      boolean inPeak = w.windowStart() >= at(600) && w.windowStart() < at(660);
      traffic.add(inPeak ? new Facts.TrafficWindow("lb", w.windowStart(), peak, 12, newShare, retryShare) : w);
    }
    Facts r = replicationSettingIncident();
    return new Facts("inc-9", at(60), at(1800), "critical", r.anomalies(), r.actions().subList(0, 1), traffic);
  }

  @Test
  void aRetryStormAsShortAsTheFailuresPeakIsJudgedOnThatPeak() {
    // the whole incident: 21.4 against 20 requests per window, no rise; its busiest minute 1.6×, 45% retries
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(shortPeak(32, 0.02, 0.45));
    Attributor.Hypothesis spike = find(r, "lb", "traffic_spike");
    assertThat(spike.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(spike.explanation()).contains("rose 1.6× (32 against 20 requests per window in its busiest 60 s, 10:10:00–10:11:00)",
        "45% were retries", "a retry storm caused by the failures");

    // a busiest minute as high, sent by the usual clients asking more (no retries, no new clients): no spike
    assertThat(new Attributor(KNOWLEDGE, TOPOLOGY).apply(shortPeak(32, 0.02, 0.02)).hypotheses())
        .noneMatch(h -> h.category().startsWith("traffic"));
    // a busiest minute of retries under spike_ratio: no spike
    assertThat(new Attributor(KNOWLEDGE, TOPOLOGY).apply(shortPeak(25, 0.02, 0.45)).hypotheses())
        .noneMatch(h -> h.category().startsWith("traffic"));
    // retries that sent less than half the extra: the usual clients asking more, retrying a little
    assertThat(new Attributor(KNOWLEDGE, TOPOLOGY).apply(shortPeak(40, 0.02, 0.2)).hypotheses())
        .noneMatch(h -> h.category().startsWith("traffic"));
    // a minute of newcomers is no surge (a surge is judged over the whole incident) nor a retry storm
    assertThat(new Attributor(KNOWLEDGE, TOPOLOGY).apply(shortPeak(60, 0.7, 0.05)).hypotheses())
        .noneMatch(h -> h.category().startsWith("traffic"));
  }

  /**
   * The baseline ended long before the incident, so a third of the requests before it already came from clients the
   * baseline had not seen (the regular clients of a quiet site, met one by one). During the incident the share is
   * about the same: the rise is the usual clients retrying, not newcomers. A real surge stands above that turnover.
   */
  @Test
  void clientsTheBaselineWasTooShortToSeeAreNoSurge() {
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("lb", "requests", 0, 1200, 12),
        anomaly("lb", "latency_p95_ms", 30, 1200, 200),
        anomaly("pg-main", "category:resource_exhaustion", -10, 1200, 40));
    java.util.function.DoubleFunction<List<Facts.TrafficWindow>> traffic = newDuring -> {
      List<Facts.TrafficWindow> w = new ArrayList<>();
      for (Facts.TrafficWindow t : traffic(0, 1210, 30, newDuring, 0.25)) {
        w.add(t.windowStart() < at(0) ? new Facts.TrafficWindow("lb", t.windowStart(), t.requests(), t.clients(), 0.3, 0) : t);
      }
      return w;
    };
    Attributor.Result retrying = new Attributor(KNOWLEDGE, TOPOLOGY).apply(
        new Facts("inc-4", at(0), at(1210), "critical", anomalies, List.of(), traffic.apply(0.37)));
    assertThat(retrying.hypotheses()).noneMatch(h -> h.category().equals("traffic_surge"));
    Attributor.Hypothesis storm = find(retrying, "lb", "traffic_spike");
    assertThat(storm.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(storm.explanation()).contains("as did 30% in the windows before the incident");
    // newcomers far above the turnover are a surge, and the sentence gives the turnover beside them
    Attributor.Result surge = new Attributor(KNOWLEDGE, TOPOLOGY).apply(
        new Facts("inc-5", at(0), at(1210), "critical", anomalies, List.of(), traffic.apply(0.9)));
    assertThat(find(surge, "lb", "traffic_surge").explanation()).contains("against 30% in the windows before it");
  }

  @Test
  void aSurgeStaysASurgeWhenABlockLaterTurnsItsRequestsInto403sThatItsClientsRetry() {
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("lb", "requests", 0, 1200, 60),
        anomaly("lb", "new_client_share", 0, 1200, 80),
        anomaly("lb", "retry_share", 600, 1200, 90), // blocked at t=600: the new clients retry their 403s
        anomaly("lb", "category:client_error", 600, 1200, 70),
        anomaly("lb", "latency_p95_ms", 30, 600, 200),
        anomaly("pg-main", "category:connection_saturation", 90, 600, 30));
    List<Facts.TrafficWindow> traffic = new ArrayList<>();
    for (Facts.TrafficWindow w : traffic(0, 1210, 140, 0.8, 0.05)) {
      boolean blocked = w.windowStart() >= at(600);
      traffic.add(blocked ? new Facts.TrafficWindow("lb", w.windowStart(), 200, 60, 0.85, 0.7) : w);
    }
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-3", at(0), at(1210), "critical", anomalies,
        List.of(), traffic));

    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.category()).isEqualTo("traffic_surge");
    assertThat(root.explanation()).contains("never seen before", "an external surge, not a retry storm");
    // one test over one span, one verdict: nothing else calls the same traffic a retry storm
    assertThat(r.hypotheses()).noneMatch(h -> h.explanation().contains("a retry storm caused"));
    assertThat(r.hypotheses().stream().filter(h -> h.component().equals("lb") && h.category().startsWith("traffic"))).hasSize(1);
  }

  /**
   * A network path cut: orders-api's first "no route to host" lines rise at once as a new message (a template), but its
   * network count already held a metrics agent's steady errors and stands out only at 120 s; the pool exhausts at 50 s.
   */
  private static List<Facts.Anomaly> partition(boolean withTemplates) {
    List<Facts.Anomaly> a = new ArrayList<>(List.of(
        anomaly("orders-api", "category:connection_saturation", 50, 900, 5),
        anomaly("orders-api", "category:network", 120, 900, 6),
        anomaly("orders-api", "category:timeout", 60, 900, 5),
        anomaly("lb", "error_ratio", 30, 900, 400)));
    if (withTemplates) {
      a.add(new Facts.Anomaly("t1", "orders-api", "template:no-route", at(20), at(30), at(900), 7, 0, 7, "network"));
      // a template whose category has no anomaly of its own makes no candidate
      a.add(new Facts.Anomaly("t2", "orders-api", "template:lock-wait", at(10), at(20), at(40), 5, 0, 5, "lock_contention"));
      // nor does a template that rose after its category's count did move the category's onset
      a.add(new Facts.Anomaly("t3", "orders-api", "template:pool", at(70), at(80), at(900), 5, 0, 5, "connection_saturation"));
    }
    return a;
  }

  @Test
  void aCategoryBeginsWithItsFirstMessageToRiseNotWithItsCountOverNoise() {
    Attributor.Result without = new Attributor(KNOWLEDGE, TOPOLOGY).apply(
        new Facts("inc-8", at(0), at(910), "high", partition(false), List.of(), List.of()));
    assertThat(without.hypotheses().get(0).category()).isNotEqualTo("network"); // dated by its count: after the pool

    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(
        new Facts("inc-8", at(0), at(910), "high", partition(true), List.of(), List.of()));
    Attributor.Hypothesis top = r.hypotheses().get(0);
    assertThat(top.component() + " " + top.category()).isEqualTo("orders-api network");
    assertThat(top.onset()).isEqualTo(at(20));
    assertThat(top.evidence()).anyMatch(e -> e.kind().equals("onset")
        && e.detail().startsWith("its first message to rise, template:no-route on orders-api, rose from 10:00:20, 100 s before orders-api's network count did"));
    assertThat(r.hypotheses()).noneMatch(h -> h.category().equals("lock_contention"));
    assertThat(find(r, "orders-api", "connection_saturation").onset()).isEqualTo(at(50));
  }

  @Test
  void aLaterFaultOfTheDependencyOutranksItsEarlierLookingCallers() {
    // The standby loses its stream; the app sees stale reads; nothing was changed.
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("pg-standby-2", "category:replication_fault", 0, 900, 8),
        anomaly("orders-api", "category:replication_fault", 0, 900, 30),
        anomaly("lb", "error_ratio", 20, 900, 500));
    Facts f = new Facts("inc-3", at(0), at(910), "high", anomalies, List.of(), List.of());
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(f);
    assertThat(r.hypotheses().get(0).component()).isEqualTo("pg-standby-2");
    // the app's stale reads are its observation of the standby: they join the standby's hypothesis
    assertThat(r.hypotheses().get(0).signals()).contains("category:replication_fault");
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("observed") && e.detail().startsWith("orders-api"));
    assertThat(r.hypotheses()).noneMatch(h -> h.component().equals("orders-api"));
  }

  @Test
  void aChangeThatExplainsNothingIsNotSupportedAndARestartThatHelpedIsNotMisleading() {
    List<Facts.Anomaly> anomalies = List.of(
        anomaly("orders-api", "category:app_exception", 0, 300, 20),
        anomaly("lb", "error_ratio", 10, 300, 500));
    List<Facts.Action> actions = List.of(
        new Facts.Action("x1", at(-600), "search-indexer", "deploy", "chg-1", "deploy chg-1", null, "version", "1.4.2", "ci"),
        new Facts.Action("x2", at(250), "orders-api", "restart", "chg-2", "restart chg-2", null, null, null, "oncall"));
    Facts f = new Facts("inc-4", at(0), at(310), "high", anomalies, actions, List.of());
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(f);
    assertThat(find(r, "search-indexer", "deploy").verdict())
        .as("a deploy outside the topology explains nothing").isEqualTo(Attributor.NOT_SUPPORTED);
    assertThat(r.hypotheses().get(0).category()).isEqualTo("app_exception");
    Attributor.Hypothesis restart = find(r, "orders-api", "restart");
    assertThat(restart.verdict()).isNotEqualTo(Attributor.MISLEADING);
    assertThat(restart.evidence()).anyMatch(e -> e.detail().contains("the incident ended"));
  }

  @Test
  void aChangeLongBeforeWhatItWouldExplainIsAWeakerSuspectThanOneJustBefore() {
    List<Facts.Anomaly> anomalies = List.of(anomaly("pg-main", "category:lock_contention", 0, 600, 30),
        anomaly("orders-api", "category:timeout", 30, 600, 20));
    Facts.Action early = new Facts.Action("a", at(-1700), "pg-main", "config_change", "chg-early", "x", null, "p", "1", "dba");
    Facts.Action late = new Facts.Action("b", at(-60), "orders-api", "deploy", "chg-late", "y", null, "version", "2", "ci");
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-6", at(0), at(610), "high", anomalies,
        List.of(early, late), List.of()));
    Attributor.Hypothesis first = r.hypotheses().get(0);
    assertThat(first.changeId()).isEqualTo("chg-late");
  }

  @Test
  void anIncidentWithoutAnomaliesOrChangesHasNoHypotheses() {
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-5", at(0), at(60), "medium", List.of(),
        List.of(), List.of()));
    assertThat(r.hypotheses()).isEmpty();
    assertThat(r.summary().rootCause()).isNull();
  }

  @Test
  void aChangeAfterAnIncidentDatedEarlyByNoiseIsStillACandidate() {
    // an unrelated latency blip on the edge dates the incident three minutes before the change that caused it
    List<Facts.Anomaly> anomalies = List.of(anomaly("lb", "latency_p95_ms", 0, 40, 8),
        anomaly("orders-api", "category:connection_saturation", 200, 1200, 30),
        anomaly("lb", "error_ratio", 210, 1200, 500),
        anomaly("lb", "category:timeout", 215, 1200, 40));
    Facts.Action change = new Facts.Action("c", at(180), "orders-api", "config_change", "chg-pool", "x", null,
        "maximum-pool-size", "2", "dev");
    Attributor.Result r = new Attributor(KNOWLEDGE, TOPOLOGY).apply(new Facts("inc-7", at(0), at(1210), "high", anomalies,
        List.of(change), List.of()));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("chg-pool");
    assertThat(r.hypotheses().get(0).verdict()).isEqualTo(Attributor.ROOT_CAUSE);
  }
}
