package org.logcause.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.simulate.Labels;

class TemperatureSweepTest {
  private static Evaluation.Case attributed(int rank, double... scores) {
    Labels labels = new Labels("s", "f", 1, "pg", new Labels.Window("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
        new Labels.RootCause("db", "config_change", "2025-01-01T00:00:00Z", "c-1", ""), List.of(), List.of(), Map.of(),
        Map.of(), List.of());
    List<Double> s = new ArrayList<>();
    for (double x : scores) s.add(x);
    return new Evaluation.Case(Path.of("s"), labels, 10, 0, new Evaluation.Detection(1, 1, true, 0.0),
        new Evaluation.Attribution(rank, 1, 0, 0, 0, null, null, List.of(), List.of(), "top", s));
  }

  @Test
  void theSweepRecomputesTheRankOneConfidenceAtEachTemperatureAndFindsTheCalibratedOne() {
    // half the cases right with a clear winner, half wrong with a winner as clear: no temperature is calibrated
    // for both, but a lower one is more confident and so worse on the wrong half
    List<Evaluation.Case> cases = List.of(attributed(1, 1.0, 0.9), attributed(2, 1.0, 0.95), attributed(1, 1.0, 0.9),
        attributed(2, 1.0, 0.95));
    List<Evaluation.TemperatureFit> sweep = Evaluation.temperatureSweep(cases);
    assertThat(sweep).hasSize(Evaluation.TEMPERATURES.length);
    Evaluation.TemperatureFit cold = sweep.get(0);
    Evaluation.TemperatureFit warm = sweep.get(sweep.size() - 1);
    assertThat(cold.temperature()).isLessThan(warm.temperature());
    assertThat(cold.meanConfidence()).isGreaterThan(warm.meanConfidence()).isLessThanOrEqualTo(1.0);
    assertThat(warm.meanConfidence()).isGreaterThanOrEqualTo(0.5); // two hypotheses: the winner is never below a half
    assertThat(cold.brier()).isGreaterThan(warm.brier()); // right half the time: closer to 0.5 is better
    // at T=0.1 the 0.1 gap gives e/(1+e) = 0.731
    assertThat(Evaluation.temperatureSweep(List.of(attributed(1, 1.0, 0.9))).stream()
        .filter(t -> t.temperature() == 0.1).findFirst().orElseThrow().meanConfidence()).isCloseTo(0.731, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void noMatchedIncidentNoSweep() {
    assertThat(Evaluation.temperatureSweep(List.of(attributed(0)))).isEmpty();
  }
}
