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
    String base = "version: 1\nclock_skew_tolerance_seconds: 30\nkinds: {database: [postgres]}\npriors: {timeout: 0.1, errors: 0.1}\n";
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: sideways, to: [errors], lag: [0, 60]}]\n"))
        .hasMessageContaining("edges[0].relation").hasMessageContaining("sideways");
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: same, to: [meteor], lag: [0, 60]}]\n"))
        .hasMessageContaining("edges[0].to").hasMessageContaining("meteor");
    assertThatThrownBy(() -> parse(base + "edges: [{from: timeout, relation: same, to: [errors], lag: [60, 0]}]\n"))
        .hasMessageContaining("edges[0].lag");
    assertThatThrownBy(() -> parse(base + "false_leads: [{category: timeout, kind: any, lead: x, test: vibes}]\n"))
        .hasMessageContaining("false_leads[0].test");
  }
}
