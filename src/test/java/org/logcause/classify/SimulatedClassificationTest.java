package org.logcause.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.classify.core.Rules;
import org.logcause.eval.ClassificationAccuracy;
import org.logcause.simulate.Family;
import org.logcause.simulate.Simulator;

/** Classification against the simulator's per-line truth, on every family (small scale). */
class SimulatedClassificationTest {

  @Test
  void everyCategoryWithTenLinesMeetsTheFloors(@TempDir Path dir) throws IOException {
    List<ClassificationAccuracy.Scored> scored = new ArrayList<>();
    for (Family f : Family.values()) {
      Path scenario = dir.resolve(f.id());
      Simulator.write(new Simulator.Settings(f, 21, 0.1, null, null), scenario);
      scored.addAll(ClassificationAccuracy.simulated(scenario, Rules.builtIn()));
    }
    var results = ClassificationAccuracy.score(scored);
    assertThat(results.keySet()).contains("replication_fault", "connection_saturation", "timeout", "lock_contention",
        "resource_exhaustion", "network", "benign");
    results.values().stream().filter(r -> r.labelled() >= 10).forEach(r -> {
      assertThat(r.precision()).as("precision of %s", r.category()).isGreaterThanOrEqualTo(0.95);
      assertThat(r.recall()).as("recall of %s", r.category()).isGreaterThanOrEqualTo(0.90);
    });
  }
}
