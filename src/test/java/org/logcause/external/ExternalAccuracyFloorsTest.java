package org.logcause.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.Rules;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.eval.ClassificationAccuracy;
import org.logcause.eval.TemplateAccuracy;

/**
 * Floors on the measured accuracy, a little below what {@code bench templates} and {@code bench classify} report,
 * so that a change cannot make them regress silently. The figures themselves come from the bench commands.
 */
@Tag("external")
class ExternalAccuracyFloorsTest {
  static Path external() {
    return Path.of(System.getProperty("logcause.external.dir", "../shared/data/external")).toAbsolutePath().normalize();
  }

  @Test
  void templateMiningKeepsItsLogHubAccuracy() throws IOException {
    Path loghub = external().resolve("loghub");
    Path corrected = external().resolve("loghub-2.0-corrected");
    List<TemplateAccuracy.SystemResult> results = new ArrayList<>();
    for (String system : TemplateAccuracy.systems(loghub, corrected)) {
      results.add(TemplateAccuracy.evaluate(system, TemplateAccuracy.load(loghub, corrected, system), new TemplateMiner()));
    }
    double ga = results.stream().mapToDouble(TemplateAccuracy.SystemResult::ga).average().orElse(0);
    double pa = results.stream().mapToDouble(TemplateAccuracy.SystemResult::pa).average().orElse(0);
    assertThat(results).hasSize(13);
    assertThat(ga).as("average grouping accuracy").isGreaterThanOrEqualTo(0.95);
    assertThat(pa).as("average parsing accuracy").isGreaterThanOrEqualTo(0.66);
  }

  @Test
  void classificationMeetsItsFloorsOnTheHandLabelledRealLines() throws IOException {
    var scored = ClassificationAccuracy.realLines(external(), Rules.builtIn());
    assertThat(scored).hasSizeGreaterThanOrEqualTo(300);
    ClassificationAccuracy.score(scored).values().stream().filter(r -> r.labelled() >= 10).forEach(r -> {
      assertThat(r.precision()).as("precision of %s", r.category()).isGreaterThanOrEqualTo(0.95);
      assertThat(r.recall()).as("recall of %s", r.category()).isGreaterThanOrEqualTo(0.90);
    });
  }
}
