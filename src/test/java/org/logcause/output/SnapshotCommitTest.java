package org.logcause.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.SpecException;

/** The snapshot commit protocol on a local folder, without Spark: the lock, publishing, carry-over, recovery. */
class SnapshotCommitTest {
  @TempDir Path out;
  final Configuration conf = new Configuration();

  private SnapshotCommit open(String run, String mode) {
    return SnapshotCommit.open(conf, out.toString(), run, mode, 2);
  }

  /** A table folder of the snapshot with one "part" file; partitioned: one folder per value. */
  private static void write(SnapshotCommit c, String table, String partition, String content) throws Exception {
    Path dir = Path.of(java.net.URI.create(c.path(table)));
    if (partition != null) dir = dir.resolve(partition);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("part-0.parquet"), content);
  }

  private static Map<String, String> tables(String... namesAndPartitions) {
    Map<String, String> t = new LinkedHashMap<>();
    for (int i = 0; i < namesAndPartitions.length; i += 2) t.put(namesAndPartitions[i], namesAndPartitions[i + 1]);
    return t;
  }

  private Pointer current() {
    return OutputFolder.current(conf, out.toString()).orElseThrow();
  }

  /** The content of every part file the current pointer names for a table, sorted. */
  private List<String> contents(String table) throws Exception {
    List<String> all = new java.util.ArrayList<>();
    for (String part : current().tables().get(table).parts()) {
      try (Stream<Path> s = Files.walk(out.resolve(part))) {
        for (Path p : s.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) all.add(Files.readString(p));
      }
    }
    all.sort(null);
    return all;
  }

  private List<String> runs() throws Exception {
    try (Stream<Path> s = Files.list(out.resolve(OutputFolder.RUNS))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSecondRunOnTheSameFolderIsRefusedWhileTheFirstHoldsTheLock() {
    try (SnapshotCommit first = open("run-a", "forensic")) {
      assertThatThrownBy(() -> open("run-b", "forensic"))
          .isInstanceOf(SpecException.class)
          .hasMessageContaining("is locked by run run-a")
          .hasMessageContaining("process " + ProcessHandle.current().pid());
    }
    try (SnapshotCommit next = open("run-b", "forensic")) {
      assertThat(next.notes()).isEmpty();
    }
    assertThat(out.resolve(SnapshotCommit.LOCK)).doesNotExist();
  }

  @Test
  void aLockLeftByAProcessThatIsGoneIsTakenOverButOneFromAnotherHostNever() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(out.resolve(SnapshotCommit.LOCK), "{\"run_id\":\"killed\",\"pid\":" + dead.pid() + ",\"host\":\""
        + SnapshotCommit.host() + "\",\"since\":\"2026-01-01T00:00:00Z\"}");
    try (SnapshotCommit c = open("run-c", "forensic")) {
      assertThat(c.notes()).anyMatch(n -> n.contains("took over the lock of run killed"));
    }
    Files.writeString(out.resolve(SnapshotCommit.LOCK), "{\"run_id\":\"elsewhere\",\"pid\":1,\"host\":\"another-host\",\"since\":\"x\"}");
    assertThatThrownBy(() -> open("run-d", "forensic")).hasMessageContaining("locked by run elsewhere");
  }

  @Test
  void aForensicRunReplacesEveryTableAndFileAtOnce() throws Exception {
    try (SnapshotCommit c = open("run-1", "forensic")) {
      write(c, "events", "date=2024-06-19", "e19");
      write(c, "events", "date=2024-06-20", "e20");
      write(c, "incidents", null, "i1");
      Files.createDirectories(Path.of(java.net.URI.create(c.path("postmortems"))));
      Files.writeString(Path.of(java.net.URI.create(c.path("postmortems/inc-1.md"))), "draft 1");
      c.publish(tables("events", "date", "incidents", null, "hypotheses", null));
    }
    assertThat(contents("events")).containsExactly("e19", "e20");
    assertThat(current().files()).containsKey("postmortems/inc-1.md");
    assertThat(current().tables()).doesNotContainKey("hypotheses"); // not written: not published
    assertThat(out.resolve("current/incidents/part-0.parquet")).hasContent("i1");

    try (SnapshotCommit c = open("run-2", "forensic")) {
      write(c, "events", "date=2024-06-21", "e21");
      write(c, "incidents", null, "i2");
      c.publish(tables("events", "date", "incidents", null));
    }
    // Nothing of the first run survives in the current state: not its dates, not its drafts.
    assertThat(contents("events")).containsExactly("e21");
    assertThat(current().files()).doesNotContainKey("postmortems/inc-1.md");
    assertThat(out.resolve("current/incidents/part-0.parquet")).hasContent("i2");
    assertThat(current().runId()).isEqualTo("run-2");
    assertThat(current().history()).hasSize(2);
  }

  @Test
  void aNightlyRunReplacesItsNightAndCarriesTheOthersOverAsHardLinks() throws Exception {
    try (SnapshotCommit c = open("night-1", "nightly")) {
      write(c, "signals", "date=2026-03-01", "s1");
      write(c, "signals", "date=2026-03-02", "s2 old");
      Files.createDirectories(Path.of(java.net.URI.create(c.path("manifests"))));
      Files.writeString(Path.of(java.net.URI.create(c.path("manifests/night-1.json"))), "{}");
      c.carryOver("date", "2026-03-02", "manifests", "manifests/night-1.json");
      c.publish(tables("signals", "date"));
    }
    Path before = out.resolve(current().tables().get("signals").parts().get(0)).resolve("part-0.parquet");
    Object inode = Files.readAttributes(before, BasicFileAttributes.class).fileKey();
    try (SnapshotCommit c = open("night-2", "nightly")) {
      write(c, "signals", "date=2026-03-02", "s2 new");
      c.carryOver("date", "2026-03-02", "manifests", "manifests/night-2.json");
      c.publish(tables("signals", "date"));
    }
    assertThat(contents("signals")).containsExactly("s1", "s2 new");
    Pointer p = current();
    assertThat(p.tables().get("signals").parts()).allMatch(part -> part.startsWith(p.snapshot() + "/"));
    Path carried = out.resolve(p.snapshot()).resolve("signals/date=2026-03-01/part-0.parquet");
    assertThat(Files.readAttributes(carried, BasicFileAttributes.class).fileKey()).isEqualTo(inode); // not a copy
    assertThat(p.files()).containsKeys("manifests/night-1.json");
  }

  @Test
  void onlyTheNewestSnapshotsAreKept() throws Exception {
    for (int i = 1; i <= 4; i++) {
      try (SnapshotCommit c = open("run-" + i, "forensic")) {
        write(c, "incidents", null, "i" + i);
        c.publish(tables("incidents", null));
      }
    }
    assertThat(runs()).hasSize(2).allMatch(r -> r.endsWith("run-3") || r.endsWith("run-4"));
    assertThat(out.resolve("current/incidents/part-0.parquet")).hasContent("i4");
  }

  @Test
  void whatAnInterruptedRunLeftIsCleanedUpAndForeignFoldersAreLeftAlone() throws Exception {
    try (SnapshotCommit c = open("run-1", "forensic")) {
      write(c, "incidents", null, "published");
      c.publish(tables("incidents", null));
    }
    // An interrupted run: its snapshot (with the marker), a staged pointer; and a folder someone else put there.
    Path dead = out.resolve("_runs/29990101T000000.000Z-dead");
    Files.createDirectories(dead.resolve("incidents"));
    Files.writeString(dead.resolve(SnapshotCommit.MARKER), "");
    Files.writeString(dead.resolve("incidents/part-0.parquet"), "half");
    Files.writeString(out.resolve("current.json.tmp"), "{}");
    Path foreign = out.resolve("_runs/not-ours");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("notes.txt"), "keep me");
    Files.createDirectories(out.resolve("_runs/empty"));

    try (SnapshotCommit c = open("run-2", "forensic")) {
      assertThat(c.notes()).anyMatch(n -> n.contains("deleted the unpublished snapshot of an interrupted run: _runs/29990101T000000.000Z-dead"))
          .anyMatch(n -> n.contains("deleted current.json.tmp"))
          .anyMatch(n -> n.equals("left _runs/not-ours alone: it does not hold logcause's marker"));
    }
    assertThat(dead).doesNotExist();
    assertThat(out.resolve("_runs/empty")).doesNotExist();
    assertThat(foreign.resolve("notes.txt")).hasContent("keep me");
    assertThat(out.resolve("current.json.tmp")).doesNotExist();
    assertThat(out.resolve("current/incidents/part-0.parquet")).hasContent("published"); // run-2 never published
  }

  @Test
  void aRunThatFailsLeavesThePreviousStateAndNoSnapshot() throws Exception {
    try (SnapshotCommit c = open("run-1", "forensic")) {
      write(c, "incidents", null, "ok");
      c.publish(tables("incidents", null));
    }
    List<String> before = runs();
    try (SnapshotCommit c = open("run-2", "forensic")) {
      write(c, "incidents", null, "never published");
      // the run fails here: close() without publish
    }
    assertThat(runs()).isEqualTo(before);
    assertThat(out.resolve("current/incidents/part-0.parquet")).hasContent("ok");
  }

  @Test
  void refusesAFolderWhosePointerOrLinkIsNotLogcauses() throws Exception {
    Files.writeString(out.resolve("current.json"), "{\"my\": \"own file\"}");
    assertThatThrownBy(() -> open("run-1", "forensic")).isInstanceOf(SpecException.class)
        .hasMessageContaining("current.json exists and is not a logcause pointer");
    assertThat(out.resolve(SnapshotCommit.LOCK)).doesNotExist(); // released
    Files.delete(out.resolve("current.json"));
    Files.createDirectories(out.resolve("current"));
    assertThatThrownBy(() -> open("run-1", "forensic")).isInstanceOf(SpecException.class)
        .hasMessageContaining("is not logcause's link");
  }

  @Test
  void aNightlyRunIsRefusedInAForensicFolderAndBack() throws Exception {
    try (SnapshotCommit c = open("run-1", "forensic")) {
      write(c, "incidents", null, "x");
      c.publish(tables("incidents", null));
    }
    assertThatThrownBy(() -> open("night", "nightly")).isInstanceOf(SpecException.class)
        .hasMessageContaining("holds the tables of a forensic run (run-1)");
  }

  @Test
  void anUnknownCommitStepIsABug() {
    try (SnapshotCommit c = open("run-1", "forensic")) {
      assertThatThrownBy(() -> c.checkpoint("no-such-step")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
