package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalKnowledgeTest {
  private static final Topology TOPOLOGY = new Topology(Map.of("edge-1", List.of("svc"), "svc", List.of("db")),
      Map.of("edge-1", "edge", "svc", "service", "db", "database"));

  private static CausalKnowledge parse(String yaml) throws Exception {
    return CausalKnowledge.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
  }

  @Test
  void theBuiltInFileLoadsAndEveryEdgeCategoryHasAPrior() {
    CausalKnowledge k = CausalKnowledge.builtIn();
    assertThat(k.version()).isPositive();
    assertThat(k.edges()).isNotEmpty();
    assertThat(k.falseLeads()).extracting(CausalKnowledge.FalseLead::test).contains("precursor", "clients", "persisted");
    assertThat(k.kindOf(List.of("postgres"))).isEqualTo("database");
    assertThat(k.kindOf(List.of("access"))).isEqualTo("edge");
    assertThat(k.kindOf(List.of("changes"))).isEqualTo("other");
  }

  @Test
  void propagationFollowsRelationLagAndClockSkewTolerance() {
    CausalKnowledge k = CausalKnowledge.builtIn();
    // a database's replication fault reaches the service that calls it, not the other way round
    assertThat(k.propagates("replication_fault", "db", "timeout", "svc", 60, TOPOLOGY)).isTrue();
    assertThat(k.propagates("replication_fault", "svc", "timeout", "db", 60, TOPOLOGY)).isFalse();
    // an effect may begin a little before its cause (clocks disagree), not minutes before
    assertThat(k.propagates("replication_fault", "db", "timeout", "svc", -20, TOPOLOGY)).isTrue();
    assertThat(k.propagates("replication_fault", "db", "timeout", "svc", -120, TOPOLOGY)).isFalse();
    // nor hours after
    assertThat(k.propagates("timeout", "db", "errors", "svc", 7200, TOPOLOGY)).isFalse();
    // a component outside the topology relates only to itself
    assertThat(k.propagates("network", "db", "timeout", "elsewhere", 10, TOPOLOGY)).isFalse();
  }

  @Test
  void edgeKindsRestrictWhereAnEdgeHolds() {
    CausalKnowledge k = CausalKnowledge.builtIn();
    Topology t = new Topology(Map.of("svc", List.of("db")), Map.of("svc", "service", "db", "database"));
    assertThat(k.propagates("replication_fault", "svc", "replication_fault", "db", 10, t))
        .as("a service's stale reads do not break a database's replication").isFalse();
  }

  @Test
  void rejectsMalformedKnowledgeNamingTheField() {
    String base = "version: 1\nclock_skew_tolerance_seconds: 30\nkinds: {database: [postgres]}\npriors: {timeout: 0.1, errors: 0.1}\n"
        + SCORING;
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: sideways, to: [errors], lag: [0, 60]}]\n"))
        .hasMessageContaining("edges[0].relation").hasMessageContaining("sideways");
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: same, to: [meteor], lag: [0, 60]}]\n"))
        .hasMessageContaining("edges[0].to").hasMessageContaining("meteor");
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: same, to: [errors], lag: [60, 0]}]\n"))
        .hasMessageContaining("edges[0].lag");
    assertThatThrownBy(() -> parse(base + "false_leads: [{category: timeout, kind: any, lead: x, test: vibes}]\n"))
        .hasMessageContaining("false_leads[0].test");
    assertThatThrownBy(() -> parse(base.replace("contrast: 0.15", "contrast: -1")))
        .hasMessageContaining("scoring.weights.contrast");
    assertThatThrownBy(() -> parse(base.replace("precursor: -0.15, ", "")))
        .hasMessageContaining("scoring.tests.precursor");
    assertThatThrownBy(() -> parse(base.replace("spike_peak_seconds: 60", "spike_peak_seconds: -60")))
        .hasMessageContaining("scoring.spike_peak_seconds");
    assertThatThrownBy(() -> parse(base + "parameters: [{subsystem: a, names: [x_timeout], produces: [timeout]},"
        + " {subsystem: b, names: [X-Timeout], produces: [errors]}]\n"))
        .hasMessageContaining("parameters[1].names").hasMessageContaining("x_timeout").hasMessageContaining("under a");
    assertThatThrownBy(() -> parse(base + "parameters: [{subsystem: a, names: [x], produces: [meteor]}]\n"))
        .hasMessageContaining("parameters[0].produces").hasMessageContaining("meteor");
    assertThatThrownBy(() -> parse(base + "parameters: [{subsystem: a, names: [x], produces: [timeout], restart: [y]}]\n"))
        .hasMessageContaining("parameters[0].restart");
    assertThatThrownBy(() -> parse(base + "states: {meteor: database}\n")).hasMessageContaining("states")
        .hasMessageContaining("meteor");
    assertThatThrownBy(() -> parse(base + "states: {timeout: spaceship}\n")).hasMessageContaining("states.timeout")
        .hasMessageContaining("spaceship");
    assertThatThrownBy(() -> parse(base + "quoted: {kind: database, pattern: '(', categories: [timeout]}\n"))
        .hasMessageContaining("quoted.pattern");
    assertThatThrownBy(() -> parse(base + "quoted: {kind: database, pattern: x, categories: [meteor]}\n"))
        .hasMessageContaining("quoted.categories").hasMessageContaining("meteor");
  }

  @Test
  void databaseStateCategoriesBelongToDatabases() {
    CausalKnowledge k = CausalKnowledge.builtIn();
    assertThat(k.stateOf("replication_fault")).isEqualTo("database");
    assertThat(k.stateOf("lock_contention")).isEqualTo("database");
    assertThat(k.stateOf("timeout")).as("any component times out on its own account").isNull();
    // a database error quoted by its client library, wherever the service's log puts it; not the service's own
    assertThat(k.quoted().quotes(List.of("java.sql.SQLException: The table 'orders' is full",
        "org.postgresql.util.PSQLException: ERROR: could not extend file", "psycopg2.errors.DiskFull: could not write",
        "pymysql.err.OperationalError: (1114, \"The table 'orders' is full\")"))).isTrue();
    assertThat(k.quoted().quotes(List.of("java.lang.OutOfMemoryError: Java heap space"))).isFalse();
    assertThat(k.quoted().quotes(List.of("HikariPool-1 - Connection is not available, request timed out after 30000ms.")))
        .isFalse();
    assertThat(k.quoted().quotes(List.of())).isFalse();
    assertThat(k.quoted().categories()).doesNotContain("network");
  }

  static final String SCORING = "scoring:\n  weights: {coverage: 0.35, precedence: 0.20, prior: 0.30, contrast: 0.15}\n"
      + "  precedence_decay_seconds: 300\n  temperature: 0.03\n  lookback_seconds: 1800\n  same_action_seconds: 300\n  rollout_seconds: 15\n"
      + "  restart_grace_seconds: 120\n  kill_grace_seconds: 60\n  recovery_seconds: 600\n  spike_ratio: 1.3\n  spike_peak_seconds: 60\n  contributing_share: 0.75\n  cause_prior: 0.5\n"
      + "  tests: {revert_recovered: 0.3, revert_failed: -0.15, restart_persisted: -0.3, surge: 0.1, retry_storm: -0.15, "
      + "precursor: -0.15, parameter_matches: 0.1, parameter_cannot: -0.25, setting_outlived_fix: -0.3, relapse: 0.1}\n"
      + "timing: {fast_seconds: 120, decay_seconds: 300, slow_decay_seconds: 3600, interruption_decay_seconds: 60}\n";

  @Test
  void parametersAreFoundByTheirDocumentedNameWhateverTheSpelling() {
    CausalKnowledge k = CausalKnowledge.builtIn();
    assertThat(k.parameter("synchronous_standby_names").produces()).contains("replication_fault");
    assertThat(k.parameter("MAX_CONNECTIONS").subsystem()).isEqualTo("connections");
    assertThat(k.parameter("spring.datasource.hikari.maximum-pool-size").subsystem()).isEqualTo("connections");
    assertThat(k.parameter("work_mem").produces()).doesNotContain("connection_saturation", "replication_fault", "timeout");
    assertThat(k.parameter("feature.recommendations")).as("a setting the table does not know is neutral").isNull();
    assertThat(k.parameter(null)).isNull();
    // PostgreSQL applies max_connections only at start (context postmaster); synchronous_standby_names at a reload
    assertThat(k.parameter("max_connections").needsRestart("max_connections")).isTrue();
    assertThat(k.parameter("synchronous_standby_names").needsRestart("synchronous_standby_names")).isFalse();
  }

  @Test
  void theTimingModelTrustsQuickEffectsAndDoubtsAQuietGap() {
    CausalKnowledge.Timing t = CausalKnowledge.builtIn().timing();
    assertThat(t.likelihood(5, false)).isEqualTo(1.0);
    assertThat(t.likelihood(t.fastSeconds(), false)).isEqualTo(1.0);
    assertThat(t.likelihood(t.fastSeconds() + 600, false)).isLessThan(0.2);
    assertThat(t.likelihood(t.fastSeconds() + 600, true)).as("a slow mechanism (a volume filling)").isGreaterThan(0.8);
    assertThat(t.likelihood(300, false)).isGreaterThan(t.likelihood(600, false));
  }

  @Test
  void aRestartsEffectsBeginAtOnceAndMinutesOfServiceAfterItCountAgainstIt() {
    CausalKnowledge.Timing t = CausalKnowledge.builtIn().timing();
    assertThat(t.interruptionLikelihood(0)).isEqualTo(1.0);
    assertThat(t.interruptionLikelihood(10)).isGreaterThan(0.8);
    assertThat(t.interruptionLikelihood(120)).as("two minutes of service after it").isLessThan(0.2);
    assertThat(t.interruptionLikelihood(120)).as("a restart is judged faster than a setting").isLessThan(t.likelihood(120, false));
  }
}
