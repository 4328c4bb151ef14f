package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a small input's files are grouped into partitions: balanced by bytes, deterministic, listing order kept. Spark-free. */
class ReadSourcesGroupsTest {
  private static ReadSources.FileTask file(String name, long mb) {
    return new ReadSources.FileTask(0, "file:/logs/" + name, name, 2024, mb << 20, null);
  }

  private static List<List<String>> names(List<List<ReadSources.FileTask>> groups) {
    return groups.stream().map(g -> g.stream().map(ReadSources.FileTask::displayPath).toList()).toList();
  }

  @Test
  void aLargeFileGetsAPartitionToItselfAndTheRestShareTheOther() {
    List<ReadSources.FileTask> tasks = List.of(file("a", 30), file("b", 1), file("c", 1), file("d", 1), file("e", 20));
    assertThat(ReadSources.slices(tasks, 2)).isEqualTo(2);
    assertThat(names(ReadSources.groups(tasks, 2))).containsExactly(List.of("a"), List.of("b", "c", "d", "e"));
  }

  @Test
  void equalFilesAreDealtEvenlyAndEachPartitionKeepsTheListingOrder() {
    List<ReadSources.FileTask> tasks = List.of(file("a", 2), file("b", 2), file("c", 2), file("d", 2));
    assertThat(names(ReadSources.groups(tasks, 2))).containsExactly(List.of("a", "c"), List.of("b", "d"));
    assertThat(names(ReadSources.groups(tasks, 2))).as("the same files, the same partitions")
        .isEqualTo(names(ReadSources.groups(tasks, 2)));
  }

  @Test
  void gzipCountsAsWhatItExpandsToAndLargeInputsKeepOnePartitionPerFile() {
    ReadSources.FileTask gz = new ReadSources.FileTask(0, "file:/logs/a.log.gz", "a.log.gz", 2024, 8L << 20, null);
    assertThat(ReadSources.weight(gz)).isEqualTo(48L << 20);
    List<ReadSources.FileTask> tasks = List.of(gz, file("b", 10), file("c", 10)); // 68 MB as read
    assertThat(ReadSources.slices(tasks, 2)).as("not a small input").isEqualTo(3);
    assertThat(names(ReadSources.groups(tasks, 3))).containsExactly(List.of("a.log.gz"), List.of("b"), List.of("c"));
    assertThat(ReadSources.slices(List.of(file("x", 1)), 2)).isEqualTo(1);
    var range = file("big", 100).in(new FileIngestor.Range(32L << 20, 48L << 20, 0));
    assertThat(ReadSources.weight(range)).as("a range weighs its bytes").isEqualTo(16L << 20);
  }
}
