package org.logcause.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.logcause.attribution.core.Attributor;
import org.logcause.attribution.core.Facts;

/** The chart's plan (strips, onsets, markers, range) on a hand-built incident, and the files drawn from it. */
class IncidentChartTest {
  static final long S = 1_000_000L;
  static final long T0 = 1_718_892_000L * S; // 2024-06-20 14:00:00 UTC

  static Facts.Anomaly anomaly(String component, String signal, long onsetS, double score) {
    return new Facts.Anomaly(component + signal, component, signal, T0 + onsetS * S, T0 + (onsetS + 60) * S, T0 + 1800 * S, 10, 1, score);
  }

  static Attributor.Hypothesis hyp(int rank, String component, String category, String cause, String changeId, String verdict,
      long onsetS, String lead, List<String> signals) {
    return new Attributor.Hypothesis("inc-1", rank, component, category, cause, changeId, verdict, 1.0 / rank, 0.9,
        T0 + onsetS * S, "because", List.of(), lead, signals);
  }

  static Facts.Action action(long atS, String component, String type, String changeId, String reverts) {
    return new Facts.Action("e" + atS, T0 + atS * S, component, type, changeId, "text", reverts, null, null, null);
  }

  /** A change on the database causes replication waits; the app's traffic looks like an attack; a reboot. */
  static Attributor.Result result(List<Attributor.Hypothesis> extraSymptoms) {
    Attributor.Hypothesis rc = hyp(1, "db", "config_change", "c-1", "c-1", "ROOT_CAUSE", -60, null, List.of());
    Attributor.Hypothesis repl = hyp(2, "db", "replication_fault", "replication_fault", null, "SYMPTOM", 30, null,
        List.of("category:replication_fault", "template:abc"));
    Attributor.Hypothesis later = hyp(3, "db", "timeout", "timeout", null, "SYMPTOM", 90, null, List.of("category:timeout"));
    Attributor.Hypothesis traffic = hyp(4, "web", "traffic_spike", "traffic_spike", null, "MISLEADING", 200,
        "it is an attack (DDoS)", List.of("new_client_share", "requests", "retry_share"));
    Attributor.Hypothesis latency = hyp(5, "web", "latency", "latency", null, "SYMPTOM", 100, null,
        List.of("latency_p50_ms", "latency_p95_ms"));
    List<Attributor.Hypothesis> all = new ArrayList<>(List.of(rc, repl, later, traffic, latency));
    all.addAll(extraSymptoms);
    Attributor.Summary summary = new Attributor.Summary("inc-1", T0 + 60 * S, T0 + 1800 * S, List.of("db", "web"), "critical",
        rc, List.of(traffic), List.of());
    return new Attributor.Result(all, summary);
  }

  static Facts facts() {
    return new Facts("inc-1", T0 + 60 * S, T0 + 1800 * S, "critical",
        List.of(anomaly("db", "category:replication_fault", 30, 8), anomaly("db", "template:abc", 40, 9),
            anomaly("db", "category:timeout", 90, 5), anomaly("web", "requests", 200, 4),
            anomaly("web", "latency_p50_ms", 100, 50), anomaly("web", "latency_p95_ms", 110, 40)),
        List.of(action(-60, "db", "config_change", "c-1", null), action(1200, "db", "restart", null, null),
            action(1201, "db", "restart", null, null), action(1203, "db", "restart", "c-2", null),
            action(1700, "db", "config_change", "c-3", "c-1"), action(-7200, "db", "deploy", "c-0", null)),
        List.of());
  }

  @Test
  void rootCauseFirstThenMisleadingThenSymptomsByRank() {
    IncidentChart.Plan plan = IncidentChart.plan("shop", facts(), result(List.of()));
    assertThat(plan.keys()).extracting(k -> k.component() + " " + k.signal() + " " + k.role()).containsExactly(
        "db category:replication_fault root_cause", // the change has no signal: its earliest effect stands for it
        "web requests misleading", // requests, not the shares, for traffic
        "db category:timeout symptom",
        "web latency_p95_ms symptom"); // p95 for latency, though p50 scores higher
    assertThat(plan.keys().get(0).label()).isEqualTo("first effect of c-1");
    assertThat(plan.keys().get(0).onset()).isEqualTo(T0 + 30 * S);
    assertThat(plan.keys().get(1).label()).contains("it is an attack (DDoS)");
    assertThat(plan.subtitle()).contains("c-1 (config_change) on db", "0.90");
  }

  @Test
  void aHypothesisWithManySignalsShowsItsHighestScoringNamedOne() {
    Map<String, Facts.Anomaly> bySignal = new HashMap<>();
    for (Facts.Anomaly a : facts().anomalies()) bySignal.put(a.component() + "\u0000" + a.signal(), a);
    bySignal.put("db\u0000error_ratio", anomaly("db", "error_ratio", 30, 12));
    Attributor.Hypothesis h = hyp(2, "db", "replication_fault", "x", null, "SYMPTOM", 0, null,
        List.of("category:replication_fault", "template:abc"));
    assertThat(IncidentChart.pick(h, bySignal)).as("the template scores higher but has no name").isEqualTo("category:replication_fault");
    Attributor.Hypothesis two = hyp(2, "db", "errors", "x", null, "SYMPTOM", 0, null, List.of("category:replication_fault", "error_ratio"));
    assertThat(IncidentChart.pick(two, bySignal)).isEqualTo("error_ratio");
    Attributor.Hypothesis onlyTemplate = hyp(2, "db", "errors", "x", null, "SYMPTOM", 0, null, List.of("template:abc"));
    assertThat(IncidentChart.pick(onlyTemplate, bySignal)).isEqualTo("template:abc");
  }

  @Test
  void capsTheStripsAtSeven() {
    List<Attributor.Hypothesis> more = new ArrayList<>();
    List<Facts.Anomaly> anomalies = new ArrayList<>(facts().anomalies());
    for (int i = 0; i < 10; i++) {
      more.add(hyp(10 + i, "app" + i, "timeout", "timeout", null, "SYMPTOM", 100 + i, null, List.of("category:timeout")));
      anomalies.add(anomaly("app" + i, "category:timeout", 100 + i, 3));
    }
    Facts f = facts();
    Facts many = new Facts(f.incidentId(), f.start(), f.end(), f.severity(), anomalies, f.actions(), f.traffic());
    IncidentChart.Plan plan = IncidentChart.plan("shop", many, result(more));
    assertThat(plan.keys()).hasSize(IncidentChart.MAX_STRIPS);
    assertThat(plan.keys().get(6).component()).isEqualTo("app2");
  }

  @Test
  void markersMergeAShutdownWithItsRequestAndFlagTheRootCauseChange() {
    IncidentChart.Plan plan = IncidentChart.plan("shop", facts(), result(List.of()));
    assertThat(plan.markers()).extracting(IncidentChart.Marker::label)
        .containsExactly("c-1 change db", "c-2 restart db", "c-3 revert db"); // c-0 is two hours before: out of range
    assertThat(plan.markers()).extracting(IncidentChart.Marker::rootCause).containsExactly(true, false, false);
    assertThat(plan.markers().get(1).ts()).isEqualTo(T0 + 1200 * S);
    // The range opens 10 minutes before the change and closes 10 minutes after the incident.
    assertThat(plan.from()).isEqualTo(T0 - 60 * S - IncidentChart.MARGIN_US);
    assertThat(plan.to()).isEqualTo(T0 + 1800 * S + IncidentChart.MARGIN_US);
  }

  @Test
  void countsGetZerosWhereNoWindowWasWrittenGaugesGetGaps() {
    IncidentChart.Plan plan = IncidentChart.plan("shop", facts(), result(List.of()));
    Map<String, Map<Long, Double>> values = new HashMap<>();
    values.put("db\u0000category:replication_fault", Map.of(T0 + 30 * S, 4.0));
    values.put("web\u0000latency_p95_ms", Map.of(T0 + 120 * S, 900.0, T0 + 130 * S, 950.0));
    IncidentChart.Data data = IncidentChart.fill(plan, values, 10);
    IncidentChart.Strip repl = data.strips().get(0);
    long windows = (plan.to() - Math.floorDiv(plan.from(), 10 * S) * 10 * S) / (10 * S) + 1;
    assertThat(repl.points()).hasSize((int) windows);
    assertThat(repl.points()).filteredOn(p -> p.value() > 0).containsExactly(new IncidentChart.Point(T0 + 30 * S, 4.0));
    assertThat(repl.unit()).isEqualTo("per 10 s");
    IncidentChart.Strip latency = data.strips().get(3);
    assertThat(latency.points()).containsExactly(new IncidentChart.Point(T0 + 120 * S, 900.0), new IncidentChart.Point(T0 + 130 * S, 950.0));
    assertThat(latency.unit()).isEqualTo("ms");
  }

  @Test
  void drawsAPngAndAnSvgOfTheExpectedSize() throws Exception {
    IncidentChart.Plan plan = IncidentChart.plan("shop", facts(), result(List.of()));
    IncidentChart.Data data = IncidentChart.fill(plan, Map.of("db\u0000category:replication_fault", Map.of(T0 + 30 * S, 4.0)), 10);
    byte[] png = ChartRenderer.png(data);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(ChartRenderer.WIDTH);
    assertThat(image.getHeight()).isEqualTo(ChartRenderer.height(data)).isGreaterThan(500);
    String svg = new String(ChartRenderer.svg(data), StandardCharsets.UTF_8);
    assertThat(svg).startsWith("<?xml").contains("<svg", "c-2 restart db", "replication_fault", "time (UTC)");
  }
}
