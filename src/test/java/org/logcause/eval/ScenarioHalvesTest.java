package org.logcause.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.SpecException;

/**
 * {@code eval --half}: the corpora of one half of a folder's split, and a clear error when one is missing; {@code eval
 * --without-change-feed}: the same jobs without their change records.
 */
class ScenarioHalvesTest {
  @TempDir Path root;

  private void corpus(String name) throws Exception {
    Files.createDirectories(root.resolve(name));
    Files.writeString(root.resolve(name).resolve("labels.json"), "{}");
    Files.writeString(root.resolve(name).resolve("job.yaml"), "job: x\n");
  }

  @Test
  void aHalfIsTheCorporaItsSplitNames() throws Exception {
    for (String n : List.of("a-1", "a-2", "b-1", "b-2")) corpus(n);
    Files.writeString(root.resolve("split.json"), "{\"development\": [\"a-1\", \"b-1\"], \"evaluation\": [\"b-2\", \"a-2\"]}");
    assertThat(Evaluation.listScenarios(root, "evaluation")).extracting(p -> p.getFileName().toString())
        .containsExactly("a-2", "b-2");
    assertThat(Evaluation.listScenarios(root, null)).hasSize(4);
  }

  @Test
  void aHalfWithACorpusNotRecordedOrAFolderWithoutASplitIsAnError() throws Exception {
    corpus("a-1");
    assertThatThrownBy(() -> Evaluation.listScenarios(root, "development")).isInstanceOf(SpecException.class)
        .hasMessageContaining("split.json");
    Files.writeString(root.resolve("split.json"), "{\"development\": [\"a-1\", \"c-9\"]}");
    assertThatThrownBy(() -> Evaluation.listScenarios(root, "development")).hasMessageContaining("not recorded")
        .hasMessageContaining("c-9");
    assertThatThrownBy(() -> Evaluation.listScenarios(root, "holdout")).hasMessageContaining("holdout");
  }

  @Test
  void withoutTheChangeFeedAJobKeepsEverySourceButItsChangeRecords() throws Exception {
    var job = org.logcause.job.JobSpecLoader.load(Path.of("sample-data/lab/sync-standby-16/job.yaml")).spec();
    var without = Evaluation.withoutChangeFeed(
        org.logcause.job.JobSpecLoader.load(Path.of("sample-data/lab/sync-standby-16/job.yaml"))).spec();
    assertThat(job.sources()).anyMatch(s -> s.format().equals("changes"));
    assertThat(without.sources()).noneMatch(s -> s.format().equals("changes"))
        .hasSize(job.sources().size() - 1);
    assertThat(without.topology()).isEqualTo(job.topology());
    assertThat(without.job()).isEqualTo(job.job());
  }
}
