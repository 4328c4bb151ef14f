package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The mechanisms attribution must get right on real outages, each on a hand-built incident of a stack whose names
 * appear nowhere else: web (access log) → cart-svc (JSON) → db-a (PostgreSQL) → db-b (its replica).
 */
class AttributionMechanismsTest {
  private static final long T0 = Instant.parse("2025-05-06T08:00:00Z").getEpochSecond() * 1_000_000L;
  private static final CausalKnowledge KNOWLEDGE = CausalKnowledge.builtIn();
  private static final Topology TOPOLOGY = new Topology(
      Map.of("web", List.of("cart-svc"), "cart-svc", List.of("db-a", "db-b"), "db-a", List.of("db-b")),
      Map.of("web", "edge", "cart-svc", "service", "db-a", "database", "db-b", "database"));

  private static long at(double seconds) {
    return T0 + Math.round(seconds * 1_000_000L);
  }

  private static Facts.Anomaly anomaly(String component, String signal, int onset, int end, double score) {
    return new Facts.Anomaly(component + "|" + signal + "|" + onset, component, signal, at(onset), at(onset + 10), at(end),
        score, 0, score);
  }

  private static Facts.Action change(String id, double t, String component, String type, String parameter, String value) {
    return new Facts.Action("ev-" + id, at(t), component, type, id, type + " " + id, null, parameter, value, "someone");
  }

  private static Facts.Action action(String id, double t, String component, String type) {
    return new Facts.Action("ev-" + id, at(t), component, type, id, type + " " + id + " on " + component, null, null, null, "oncall");
  }

  private static Facts facts(List<Facts.Anomaly> anomalies, List<Facts.Action> actions, int start, int end) {
    return new Facts("inc-x", at(start), at(end), "high", anomalies, actions, List.of());
  }

  private static Attributor.Result attribute(Facts f) {
    return new Attributor(KNOWLEDGE, TOPOLOGY).apply(f);
  }

  private static Attributor.Hypothesis find(Attributor.Result r, String component, String category) {
    return r.hypotheses().stream().filter(h -> h.component().equals(component) && h.category().equals(category)).findFirst()
        .orElseThrow(() -> new AssertionError("no hypothesis " + category + " on " + component + " in " + r.hypotheses()));
  }

  /** A commit-wait pile-up on db-a from t=0: replication waits, its connections run out, the service times out. */
  private static List<Facts.Anomaly> pileUp() {
    return List.of(anomaly("db-a", "category:replication_fault", 0, 600, 40),
        anomaly("db-a", "category:connection_saturation", 20, 600, 30),
        anomaly("db-a", "slow_query_p95_ms", 10, 600, 20),
        anomaly("cart-svc", "category:timeout", 20, 620, 25),
        anomaly("web", "error_ratio", 30, 620, 400));
  }

  @Test
  void aHarmlessChangeBeforeAQuietGapLosesToTheSettingChangedJustBeforeTheFirstError() {
    // an unknown parameter (neutral to the table) minutes before, then healthy service; the culprit 5 s before
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-early", -420, "db-a", "config_change", "app.banner_text", "x"),
        change("c-late", -5, "db-a", "config_change", "vendor_knob_17", "y")), 0, 620));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-late");
    Attributor.Hypothesis early = r.hypotheses().stream().filter(h -> "c-early".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(early.evidence()).anyMatch(e -> e.kind().equals("timing") && e.detail().contains("quiet gap"));
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("timing") && e.detail().contains("within"));
  }

  @Test
  void aParameterThatCannotProduceTheSymptomsLosesToOneThatCan() {
    // memory sizing changed last, seconds before; the replication setting a minute earlier
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-sync", -60, "db-a", "config_change", "synchronous_standby_names", "s9"),
        change("c-mem", -3, "db-a", "config_change", "work_mem", "64MB")), 0, 620));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-sync");
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("replication"));
    Attributor.Hypothesis mem = r.hypotheses().stream().filter(h -> "c-mem".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(mem.evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("cannot produce"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 6, 9})
  void aDeployInsideTheWindowOfItsFirstLockWaitsStillPrecedesThem(int offset) {
    // lock waits from the window starting at 100; the migration ran at 100 + offset; a harmless change long before
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:lock_contention", 100, 500, 40),
        anomaly("db-a", "category:connection_saturation", 120, 500, 20),
        anomaly("cart-svc", "category:timeout", 110, 520, 25),
        anomaly("web", "error_ratio", 110, 520, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-flag", -200, "cart-svc", "config_change", "feature.x", "on"),
        change("c-mig", 100 + offset, "db-a", "deploy", "schema_version", "42")), 100, 520));
    assertThat(r.hypotheses().get(0).changeId()).as("offset %d s", offset).isEqualTo("c-mig");
    assertThat(find(r, "db-a", "lock_contention").explanation()).as("offset %d s", offset)
        .contains(offset == 0 ? "began at 08:01:40, 0 s after deploy c-mig" : "in the same 10-s window as deploy c-mig");
    Attributor.Hypothesis saturation = find(r, "db-a", "connection_saturation");
    assertThat(saturation.verdict()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void killedSessionsWhosePileUpCameBackAreAMisleadingLead() {
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-sync", -5, "db-a", "config_change", "synchronous_standby_names", "s9"),
        action("k1", 200, "db-a", "kill_sessions"), action("k2", 201, "db-a", "kill_sessions")), 0, 620));
    Attributor.Hypothesis kill = find(r, "db-a", "kill_sessions");
    assertThat(kill.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(kill.lead()).contains("kill");
    assertThat(kill.explanation()).contains("came back");
    assertThat(r.hypotheses().stream().filter(h -> h.category().equals("kill_sessions"))).as("one kill, two records").hasSize(1);
  }

  @Test
  void theSessionsAShutdownEndsAreNoKillAndARestartAfterTheIncidentIsNoLead() {
    // "restart the database" during the incident: PostgreSQL logs a termination for every session it ends
    List<Facts.Action> actions = new ArrayList<>(List.of(change("c-sync", -5, "db-a", "config_change", "synchronous_standby_names", "s9"),
        action("rs", 300, "db-a", "restart")));
    for (int i = 0; i < 20; i++) { // "terminating connection due to administrator command" lines: no change record
      actions.add(new Facts.Action("ev-t" + i, at(300.2 + i * 0.01), "db-a", "kill_sessions", null,
          "db-a logged \"terminating connection due to administrator command\"", null, null, null, null));
    }
    actions.add(action("end-of-day", 900, "db-a", "restart"));
    Attributor.Result r = attribute(facts(pileUp(), actions, 0, 620));
    assertThat(r.hypotheses()).noneMatch(h -> h.category().equals("kill_sessions"));
    assertThat(r.hypotheses().stream().filter(h -> h.category().equals("restart"))).singleElement()
        .satisfies(h -> assertThat(h.verdict()).isEqualTo(Attributor.MISLEADING));
  }

  @Test
  void aRecordedKillAMinuteBeforeARestartIsItsOwnDetour() {
    // the on-call kills the long queries, then a minute later restarts the database: two detours, not one
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-sync", -5, "db-a", "config_change",
        "synchronous_standby_names", "s9"), action("kill", 234, "db-a", "kill_sessions"), action("rs", 300, "db-a", "restart")),
        0, 620));
    assertThat(find(r, "db-a", "kill_sessions").verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(find(r, "db-a", "restart").verdict()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void aRestartAfterTheDatabaseShowedThePileUpIsADetourEvenBeforeTheClientsFeltIt() {
    // the incident (what the clients got) starts at t=200; the database's pile-up showed from t=0; the on-call
    // restarted the database at t=50, 80 s after the deploy: a reaction, not how the deploy was applied
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-mig", -30, "db-a", "deploy", "schema_version", "58"),
        action("rs", 50, "db-a", "restart")), 200, 620));
    assertThat(find(r, "db-a", "restart").verdict()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void aFlagTurnedOnMinutesBeforeADiskFilledIsScreenedOffByTheFullDisk() {
    // cart-svc's feature flag at t=-134 s, healthy service, then db-a's disk fills at t=0 and everything fails
    List<Facts.Anomaly> anomalies = List.of(anomaly("web", "latency_p95_ms", -40, 400, 12), // the disk filling up
        anomaly("db-a", "category:resource_exhaustion", 0, 400, 14),
        anomaly("db-b", "category:replication_fault", 10, 400, 8), anomaly("cart-svc", "category:network", 10, 400, 30),
        anomaly("cart-svc", "error_ratio", 10, 400, 60), anomaly("web", "error_ratio", 10, 400, 400));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-flag", -134, "cart-svc", "config_change",
        "feature.recommendations", "on")), 0, 400));
    assertThat(r.hypotheses().get(0).category()).isEqualTo("resource_exhaustion");
    assertThat(r.hypotheses().stream().filter(h -> "c-flag".equals(h.changeId())).findFirst().orElseThrow().evidence())
        .anyMatch(e -> e.kind().equals("test:screened") && e.detail().contains("resource exhaustion on db-a"));
    Attributor.Result noBuildUp = attribute(facts(anomalies.subList(1, anomalies.size()), List.of(change("c-flag", -134,
        "cart-svc", "config_change", "feature.recommendations", "on")), 0, 400));
    assertThat(noBuildUp.hypotheses().stream().filter(h -> "c-flag".equals(h.changeId())).findFirst().orElseThrow())
        .satisfies(h -> assertThat(h.verdict()).isEqualTo(Attributor.NOT_SUPPORTED))
        .satisfies(h -> assertThat(h.explanation()).contains("followed from resource exhaustion on db-a"));
    // a release whose database errors start with it is not screened off by them, though it cannot produce them
    Attributor.Result release = attribute(facts(List.of(anomaly("db-a", "category:network", 0, 400, 14),
        anomaly("cart-svc", "error_ratio", 10, 400, 60), anomaly("web", "error_ratio", 10, 400, 400)),
        List.of(change("c-rel", -5, "cart-svc", "deploy", "version", "v2")), 0, 400));
    assertThat(release.hypotheses().stream().filter(h -> "c-rel".equals(h.changeId())).findFirst().orElseThrow().evidence())
        .noneMatch(e -> e.kind().equals("test:screened"));
  }

  @Test
  void theRestartThatAppliesAChangeIsPartOfItAndNoDetour() {
    // max_connections takes effect only at a restart: the restart 11 s after the change applies it
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:connection_saturation", 10, 300, 40),
        anomaly("cart-svc", "category:connection_saturation", 20, 300, 30), anomaly("web", "error_ratio", 20, 310, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-max", 0, "db-a", "config_change", "max_connections", "4"),
        action("r1", 11, "db-a", "restart")), 10, 310));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-max");
    assertThat(r.hypotheses()).noneMatch(h -> h.category().equals("restart"));
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("applied") && e.eventId().equals("ev-r1"));
  }

  @Test
  void aSettingTheServerLoggedAsWaitingForARestartIsAppliedByTheRestartAfterIt() {
    // no change feed: PostgreSQL logged max_connections as changed in its file but not in effect; the restart
    // 40 s later applied it, and the refusals began
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:connection_saturation", 50, 300, 40),
        anomaly("cart-svc", "category:connection_saturation", 55, 300, 30), anomaly("web", "error_ratio", 55, 310, 300));
    Facts.Action pending = new Facts.Action("ev-p", at(0), "db-a", "config_change", null,
        "db-a logged \"parameter \"max_connections\" cannot be changed without restarting the server\"", null,
        "max_connections", "(from the next restart)", null);
    Attributor.Result r = attribute(facts(anomalies, List.of(pending, action("r1", 40, "db-a", "restart")), 50, 310));
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.component()).isEqualTo("db-a");
    assertThat(root.category()).isEqualTo("config_change");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("change") && e.eventId().equals("ev-p"));
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("applied") && e.eventId().equals("ev-r1"));
    assertThat(r.hypotheses()).noneMatch(h -> h.category().equals("restart"));
  }

  @ParameterizedTest
  @ValueSource(ints = {-2, 0, 4, 14})
  void theRestartThatRollsOutADeployOrARevertIsPartOfItAtEitherSide(int offset) {
    // a deploy tool restarts the service a few seconds before or after it records the release (and again for the
    // rollback); a setting the table does not know, so only the timing ties the restarts to the changes
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:app_exception", 5, 300, 40),
        anomaly("web", "error_ratio", 5, 310, 300));
    Facts.Action rollback = new Facts.Action("ev-rb", at(290), "cart-svc", "revert", "c-rb", "roll back c-rel", "c-rel",
        "version", "1.8", "dev");
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-rel", 0, "cart-svc", "deploy", "version", "1.9"),
        action("r-rel", offset, "cart-svc", "restart"), rollback, action("r-rb", 290 + offset, "cart-svc", "restart")), 5, 310));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-rel");
    assertThat(r.hypotheses()).as("neither restart is a lead of its own").noneMatch(h -> h.category().equals("restart"));
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("applied") && e.eventId().equals("ev-r-rel"));
    assertThat(r.hypotheses().get(0).onset()).as("the release took effect when its rollout began")
        .isEqualTo(at(Math.min(0, offset)));
  }

  @Test
  void aRestartAMinuteAfterAChangeOnceTheErrorsShowedIsADetour() {
    // the same deploy, but the on-call restarts the service 50 s later, after its errors began: a reaction to them
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:app_exception", 5, 300, 40),
        anomaly("web", "error_ratio", 5, 310, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-rel", 0, "cart-svc", "deploy", "version", "1.9"),
        action("r-oncall", 50, "cart-svc", "restart")), 5, 310));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-rel");
    assertThat(find(r, "cart-svc", "restart").verdict()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void aCrashThatAFullDiskExplainsIsTheDisksSymptomNotACauseOfItsOwn() {
    // db-a's disk fills at t=0 (the WAL volume), the server PANICs at t=10 and its callers lose their connections
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:resource_exhaustion", 0, 400, 3),
        anomaly("db-a", "crashes", 10, 20, 90), anomaly("cart-svc", "category:network", 10, 400, 53),
        anomaly("db-b", "category:replication_fault", 10, 400, 12), anomaly("web", "error_ratio", 10, 400, 500));
    Attributor.Result r = attribute(facts(anomalies, List.of(), 0, 400));
    assertThat(r.hypotheses().get(0).category()).isEqualTo("resource_exhaustion");
    assertThat(find(r, "db-a", "restart").verdict()).isEqualTo(Attributor.SYMPTOM);
  }

  @Test
  void aDatabaseThatCrashedIsTheCauseOfItsCallersBrokenConnectionsAndStartingItAgainIsTheFix() {
    // db-a's backends log the postmaster's death; cart-svc loses its connections; the replica loses its stream; the
    // clients get 5xx until someone starts db-a again at t=170. The replica goes on complaining until t=400.
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "crashes", 0, 10, 4),
        anomaly("cart-svc", "category:network", 0, 170, 53),
        anomaly("db-b", "category:replication_fault", 0, 400, 12),
        anomaly("web", "error_ratio", 0, 180, 500));
    Attributor.Result r = attribute(facts(anomalies, List.of(action("start", 170, "db-a", "restart")), 0, 400));
    assertThat(r.hypotheses().get(0).component()).isEqualTo("db-a");
    assertThat(r.hypotheses().get(0).category()).isEqualTo("restart");
    assertThat(r.hypotheses()).as("starting it again ended what the clients felt: no detour")
        .noneMatch(h -> h.verdict().equals(Attributor.MISLEADING));
  }

  @Test
  void aSettingStillInPlaceWhenARestartEndedTheIncidentWasNotWhatFailed() {
    // a setting changed on db-a 20 s before its connections piled up; db-a restarted at t=300, the clients were fine
    // 20 s later, and the setting was never reverted
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:connection_saturation", 0, 310, 30),
        anomaly("cart-svc", "category:timeout", 5, 315, 25), anomaly("web", "error_ratio", 5, 320, 400));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-x", -20, "db-a", "config_change", "vendor_knob_17", "y"),
        action("bounce", 300, "db-a", "restart")), 0, 320));
    Attributor.Hypothesis change = r.hypotheses().stream().filter(h -> "c-x".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(change.evidence()).anyMatch(e -> e.kind().equals("test:outlived") && e.eventId().equals("ev-bounce"));
    Attributor.Result reverted = attribute(facts(anomalies, List.of(change("c-x", -20, "db-a", "config_change", "vendor_knob_17", "y"),
        new Facts.Action("ev-rv", at(300), "db-a", "revert", "c-rv", "revert c-x", "c-x", "vendor_knob_17", "", "dba")), 0, 320));
    assertThat(reverted.hypotheses().get(0).changeId()).isEqualTo("c-x");
    assertThat(change.score()).isLessThan(reverted.hypotheses().get(0).score());
  }

  @Test
  void aSettingTheServerLoggedChangingAgainBeforeTheRecoveryIsCreditedLikeARevert() {
    // no change feed: db-a logged its setting changing 5 s before the pile-up and again at t=590; the clients were
    // fine at t=620. The server logs only the new value, so the second line is no revert by name; the recovery says it
    List<Facts.Anomaly> anomalies = pileUp();
    Facts.Action first = new Facts.Action("ev-s1", at(-5), "db-a", "config_change", null,
        "db-a logged \"parameter \"synchronous_standby_names\" changed to \"FIRST 1 (dr)\"\"", null,
        "synchronous_standby_names", "FIRST 1 (dr)", null);
    Facts.Action again = new Facts.Action("ev-s2", at(590), "db-a", "config_change", null,
        "db-a logged \"parameter \"synchronous_standby_names\" changed to \"\"\"", null, "synchronous_standby_names", "", null);
    Attributor.Result r = attribute(facts(anomalies, List.of(first, again), 0, 620));
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.component()).isEqualTo("db-a");
    assertThat(root.category()).isEqualTo("config_change");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("change") && e.eventId().equals("ev-s1"));
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("remediation") && e.eventId().equals("ev-s2")
        && e.detail().contains("changed again at 08:09:50") && e.detail().contains("recovered"));
    Attributor.Hypothesis alone = attribute(facts(anomalies, List.of(first), 0, 620)).hypotheses().get(0);
    assertThat(root.score()).isGreaterThan(alone.score());

    // changed again at t=100 and the pile-up went on: a second wrong value proves nothing against the first
    Facts.Action early = new Facts.Action("ev-s2", at(100), "db-a", "config_change", null, "db-a logged a change", null,
        "synchronous_standby_names", "FIRST 1 (dr2)", null);
    Attributor.Hypothesis first2 = attribute(facts(anomalies, List.of(first, early), 0, 620)).hypotheses().stream()
        .filter(h -> h.evidence().stream().anyMatch(e -> "ev-s1".equals(e.eventId()))).findFirst().orElseThrow();
    assertThat(first2.evidence()).noneMatch(e -> e.kind().equals("remediation"));
  }

  @Test
  void anIncidentThatEndsWithTheLogsHasNotRecovered() {
    // the same restart 20 s before the anomalies end, but the logs were read only up to the fix and end there too:
    // nothing says the setting outlived anything, nor that a revert there fixed it
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:connection_saturation", 0, 310, 30),
        anomaly("cart-svc", "category:timeout", 5, 315, 25), anomaly("web", "error_ratio", 5, 320, 400));
    List<Facts.Action> actions = List.of(change("c-x", -20, "db-a", "config_change", "vendor_knob_17", "y"),
        action("bounce", 300, "db-a", "restart"));
    Facts cut = new Facts("inc-x", at(0), at(320), "high", anomalies, actions, List.of(), 10_000_000L, List.of(), at(325));
    Attributor.Hypothesis change = attribute(cut).hypotheses().stream().filter(h -> "c-x".equals(h.changeId())).findFirst()
        .orElseThrow();
    assertThat(change.evidence()).noneMatch(e -> e.kind().equals("test:outlived"));
    assertThat(find(attribute(cut), "db-a", "restart").evidence())
        .anyMatch(e -> e.kind().equals("test:persisted") && e.detail().contains("too soon to tell"));
    // the same restart 90 s before the logs end, the incident still going: it did not end it
    Facts later = new Facts("inc-x", at(0), at(320), "high", anomalies, List.of(actions.get(0),
        action("bounce", 230, "db-a", "restart")), List.of(), 10_000_000L, List.of(), at(325));
    Attributor.Hypothesis bounce = find(attribute(later), "db-a", "restart");
    assertThat(bounce.evidence()).anyMatch(e -> e.kind().equals("test:persisted") && e.detail().contains("still going 95 s after it"));
    assertThat(bounce.verdict()).isEqualTo(Attributor.MISLEADING);
    Facts revertedAtTheEnd = new Facts("inc-x", at(0), at(320), "high", anomalies, List.of(actions.get(0),
        new Facts.Action("ev-rv", at(300), "db-a", "revert", "c-rv", "revert c-x", "c-x", "vendor_knob_17", "", "dba")),
        List.of(), 10_000_000L, List.of(), at(325));
    assertThat(attribute(revertedAtTheEnd).hypotheses().get(0).evidence())
        .noneMatch(e -> e.kind().equals("remediation") && e.detail().contains("recovered after the revert"));
  }

  @Test
  void aRestartFollowedByARevertThatEndedTheIncidentChangedNothingEvenWithinTheGrace() {
    // db-b restarted at t=100; the setting reverted at t=190; the clients were fine at t=200. The recovery came
    // within the restart grace of the restart, but after the revert: the revert ended it
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:network", 0, 195, 40),
        anomaly("web", "error_ratio", 0, 200, 400));
    Facts.Action revert = new Facts.Action("ev-rv", at(190), "cart-svc", "revert", "c-rv", "revert c-port", "c-port",
        "database.port", "5432", "dev");
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-port", -3, "cart-svc", "config_change", "database.port", "6543"),
        action("bounce", 100, "db-b", "restart"), revert), 0, 200));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-port");
    Attributor.Hypothesis bounce = find(r, "db-b", "restart");
    assertThat(bounce.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(bounce.explanation()).contains("until").contains("c-rv");
  }

  @Test
  void aRestartedReplicaThatKeptFailingUntilTheRevertChangedNothingWhateverTheClientsSaw() {
    // db-b's replication connection fails from t=0; db-b restarted at t=130; the clients' 5xx stopped at t=140 (their
    // reads went elsewhere), but db-b went on failing until its setting was reverted at t=330
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-b", "category:replication_fault", 0, 340, 40),
        anomaly("db-b", "error_ratio", 0, 340, 50), anomaly("web", "category:server_error", 50, 140, 4));
    Facts.Action revert = new Facts.Action("ev-rv", at(330), "db-b", "revert", "c-rv", "revert c-conn", "c-conn",
        "primary_conninfo", "port=5432", "dba");
    List<Facts.Action> actions = List.of(change("c-conn", -2, "db-b", "config_change", "primary_conninfo", "port=6543"),
        action("bounce", 130, "db-b", "restart"), revert);
    Attributor.Hypothesis bounce = find(attribute(facts(anomalies, actions, 0, 340)), "db-b", "restart");
    assertThat(bounce.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(bounce.explanation()).contains("db-b's replication fault stayed anomalous").contains("c-rv");
    // the same restart after which db-b's faults stopped at once did something: no detour
    List<Facts.Anomaly> fixed = List.of(anomaly("db-b", "category:replication_fault", 0, 140, 40),
        anomaly("db-b", "error_ratio", 0, 140, 50), anomaly("web", "category:server_error", 50, 140, 4));
    assertThat(find(attribute(facts(fixed, actions, 0, 140)), "db-b", "restart").verdict()).isNotEqualTo(Attributor.MISLEADING);
  }

  @Test
  void aReplicaRestartedAMinuteAndAHalfBeforeTheRevertThatFixedItChangedNothing() {
    // db-b's replication fails from t=0, db-b restarted at t=70 (the clients' 5xx of its restart end at t=80), its
    // setting reverted at t=160 and the fault stopped at t=170: within the restart's grace, but the fault was back
    // for a minute and a half after the restart and stopped only after the revert
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-b", "category:replication_fault", 0, 170, 40),
        anomaly("db-b", "error_ratio", 0, 170, 50), anomaly("web", "category:server_error", 70, 80, 4));
    Facts.Action revert = new Facts.Action("ev-rv", at(160), "db-b", "revert", "c-rv", "revert c-conn", "c-conn",
        "primary_conninfo", "port=5432", "dba");
    List<Facts.Action> actions = List.of(change("c-conn", -2, "db-b", "config_change", "primary_conninfo", "port=6543"),
        action("bounce", 70, "db-b", "restart"), revert);
    Attributor.Hypothesis bounce = find(attribute(facts(anomalies, actions, 0, 170)), "db-b", "restart");
    assertThat(bounce.verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(bounce.explanation()).contains("changed nothing", "db-b's replication fault stayed anomalous for 90 s", "c-rv");
  }

  /**
   * cart-svc: a flag at t=-20, a release at t=0; its connections run out from t=120 (the service's pool and web's
   * errors). A restart of cart-svc at t=235; the errors stop at t=240 and come back at {@code back}. Without
   * {@code release}, the flag alone.
   */
  private static Attributor.Result leakRestartedAt235(int back, boolean release) {
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:connection_saturation", 120, 240, 40),
        anomaly("cart-svc", "category:connection_saturation", back, 420, 40), anomaly("web", "error_ratio", 120, 240, 70),
        anomaly("web", "error_ratio", back, 420, 66), anomaly("cart-svc", "category:server_error", 130, 410, 2));
    List<Facts.Action> actions = new ArrayList<>(List.of(change("f-1", -20, "cart-svc", "config_change", "feature.recommendations", "on"),
        action("r-1", 235, "cart-svc", "restart")));
    if (release) {
      actions.add(change("d-1", 0, "cart-svc", "deploy", "version", "v2.4.0"));
    }
    return attribute(facts(anomalies, actions, 120, 420));
  }

  @Test
  void aFaultThatCameBackOnItsOwnMinutesAfterARestartIsALeakInTheReleaseNotARestartItLead() {
    // free for 80 s, then the same errors again: state building up in the process, as a leak in new code does
    Attributor.Result r = leakRestartedAt235(320, true);
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("d-1");
    assertThat(r.hypotheses().get(0).explanation()).contains("came back on its own")
        .as("the flag came 20 s before the release").doesNotContain("came first");
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("test:relapse") && "ev-r-1".equals(e.eventId()));
    Attributor.Hypothesis restart = find(r, "cart-svc", "restart");
    assertThat(restart.verdict()).isNotEqualTo(Attributor.MISLEADING);
    assertThat(restart.explanation()).contains("helped for a while").contains("stopped at 08:04:00").contains("came back at 08:05:20");
    // the flag, first and on the same component, loses only by the relapse: without it the release does not win
    Attributor.Result back = leakRestartedAt235(280, true);
    assertThat(find(back, "cart-svc", "restart").verdict()).as("back within a minute: it changed nothing")
        .isEqualTo(Attributor.MISLEADING);
    assertThat(back.hypotheses().get(0).evidence()).noneMatch(e -> e.kind().equals("test:relapse"));
    assertThat(back.hypotheses().get(0).changeId()).isEqualTo("f-1");
    // no release of cart-svc: nothing a relapse could point at (a setting's effect may build up again), so the
    // restart changed nothing lasting
    Attributor.Result noRelease = leakRestartedAt235(320, false);
    assertThat(find(noRelease, "cart-svc", "restart").verdict()).isEqualTo(Attributor.MISLEADING);
    assertThat(find(noRelease, "cart-svc", "restart").evidence()).noneMatch(e -> e.kind().equals("test:relapse"));
  }

  @Test
  void aReleasesRestartLinesAreItsTraceNotThatOfAFlagTurnedOnAMinuteEarlier() {
    // a flag on cart-svc at t=-80, then a slow query on db-b at t=-60; cart-svc's release at t=5, rolled out by the
    // restart it logged at t=4, and its errors from then on. The restart lines of the window from t=0 are the
    // release's, 5 s away, not the flag's, 85 s away: they corroborate the release
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-b", "slow_query_p95_ms", -60, -50, 6),
        anomaly("cart-svc", "category:restart", 0, 10, 12), anomaly("cart-svc", "category:server_error", 0, 150, 30),
        anomaly("db-b", "category:app_exception", 0, 150, 30), anomaly("web", "error_ratio", 0, 150, 300));
    List<Facts.Action> actions = List.of(change("f-1", -80, "cart-svc", "config_change", "feature.recommendations", "on"),
        action("rollout", 4, "cart-svc", "restart"), change("d-1", 5, "cart-svc", "deploy", "version", "v2.0.0"));
    Attributor.Result r = attribute(facts(anomalies, actions, -60, 150));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("d-1");
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("logs") && e.detail().contains("cart-svc logged"));
    Attributor.Hypothesis flag = r.hypotheses().stream().filter(h -> "f-1".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(flag.evidence()).noneMatch(e -> e.kind().equals("logs"));
  }

  /**
   * A flag on cart-svc recorded at t=-4.3, its release recorded at {@code release} and rolled out by the restart
   * cart-svc logged 0.6 s before; cart-svc's first failure at {@code firstFailure}. With the release at t=2.6 all is
   * in the window from t=0, and the clock-skew tolerance cannot tell the two changes apart.
   */
  private static Attributor.Result flagThenRelease(double firstFailure, String flagParameter, double release) {
    int rolloutWindow = (int) Math.floor((release - 0.6) / 10) * 10;
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:restart", rolloutWindow, rolloutWindow + 10, 12),
        anomaly("cart-svc", "category:server_error", 0, 600, 30), anomaly("db-a", "category:app_exception", 0, 600, 30),
        anomaly("web", "error_ratio", 0, 600, 300));
    List<Facts.Action> actions = List.of(change("f-1", -4.3, "cart-svc", "config_change", flagParameter, "on"),
        new Facts.Action("ev-rollout", at(release - 0.6), "cart-svc", "restart", null,
            "cart-svc v1.8 shutting down (signal 15)", null, null, null, null),
        change("d-1", release, "cart-svc", "deploy", "version", "v1.9"));
    List<Facts.Line> lines = List.of(
        new Facts.Line("ev-rollout", at(release - 0.6), "cart-svc", "restart", "shutdown", null, "cart-svc v1.8 shutting down (signal 15)"),
        new Facts.Line("l-db", at(Math.floor(firstFailure)), "db-a", "app_exception", "sql_error", null,
            "column \"order_id\" does not exist"),
        new Facts.Line("l-first", at(firstFailure), "cart-svc", "server_error", "http_5xx", null,
            "ERROR: column \"order_id\" does not exist"));
    return attribute(new Facts("inc-x", at(0), at(600), "high", anomalies, actions, List.of(), 10_000_000L, lines));
  }

  @Test
  void whenTheFirstFailureCameOnlyOnceALaterReleaseWasRolledOutTheReleaseTakesItFromTheFlag() {
    Attributor.Result r = flagThenRelease(2.7, "feature.recommendations", 2.6);
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.changeId()).isEqualTo("d-1");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("test:first_failure") && e.eventId().equals("l-first")
        && e.detail().contains("0.7 s after it was put into effect"));
    Attributor.Hypothesis flag = r.hypotheses().stream().filter(h -> "f-1".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(flag.verdict()).isNotEqualTo(Attributor.ROOT_CAUSE);
    assertThat(flag.evidence()).anyMatch(e -> e.kind().equals("test:superseded") && e.eventId().equals("l-first")
        && e.detail().contains("deploy d-1 on cart-svc"));
  }

  @Test
  void aWindowsTraceBelongsToTheActionInsideItNotToOneSecondsBeforeItsStart() {
    // restart lines counted in the window from t=0: a flag recorded 1.5 s before the window began is farther from it
    // than the rollout logged 8 s into it
    long window = 10_000_000L;
    assertThat(Attributor.fromWindow(at(8), at(0), window)).isZero();
    assertThat(Attributor.fromWindow(at(-1.5), at(0), window)).isEqualTo(1_500_000L);
    assertThat(Attributor.fromWindow(at(12), at(0), window)).isEqualTo(2_000_001L);
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:restart", 0, 10, 12),
        anomaly("cart-svc", "category:server_error", 0, 600, 30), anomaly("web", "error_ratio", 0, 600, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("f-1", -1.5, "cart-svc", "config_change",
        "feature.recommendations", "on"), action("rollout", 8, "cart-svc", "restart"),
        change("d-1", 8.5, "cart-svc", "deploy", "version", "v1.9")), 0, 600));
    Attributor.Hypothesis release = r.hypotheses().stream().filter(h -> "d-1".equals(h.changeId())).findFirst().orElseThrow();
    Attributor.Hypothesis flag = r.hypotheses().stream().filter(h -> "f-1".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(release.evidence()).anyMatch(e -> e.kind().equals("logs") && e.detail().contains("restart events"));
    assertThat(flag.evidence()).noneMatch(e -> e.kind().equals("logs"));
  }

  @Test
  void ofTwoLaterReleasesTheOneRolledOutLastBeforeTheFirstFailureTakesIt() {
    // the flag at t=-4.3, a release rolled out at t=2.0 and a hotfix at t=19.4; nothing failed until t=19.8
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:restart", 0, 30, 12),
        anomaly("cart-svc", "category:server_error", 10, 600, 30), anomaly("web", "error_ratio", 10, 600, 300));
    List<Facts.Action> actions = List.of(change("f-1", -4.3, "cart-svc", "config_change", "feature.recommendations", "on"),
        action("r-1", 2.0, "cart-svc", "restart"), change("d-1", 2.6, "cart-svc", "deploy", "version", "v1.9"),
        action("r-2", 19.4, "cart-svc", "restart"), change("d-2", 20.0, "cart-svc", "deploy", "version", "v1.9.1"));
    List<Facts.Line> lines = List.of(new Facts.Line("l-first", at(19.8), "cart-svc", "server_error", "http_5xx", null,
        "ERROR: column \"order_id\" does not exist"));
    Attributor.Result r = attribute(new Facts("inc-x", at(10), at(600), "high", anomalies, actions, List.of(), 10_000_000L, lines));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("d-2");
    for (String earlier : List.of("f-1", "d-1")) {
      Attributor.Hypothesis h = r.hypotheses().stream().filter(x -> earlier.equals(x.changeId())).findFirst().orElseThrow();
      assertThat(h.evidence()).as(earlier).anyMatch(e -> e.kind().equals("test:superseded") && e.detail().contains("deploy d-2"));
    }
  }

  @Test
  void aFailureBeforeTheReleaseWasRolledOutSaysNothingAgainstTheFlagAndTheReleasesRolloutLineIsNotTheFlags() {
    // the service failed 1.5 s before the rollout began: the release cannot take that from the flag
    Attributor.Result near = flagThenRelease(0.5, "feature.recommendations", 2.6);
    Attributor.Hypothesis flag = near.hypotheses().stream().filter(h -> "f-1".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(flag.evidence()).noneMatch(e -> e.kind().equals("test:superseded"));
    // released a minute into the flag's failures: the flag is the cause, and the rollout's line within two minutes of
    // it is the release's trace, which the flag does not cite as its own
    Attributor.Result far = flagThenRelease(0.5, "feature.recommendations", 60);
    Attributor.Hypothesis root = far.hypotheses().get(0);
    assertThat(root.changeId()).isEqualTo("f-1");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("line") && e.eventId().equals("l-first"));
    assertThat(root.evidence()).noneMatch(e -> "ev-rollout".equals(e.eventId()));
  }

  @Test
  void aSettingThatTakesEffectOnlyAtARestartIsAppliedByTheReleasesRolloutToo() {
    // max_connections is read at start: the rollout's restart applied it as much as the release, so the first
    // failure coming after that restart says nothing against it
    Attributor.Result r = flagThenRelease(2.7, "max_connections", 2.6);
    Attributor.Hypothesis setting = r.hypotheses().stream().filter(h -> "f-1".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(setting.evidence()).noneMatch(e -> e.kind().equals("test:superseded"));
  }

  @Test
  void aChangeThatLostSaysHowMuchItExplainsNotThatItExplainsNothing() {
    // two changes explain the pile-up; the later one, seconds before it, wins; the earlier one explains part of it
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-early", -420, "db-a", "config_change", "app.banner_text", "x"),
        change("c-late", -5, "db-a", "config_change", "synchronous_standby_names", "s9")), 0, 620));
    Attributor.Hypothesis early = r.hypotheses().stream().filter(h -> "c-early".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(early.verdict()).isEqualTo(Attributor.NOT_SUPPORTED);
    assertThat(early.explanation()).doesNotContain("explains none").contains("c-late").contains("scores higher");
  }

  @Test
  void aRestartBeforeTheIncidentBeganIsNoRestartItLead() {
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:lock_contention", 300, 600, 40),
        anomaly("web", "error_ratio", 310, 610, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(action("boot", 0, "db-a", "restart"),
        change("c-mig", 295, "db-a", "deploy", "schema_version", "7")), 300, 610));
    assertThat(find(r, "db-a", "restart").verdict()).isNotEqualTo(Attributor.MISLEADING);
  }

  /** The service's refused connections and failed requests from t=100, the edge's errors from t=110. */
  private static List<Facts.Anomaly> refusals() {
    return List.of(anomaly("cart-svc", "category:network", 100, 120, 6), anomaly("cart-svc", "category:server_error", 100, 120, 5),
        anomaly("web", "error_ratio", 110, 130, 50));
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 105, 109})
  void aReplicaRestartedBeforeAnySymptomIsTheCauseOfItsCallersRefusedConnections(int restartedAt) {
    // the replica restarted at some second of the 10-s window in which the service's refusals rose (the window starts
    // before the restart; the refusals' first line came after it): the refusals are the restart's, not a network fault
    Attributor.Result r = attribute(facts(refusals(), List.of(action("planned", restartedAt, "db-b", "restart")), 100, 130));
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.component() + " " + root.category()).as("%s", r.hypotheses()).isEqualTo("db-b restart");
    assertThat(root.verdict()).isEqualTo(Attributor.ROOT_CAUSE);
    assertThat(root.lead()).isNull();
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("timing") && e.detail().contains("before any symptom")
        && "ev-planned".equals(e.eventId()));
    assertThat(find(r, "cart-svc", "network").verdict()).isEqualTo(Attributor.SYMPTOM);
  }

  @Test
  void aServiceThatServedForMinutesAfterItsRestartDidNotCauseTheRefusalsThatCameLater() {
    // the service restarted at t=-20 and served for two minutes; the replica restarted at t=105
    Attributor.Result r = attribute(facts(refusals(), List.of(action("rolling", -20, "cart-svc", "restart"),
        action("planned", 105, "db-b", "restart")), 100, 130));
    assertThat(r.hypotheses().get(0).component()).as("%s", r.hypotheses()).isEqualTo("db-b");
    Attributor.Hypothesis rolling = find(r, "cart-svc", "restart");
    assertThat(rolling.verdict()).isNotEqualTo(Attributor.ROOT_CAUSE);
    assertThat(rolling.evidence()).anyMatch(e -> e.kind().equals("timing") && e.detail().startsWith("a quiet gap"));
    // alone, it still explains the refusals by the topology, but the gap leaves it far below what a restart at once scores
    Attributor.Result alone = attribute(facts(refusals(), List.of(action("rolling", -20, "cart-svc", "restart")), 100, 130));
    Attributor.Result atOnce = attribute(facts(refusals(), List.of(action("rolling", 100, "cart-svc", "restart")), 100, 130));
    assertThat(find(alone, "cart-svc", "restart").score()).isLessThan(find(atOnce, "cart-svc", "restart").score() - 0.1);
  }

  @Test
  void aRestartsChangeRecordStandsForItThoughTheServersWholeSecondLinesCameFirst() {
    Facts.Action line = new Facts.Action("ev-line", at(105), "db-b", "restart", null, "db-b logged \"Normal shutdown\"",
        null, null, null, null);
    Attributor.Result r = attribute(facts(refusals(), List.of(line, action("CHG-7", 105.7, "db-b", "restart")), 100, 130));
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.changeId()).as("%s", r.hypotheses()).isEqualTo("CHG-7");
    assertThat(root.evidence().stream().filter(e -> e.kind().equals("action")).map(Attributor.Evidence::eventId).toList())
        .containsExactly("ev-CHG-7", "ev-line");
  }

  @Test
  void aRestartedDatabasesColdCacheSlowsItsStatementsAfterTheRestart() {
    List<Facts.Anomaly> anomalies = new ArrayList<>(refusals());
    anomalies.add(anomaly("db-b", "category:overload", 130, 200, 10));
    Attributor.Result r = attribute(facts(anomalies, List.of(action("planned", 105, "db-b", "restart")), 100, 200));
    assertThat(r.hypotheses().get(0).category()).isEqualTo("restart");
    assertThat(find(r, "db-b", "overload").verdict()).as("%s", r.hypotheses()).isEqualTo(Attributor.SYMPTOM);
  }

  @ParameterizedTest
  @ValueSource(ints = {-20, -5, 0, 8})
  void theRequestsARestartItselfFailedAreItsDisruptionNotTheSymptomItAnswered(int offset) {
    // a routine restart of the service at t=100: the edge fails the requests that reach it while it starts (in the
    // restart's window, give or take the clocks); the replica's slowness that the incident is about begins at t=140
    List<Facts.Anomaly> anomalies = List.of(anomaly("web", "category:server_error", 100 + offset, 110 + offset, 20),
        anomaly("db-b", "category:overload", 140, 400, 30), anomaly("web", "latency_p95_ms", 150, 400, 25));
    Attributor.Result r = attribute(facts(anomalies, List.of(action("routine", 100, "cart-svc", "restart")), 140, 400));
    assertThat(find(r, "cart-svc", "restart").verdict()).isNotEqualTo(Attributor.MISLEADING);
    assertThat(find(r, "cart-svc", "restart").lead()).isNull();
  }

  @Test
  void afterAChangeToWhatItCallsTheFailuresAtARestartMayBeTheChangesFirstEffectsAndTheRestartADetour() {
    // the same routine-looking restart and failures, but a minute after a change to the database the service calls:
    // those failures may as well be the change's, and the restart that did not end the incident is a detour
    List<Facts.Anomaly> anomalies = List.of(anomaly("web", "category:server_error", 100, 110, 20),
        anomaly("db-b", "category:connection_saturation", 140, 400, 30), anomaly("web", "latency_p95_ms", 150, 400, 25));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-conn", 40, "db-b", "config_change", "max_connections", "3"),
        action("oncall", 100, "cart-svc", "restart")), 140, 400));
    assertThat(find(r, "cart-svc", "restart").verdict()).as("%s", r.hypotheses()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void aRestartAfterItsCallersFailedForAMinuteIsStillADetour() {
    // the same edge errors, begun a minute before the restart: the restart answered them and the incident went on
    List<Facts.Anomaly> anomalies = List.of(anomaly("web", "category:server_error", 40, 400, 20),
        anomaly("db-b", "category:overload", 30, 400, 30), anomaly("web", "latency", 40, 400, 25));
    Attributor.Result r = attribute(facts(anomalies, List.of(action("oncall", 100, "cart-svc", "restart")), 30, 400));
    assertThat(find(r, "cart-svc", "restart").verdict()).isEqualTo(Attributor.MISLEADING);
  }

  @Test
  void oneComponentSaysTheDatabaseIsOverloadedOnceHoweverManyOfItsSignalsSayIt() {
    Attributor.Result r = attribute(facts(pileUp(), List.of(change("c-sync", -5, "db-a", "config_change", "synchronous_standby_names", "s9")),
        0, 620));
    List<Attributor.Hypothesis> leads = r.hypotheses().stream()
        .filter(h -> h.verdict().equals(Attributor.MISLEADING) && h.component().equals("db-a")).toList();
    assertThat(leads).extracting(Attributor.Hypothesis::category).containsExactly("connection_saturation");
    // its explanation dates it from the root cause it is called a consequence of, not from another signal
    assertThat(leads.get(0).explanation()).contains("after config change c-sync").doesNotContain("after replication fault");
    assertThat(find(r, "db-a", "overload").verdict()).isEqualTo(Attributor.SYMPTOM);
  }

  @Test
  void aRevertIsCreditedWhenTheErrorsRecoverEvenIfTheStackIsShutDownLater() {
    // errors and latency recover 40 s after the revert; the whole stack's shutdown logs come 5 minutes later
    List<Facts.Anomaly> anomalies = new ArrayList<>(pileUp().stream()
        .map(a -> new Facts.Anomaly(a.id(), a.component(), a.signal(), a.onset(), a.peak(), at(640), a.peakValue(), 0, a.score()))
        .toList());
    anomalies.add(anomaly("db-a", "category:restart", 940, 960, 50));
    Facts.Action revert = new Facts.Action("ev-rv", at(600), "db-a", "revert", "c-rv", "revert c-sync", "c-sync",
        "synchronous_standby_names", "", "dba");
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-sync", -5, "db-a", "config_change",
        "synchronous_standby_names", "s9"), revert, action("stop-all", 940, "db-a", "restart")), 0, 960));
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("remediation") && e.detail().contains("recovered"));
  }

  @Test
  void theRootCauseCitesTheLinesADbaWouldReadWithTheirEventIds() {
    List<Facts.Line> lines = List.of(
        new Facts.Line("l-param", at(-4), "db-a", "config_change", "setting", null, "parameter \"synchronous_standby_names\" changed to \"s9\""),
        new Facts.Line("l-wait", at(2), "db-a", "replication_fault", "sync_commit_wait", 1500.0, "duration: 1500 ms  statement: COMMIT"),
        new Facts.Line("l-timeout", at(21), "cart-svc", "timeout", null, null, "request timed out"),
        new Facts.Line("l-slow", at(590), "db-a", "replication_fault", "sync_commit_wait", 598000.0, "duration: 598000 ms  statement: COMMIT"));
    Facts f = new Facts("inc-x", at(0), at(620), "high", pileUp(),
        List.of(change("c-sync", -5, "db-a", "config_change", "synchronous_standby_names", "s9")), List.of(), 10_000_000L, lines);
    Attributor.Hypothesis root = attribute(f).hypotheses().get(0);
    assertThat(root.evidence()).filteredOn(e -> e.kind().equals("line")).extracting(Attributor.Evidence::eventId)
        .contains("l-param", "l-wait", "l-timeout", "l-slow");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("line") && e.detail().contains("598.0 s"));
  }

  @Test
  void slowStatementsOnAReplicaAreASymptomNotTheDatabaseIsOverloaded() {
    // the same slow statements on the primary are the classic lead; on its replica they are not
    List<Facts.Anomaly> anomalies = new ArrayList<>(pileUp());
    anomalies.add(anomaly("db-b", "slow_query_p95_ms", 20, 600, 20));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-1", -5, "db-a", "config_change",
        "synchronous_standby_names", "FIRST 1 (db_c)")), 0, 620));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-1");
    assertThat(find(r, "db-a", "overload").verdict()).isIn(Attributor.MISLEADING, Attributor.SYMPTOM);
    assertThat(find(r, "db-b", "overload").verdict()).isEqualTo(Attributor.SYMPTOM);
    assertThat(TOPOLOGY.replica("db-b")).isTrue();
    assertThat(TOPOLOGY.replica("db-a")).isFalse();
    assertThat(TOPOLOGY.replica("cart-svc")).isFalse();
  }

  @Test
  void aMemorySettingCannotExplainACrashWithoutMemoryRunningOut() {
    // work_mem raised two minutes before the server was killed: nothing ran out of memory, so the setting cannot have
    // brought it down; with "out of memory" lines it could
    List<Facts.Anomaly> crash = List.of(anomaly("db-a", "crashes", 0, 300, 4),
        anomaly("cart-svc", "category:network", 0, 300, 30), anomaly("web", "error_ratio", 10, 300, 200));
    Attributor.Result r = attribute(facts(crash, List.of(change("c-mem", -120, "db-a", "config_change", "work_mem", "16MB")), 0, 300));
    Attributor.Hypothesis mem = r.hypotheses().stream().filter(h -> "c-mem".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(mem.evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("cannot produce"));

    List<Facts.Anomaly> oom = new ArrayList<>(crash);
    oom.add(anomaly("db-a", "category:resource_exhaustion", -30, 300, 10));
    Attributor.Result withOom = attribute(facts(oom, List.of(change("c-mem", -120, "db-a", "config_change", "work_mem", "16MB")), -30, 300));
    Attributor.Hypothesis memOom = withOom.hypotheses().stream().filter(h -> "c-mem".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(memOom.evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("produces what the incident shows"));
  }

  @Test
  void aMemorySettingCannotFillADisk() {
    // work_mem raised two minutes before WAL archiving failed and its volume filled: the primary ran out of disk,
    // not memory, so the setting cannot have done it; the full disk is the cause. The same change beside memory
    // running out could (its lines say which resource ran out).
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:resource_exhaustion", 0, 400, 30),
        anomaly("db-a", "crashes", 20, 400, 4), anomaly("db-b", "category:replication_fault", 30, 400, 10),
        anomaly("cart-svc", "category:network", 30, 400, 30), anomaly("web", "error_ratio", 30, 400, 200));
    List<Facts.Action> actions = List.of(change("c-mem", -110, "db-a", "config_change", "work_mem", "16MB"));
    List<Facts.Line> disk = List.of(
        new Facts.Line("l-1", at(1), "db-a", "resource_exhaustion", "wal_archiving", null, "archive command failed with exit code 1"),
        new Facts.Line("l-2", at(15), "db-a", "resource_exhaustion", "disk_full", null,
            "could not write to file \"pg_wal/xlogtemp.81\": No space left on device"));
    Attributor.Result r = attribute(new Facts("inc-x", at(0), at(400), "high", anomalies, actions, List.of(), 10_000_000L, disk));
    assertThat(r.hypotheses().get(0).category()).isEqualTo("resource_exhaustion");
    Attributor.Hypothesis mem = r.hypotheses().stream().filter(h -> "c-mem".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(mem.verdict()).isNotEqualTo(Attributor.ROOT_CAUSE);
    assertThat(mem.evidence()).anyMatch(e -> e.kind().equals("test:parameter")
        && e.detail().contains("cannot produce") && e.detail().contains("disk_full, wal_archiving"));

    List<Facts.Line> memory = List.of(new Facts.Line("l-3", at(1), "db-a", "resource_exhaustion", "memory", null,
        "out of memory"));
    Attributor.Result oom = attribute(new Facts("inc-x", at(0), at(400), "high", anomalies, actions, List.of(), 10_000_000L, memory));
    Attributor.Hypothesis memOom = oom.hypotheses().stream().filter(h -> "c-mem".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(memOom.evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("produces what the incident shows"));
  }

  @Test
  void aPlannerSettingCannotExplainTimeoutsThatFollowLockWaits() {
    // a planner cost changed 23 s before a migration took its lock (8 s into the window of the first lock waits); the
    // statement timeouts that follow are the lock waits' doing: a planner setting can slow queries into timeouts, but
    // it cannot make them wait on locks
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-a", "category:lock_contention", 0, 300, 40),
        anomaly("db-a", "category:timeout", 10, 300, 30), anomaly("cart-svc", "category:timeout", 10, 300, 30),
        anomaly("web", "error_ratio", 10, 300, 200));
    List<Facts.Action> actions = List.of(change("c-plan", -15, "db-a", "config_change", "random_page_cost", "1.1"),
        change("d-mig", 8, "db-a", "deploy", "schema_version", "42"));
    Attributor.Result r = attribute(facts(anomalies, actions, 0, 300));
    Attributor.Hypothesis plan = r.hypotheses().stream().filter(h -> "c-plan".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(plan.evidence()).anyMatch(e -> e.kind().equals("test:parameter")
        && e.detail().contains("cannot produce") && e.detail().contains("followed from lock contention on db-a"));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("d-mig");

    // without the lock waits the same timeouts are what a planner setting can produce
    Attributor.Result alone = attribute(facts(anomalies.subList(1, 4), List.of(actions.get(0)), 10, 300));
    Attributor.Hypothesis planAlone = alone.hypotheses().stream().filter(h -> "c-plan".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(planAlone.evidence()).anyMatch(e -> e.kind().equals("test:parameter") && e.detail().contains("produces what the incident shows"));
  }

  @Test
  void aReleasesBrokenStatementsAndItsRolloutsResetConnectionsOnTheDatabaseAreTheReleases() {
    // cart-svc's release at t=2: its rollout cut its connections (the replica logs them reset, in the window from t=0)
    // and its new statements fail on the replica ("column does not exist")
    List<Facts.Anomaly> anomalies = List.of(anomaly("db-b", "category:network", 0, 60, 30),
        anomaly("db-b", "category:app_exception", 0, 300, 40), anomaly("cart-svc", "category:server_error", 0, 300, 30),
        anomaly("web", "error_ratio", 10, 300, 300));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("d-1", 2, "cart-svc", "deploy", "version", "v1.9.0")), 0, 300));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("d-1");
    assertThat(find(r, "db-b", "network").verdict()).isEqualTo(Attributor.SYMPTOM);
    assertThat(find(r, "db-b", "app_exception").verdict()).isEqualTo(Attributor.SYMPTOM);
  }

  @Test
  void aServiceSeeingStaleReadsFirstIsObservingItsReplicaWhoseFaultItIs() {
    // cart-svc reads stale rows two minutes before db-b's own log says anything about replication
    List<Facts.Line> lines = List.of(
        new Facts.Line("l-stale", at(3), "cart-svc", "replication_fault", "replica_lag", null, "stale read from replica"),
        new Facts.Line("l-lag", at(125), "db-b", "replication_fault", null, null, "replication stopped"));
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:replication_fault", 0, 600, 30),
        anomaly("db-b", "category:replication_fault", 120, 600, 3),
        anomaly("db-b", "error_ratio", 120, 600, 5),
        anomaly("cart-svc", "category:timeout", 140, 620, 25),
        anomaly("web", "error_ratio", 150, 620, 400));
    Attributor.Result r = attribute(new Facts("inc-x", at(0), at(620), "high", anomalies, List.of(), List.of(), 10_000_000L, lines));
    Attributor.Hypothesis root = r.hypotheses().get(0);
    assertThat(root.component()).isEqualTo("db-b");
    assertThat(root.category()).isEqualTo("replication_fault");
    assertThat(root.onset()).isEqualTo(at(0));
    assertThat(root.explanation()).contains("first seen by cart-svc");
    assertThat(root.evidence()).anyMatch(e -> e.kind().equals("observed") && e.detail().contains("2 min before db-b"));
    assertThat(root.evidence()).filteredOn(e -> e.kind().equals("line")).extracting(Attributor.Evidence::eventId).contains("l-stale");
    assertThat(r.hypotheses()).noneMatch(h -> h.component().equals("cart-svc") && h.category().equals("replication_fault"));
  }

  @Test
  void anObservationStaysItsOwnWhenNoOrSeveralDatabasesItCallsShowTheFault() {
    List<Facts.Anomaly> none = List.of(anomaly("cart-svc", "category:lock_contention", 0, 600, 30),
        anomaly("cart-svc", "category:timeout", 20, 620, 25));
    assertThat(attribute(facts(none, List.of(), 0, 620)).hypotheses().get(0).component()).isEqualTo("cart-svc");
    List<Facts.Anomaly> both = List.of(anomaly("cart-svc", "category:replication_fault", 0, 600, 30),
        anomaly("db-a", "category:replication_fault", 60, 600, 20),
        anomaly("db-b", "category:replication_fault", 90, 600, 20));
    Attributor.Result r = attribute(facts(both, List.of(), 0, 620));
    assertThat(find(r, "cart-svc", "replication_fault").onset()).isEqualTo(at(0));
    assertThat(find(r, "db-a", "replication_fault").onset()).isEqualTo(at(60));
  }

  @Test
  void aServiceQuotingItsDatabasesFullDiskObservesTheDatabase() {
    // cart-svc's driver reports the database's "table is full" a minute before db-a's own log says its disk is full
    List<Facts.Line> lines = List.of(
        new Facts.Line("l-quoted", at(2), "cart-svc", "resource_exhaustion", null, null,
            "java.sql.SQLException: The table 'orders' is full"),
        new Facts.Line("l-disk", at(65), "db-a", "resource_exhaustion", null, null, "Disk is full writing './binlog.000042'"));
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:resource_exhaustion", 0, 600, 30),
        anomaly("db-a", "category:resource_exhaustion", 60, 600, 3),
        anomaly("cart-svc", "category:timeout", 20, 620, 25),
        anomaly("web", "error_ratio", 30, 620, 400));
    Attributor.Result r = attribute(new Facts("inc-x", at(0), at(620), "high", anomalies, List.of(), List.of(), 10_000_000L, lines));
    assertThat(r.hypotheses().get(0).component()).isEqualTo("db-a");
    assertThat(r.hypotheses().get(0).explanation()).contains("first seen by cart-svc");
    assertThat(r.hypotheses()).noneMatch(h -> h.component().equals("cart-svc") && h.category().equals("resource_exhaustion"));
  }

  @Test
  void aServiceRunningOutOfItsOwnResourcesOrLosingItsNetworkPathIsNoObservationOfTheDatabase() {
    // its own memory (no database client quoted), and a refused connection quoted from the driver: the path is the
    // client's as much as the server's
    List<Facts.Line> lines = List.of(
        new Facts.Line("l-oom", at(2), "cart-svc", "resource_exhaustion", null, null, "java.lang.OutOfMemoryError: Java heap space"),
        new Facts.Line("l-refused", at(3), "cart-svc", "network", null, null,
            "org.postgresql.util.PSQLException: Connection to db-a:5432 refused"));
    List<Facts.Anomaly> anomalies = List.of(anomaly("cart-svc", "category:resource_exhaustion", 0, 600, 30),
        anomaly("cart-svc", "category:network", 0, 600, 30),
        anomaly("db-a", "category:resource_exhaustion", 60, 600, 3),
        anomaly("db-a", "category:network", 60, 600, 3));
    Attributor.Result r = attribute(new Facts("inc-x", at(0), at(620), "high", anomalies, List.of(), List.of(), 10_000_000L, lines));
    assertThat(find(r, "cart-svc", "resource_exhaustion").onset()).isEqualTo(at(0));
    assertThat(find(r, "cart-svc", "network").onset()).isEqualTo(at(0));
    assertThat(find(r, "db-a", "resource_exhaustion").onset()).isEqualTo(at(60));
  }

  /** A first burst of timeouts and errors from t=0, over by t=20 (the service healthy again). */
  private static List<Facts.Anomaly> burstOverBy20() {
    return List.of(anomaly("cart-svc", "category:timeout", 0, 20, 12), anomaly("web", "error_ratio", 0, 20, 25));
  }

  @Test
  void aChangeMadeAfterABurstWasOverIsNotItsCauseEvenWithinTheClocksTolerance() {
    // the flag came 8 s after the last window of the burst: within the 30-s clock-skew tolerance of its start, but a
    // setting that stays in place does not cause errors that had already stopped
    Attributor.Result r = attribute(facts(burstOverBy20(), List.of(change("c-flag", 28, "cart-svc", "config_change",
        "feature.recommendations", "on")), 0, 20));
    Attributor.Hypothesis flag = r.hypotheses().stream().filter(h -> "c-flag".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(r.hypotheses().get(0).changeId()).isNull();
    assertThat(flag.verdict()).isEqualTo(Attributor.NOT_SUPPORTED);
    assertThat(flag.explanation()).contains("explains none");
  }

  @Test
  void aChangeIsCreditedWithTheBurstThatCameAfterItNotTheOneBefore() {
    // the same burst, then a migration at 44 and the timeouts and errors again from 90
    List<Facts.Anomaly> anomalies = new ArrayList<>(burstOverBy20());
    anomalies.add(anomaly("cart-svc", "category:timeout", 90, 400, 14));
    anomalies.add(anomaly("web", "error_ratio", 90, 400, 40));
    Attributor.Result r = attribute(facts(anomalies, List.of(change("c-mig", 44, "db-a", "deploy", "schema_version", "58")), 0, 400));
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-mig");
    Attributor.Hypothesis timeout = find(r, "cart-svc", "timeout");
    assertThat(timeout.verdict()).isEqualTo(Attributor.SYMPTOM);
    assertThat(timeout.explanation()).contains("began again at 08:01:30 (a first burst from 08:00:00 was over before it)")
        .contains("46 s after deploy c-mig");
    assertThat(r.hypotheses().get(0).evidence()).anyMatch(e -> e.kind().equals("timing") && e.detail().contains("within 56 s"));
  }

  /**
   * The replica db-b slow since before both changes (its searches); a feature flag on cart-svc recorded 8 s before a
   * migration on db-a; 2 s after the migration a statement template never slow before shows in db-b's slow log,
   * reading {@code table}. Both changes explain the same timeouts by timing and topology alone.
   */
  private static Attributor.Result flagThenMigration(String table, double templateFirstAt) {
    String tmpl = "t-new";
    List<Facts.Anomaly> anomalies = List.of(
        new Facts.Anomaly("a1", "db-b", "category:overload", at(-60), at(-50), at(300), 26, 0, 26, null),
        new Facts.Anomaly("a2", "db-b", "template:t-old", at(-60), at(-50), at(300), 13, 0, 13, "overload"),
        new Facts.Anomaly("a3", "db-b", "template:" + tmpl, at(0), at(10), at(300), 19, 0, 19, "overload"),
        new Facts.Anomaly("a4", "db-b", "category:timeout", at(0), at(10), at(300), 5, 0, 5, null),
        new Facts.Anomaly("a5", "cart-svc", "category:timeout", at(0), at(10), at(300), 5, 0, 5, null),
        new Facts.Anomaly("a6", "web", "error_ratio", at(30), at(40), at(300), 9, 0, 9, null));
    List<Facts.Action> actions = List.of(
        new Facts.Action("ev-flag", at(-9.5), "cart-svc", "config_change", "c-flag", "enable recommendations for 5% of users",
            null, "feature.recommendations", "on", "ci"),
        new Facts.Action("ev-mig", at(-1.5), "db-a", "deploy", "c-mig", "migration 0058: drop unused index orders_customer_idx",
            null, "schema_version", "58", "ci"));
    Map<String, Facts.Line> firsts = Map.of(tmpl, new Facts.Line("ev-slow", at(templateFirstAt), "db-b", "overload",
        "slow_query", 1610.0, "duration: 1610.095 ms  statement: SELECT id, status FROM " + table
            + " WHERE customer_id = 27724 ORDER BY id DESC LIMIT 20"));
    return attribute(new Facts("inc-x", at(-60), at(300), "high", anomalies, actions, List.of(), 10_000_000L, List.of(),
        Long.MAX_VALUE, firsts));
  }

  @Test
  void aMigrationNamingTheTableOfTheStatementsThatTurnedSlowRightAfterItOutranksAFlagJustBeforeIt() {
    Attributor.Result r = flagThenMigration("orders", 0.1);
    Attributor.Hypothesis top = r.hypotheses().get(0);
    assertThat(top.changeId()).isEqualTo("c-mig");
    assertThat(top.evidence()).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo("test:object");
      assertThat(e.eventId()).isEqualTo("ev-slow");
      assertThat(e.detail()).contains("orders").contains("c-mig").contains("1 s after it").contains("WHERE customer_id");
    });
    Attributor.Hypothesis flag = r.hypotheses().stream().filter(h -> "c-flag".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(flag.evidence()).noneMatch(e -> e.kind().equals("test:object"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"payments", "too_early"})
  void statementsOnAnotherTableOrSlowBeforeTheMigrationSayNothingForIt(String variant) {
    // another table; or the same table's statements already slow a minute before the change (beyond the tolerance)
    Attributor.Result with = flagThenMigration("orders", 0.1);
    Attributor.Result without = variant.equals("payments") ? flagThenMigration("payments", 0.1) : flagThenMigration("orders", -45);
    assertThat(without.hypotheses()).allSatisfy(h -> assertThat(h.evidence()).noneMatch(e -> e.kind().equals("test:object")));
    double scoreWith = with.hypotheses().stream().filter(h -> "c-mig".equals(h.changeId())).findFirst().orElseThrow().score();
    double scoreWithout = without.hypotheses().stream().filter(h -> "c-mig".equals(h.changeId())).findFirst().orElseThrow().score();
    assertThat(scoreWith - scoreWithout).isCloseTo(KNOWLEDGE.scoring().test("object_named"), org.assertj.core.data.Offset.offset(0.002));
  }

  /**
   * The edge's own timeout setting cut below the service's answer time, seconds after a planner setting changed on
   * the database: the edge's timeouts and errors begin at once; the service between logs nothing anomalous unless
   * {@code serviceFailed}.
   */
  private static Attributor.Result edgeTimeoutAfterAPlannerSetting(boolean serviceFailed, boolean edgeChange) {
    List<Facts.Anomaly> anomalies = new java.util.ArrayList<>(List.of(anomaly("web", "category:timeout", 0, 240, 30),
        anomaly("web", "error_ratio", 0, 240, 200), anomaly("web", "latency_p95_ms", 0, 240, 20)));
    if (serviceFailed) {
      anomalies.add(anomaly("cart-svc", "category:timeout", 0, 240, 25));
    }
    List<Facts.Action> actions = new java.util.ArrayList<>(List.of(
        change("c-db", -14, "db-a", "config_change", "effective_cache_size", "6GB")));
    if (edgeChange) {
      actions.add(change("c-edge", 2.5, "web", "config_change", "proxy_read_timeout", "80ms"));
    }
    return attribute(facts(anomalies, actions, 0, 240));
  }

  @Test
  void aChangeWhoseEffectWouldHaveCrossedAServiceThatLoggedNothingLosesToTheChangeOnTheFailingComponent() {
    Attributor.Result r = edgeTimeoutAfterAPlannerSetting(false, true);
    assertThat(r.hypotheses().get(0).changeId()).isEqualTo("c-edge");
    Attributor.Hypothesis db = r.hypotheses().stream().filter(h -> "c-db".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(db.evidence()).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo("test:path");
      assertThat(e.eventId()).isEqualTo("ev-c-db");
      assertThat(e.detail()).contains("timeout on web").contains("through cart-svc").contains("config change c-edge on web");
    });
    assertThat(db.score()).isLessThan(r.hypotheses().get(0).score() - 0.1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"service failed too", "no other change"})
  void aChangeKeepsWhatItExplainsFarAwayWhenThePathShowsItOrNothingElseExplainsIt(String variant) {
    boolean serviceFailed = variant.equals("service failed too");
    Attributor.Result r = edgeTimeoutAfterAPlannerSetting(serviceFailed, serviceFailed);
    assertThat(r.hypotheses()).allSatisfy(h -> assertThat(h.evidence()).noneMatch(e -> e.kind().equals("test:path")));
    Attributor.Hypothesis db = r.hypotheses().stream().filter(h -> "c-db".equals(h.changeId())).findFirst().orElseThrow();
    assertThat(find(r, "web", "timeout").verdict()).isIn("SYMPTOM", "MISLEADING");
    assertThat(db.evidence()).anyMatch(e -> e.kind().equals("explains") && !e.detail().startsWith("explains 0 "));
  }

  @Test
  void aSymptomLeftAtTheTopWithNothingBehindItInTheLogsIsNoConfidentCause() {
    // the edge times out and errs, nothing else shows and no change is recorded: the timeouts are the best candidate
    // left, not a cause the logs show
    Attributor.Result bare = edgeTimeoutAfterAPlannerSetting(false, false);
    Attributor.Result symptomOnly = attribute(facts(List.of(anomaly("web", "category:timeout", 0, 240, 30),
        anomaly("web", "error_ratio", 0, 240, 200)), List.of(), 0, 240));
    Attributor.Hypothesis top = symptomOnly.hypotheses().get(0);
    assertThat(top.category()).isEqualTo("timeout");
    assertThat(top.confidence()).isLessThanOrEqualTo(KNOWLEDGE.prior("timeout") / KNOWLEDGE.scoring().causePrior() + 1e-9);
    // a change at the top keeps the confidence its lead over the others gives it
    assertThat(bare.hypotheses().get(0).changeId()).isEqualTo("c-db");
    assertThat(bare.hypotheses().get(0).confidence()).isGreaterThan(0.9);
  }
}
