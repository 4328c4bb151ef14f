package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.SpecException;

/** The commit protocol on a local folder, without Spark: the lock, the swaps, and recovery from a killed run. */
class OutputCommitTest {
  @TempDir Path out;
  final Configuration conf = new Configuration();

  private void stageTable(OutputCommit c, String table, String partition, String content) throws Exception {
    Path dir = Path.of(c.staged(table));
    if (partition != null) dir = dir.resolve(partition);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("part-0.parquet"), content);
    if (partition == null) Files.writeString(dir.resolve("_SUCCESS"), "");
  }

  @Test
  void aSecondRunOnTheSameFolderIsRefusedWhileTheFirstHoldsTheLock() {
    try (OutputCommit first = OutputCommit.open(conf, out.toString(), "run-a")) {
      assertThatThrownBy(() -> OutputCommit.open(conf, out.toString(), "run-b"))
          .isInstanceOf(SpecException.class)
          .hasMessageContaining("is locked by run run-a")
          .hasMessageContaining("process " + ProcessHandle.current().pid());
    }
    // Released: the next run takes it.
    try (OutputCommit next = OutputCommit.open(conf, out.toString(), "run-b")) {
      assertThat(next.notes()).isEmpty();
    }
    assertThat(out.resolve(OutputCommit.LOCK)).doesNotExist();
  }

  @Test
  void aLockLeftByAProcessThatIsGoneIsTakenOver() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(out.resolve(OutputCommit.LOCK), "{\"run_id\":\"killed\",\"pid\":" + dead.pid() + ",\"host\":\""
        + OutputCommit.lockHost() + "\",\"since\":\"2026-01-01T00:00:00Z\"}");
    Files.createDirectories(out.resolve(OutputCommit.STAGING).resolve("killed").resolve("events"));
    try (OutputCommit c = OutputCommit.open(conf, out.toString(), "run-c")) {
      assertThat(c.notes()).anyMatch(n -> n.contains("took over the lock of run killed"))
          .anyMatch(n -> n.contains("deleted the staging folder of an unfinished run: killed"));
    }
    assertThat(out.resolve(OutputCommit.STAGING)).doesNotExist();
  }

  @Test
  void aLockHeldFromAnotherHostIsNeverTakenOver() throws Exception {
    Files.writeString(out.resolve(OutputCommit.LOCK), "{\"run_id\":\"elsewhere\",\"pid\":1,\"host\":\"another-host\",\"since\":\"x\"}");
    assertThatThrownBy(() -> OutputCommit.open(conf, out.toString(), "run-d")).hasMessageContaining("locked by run elsewhere");
  }

  @Test
  void aTableIsReplacedWholeAndAPartitionedTableOnlyInTheStagedPartitions() throws Exception {
    try (OutputCommit c = OutputCommit.open(conf, out.toString(), "run-1")) {
      stageTable(c, "incidents", null, "v1");
      stageTable(c, "signals", "date=2026-03-01", "d1 v1");
      stageTable(c, "signals", "date=2026-03-02", "d2 v1");
      c.commitTable("incidents", null);
      c.commitTable("signals", "date");
    }
    try (OutputCommit c = OutputCommit.open(conf, out.toString(), "run-2")) {
      stageTable(c, "incidents", null, "v2");
      stageTable(c, "signals", "date=2026-03-02", "d2 v2");
      c.commitTable("incidents", null);
      c.commitTable("signals", "date");
    }
    assertThat(out.resolve("incidents/part-0.parquet")).hasContent("v2");
    assertThat(out.resolve("signals/date=2026-03-01/part-0.parquet")).hasContent("d1 v1");
    assertThat(out.resolve("signals/date=2026-03-02/part-0.parquet")).hasContent("d2 v2");
    assertThat(out.resolve("signals/_SUCCESS")).exists();
    try (var left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("incidents", "signals");
    }
  }

  @Test
  void aCommitKilledBetweenItsRenamesIsUndoneByTheNextRun() throws Exception {
    try (OutputCommit c = OutputCommit.open(conf, out.toString(), "run-1")) {
      stageTable(c, "incidents", null, "committed");
      c.commitTable("incidents", null);
    }
    // run-2 dies after moving the old table aside, before moving its own in: no lock release, no cleanup.
    OutputCommit dying = OutputCommit.open(conf, out.toString(), "run-2");
    stageTable(dying, "incidents", null, "half");
    dying.moveAsideOnly("incidents");
    assertThat(out.resolve("incidents")).doesNotExist(); // absent, never half-written
    Files.writeString(out.resolve(OutputCommit.LOCK), Files.readString(out.resolve(OutputCommit.LOCK))
        .replaceFirst("\"pid\":\\d+", "\"pid\":" + deadPid()));
    try (OutputCommit next = OutputCommit.open(conf, out.toString(), "run-3")) {
      assertThat(next.notes()).anyMatch(n -> n.startsWith("restored ") && n.contains("incidents"));
    }
    assertThat(out.resolve("incidents/part-0.parquet")).hasContent("committed");
    assertThat(out.resolve(OutputCommit.TRASH)).doesNotExist();
    assertThat(out.resolve(OutputCommit.STAGING)).doesNotExist();
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
