package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.output.SnapshotCommit;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;
import org.logcause.support.TableRows;

/**
 * Nightly runs over three simulated days of one stack: a backfill, a rerun of one night that replaces that night
 * only and gives the same rows, the signal history feeding later nights, and the lock refusing a concurrent run.
 */
class NightlyRunTest {
  @TempDir static Path dir;
  static Path job;
  static final List<String> DAYS = List.of("2026-03-01", "2026-03-02", "2026-03-03");

  @BeforeAll
  static void threeDaysOfOneStack() throws Exception {
    SharedSpark.get();
    for (String day : DAYS) {
      assertThat(Main.run("simulate", "--scenario", "lock-contention", "--seed", "5", "--scale", "0.15",
          "--start", day + "T02:00:00Z", "--out", dir.resolve("days").resolve(day).toString())).isZero();
    }
    // One job over every day's files: the same sources, with the day as a glob.
    String spec = Files.readString(dir.resolve("days").resolve(DAYS.get(0)).resolve("job.yaml"))
        .replace("path: logs/", "path: days/*/logs/").replace("path: changes/", "path: days/*/changes/");
    job = dir.resolve("job.yaml");
    Files.writeString(job, spec);
  }

  static int run(StringWriter out, StringWriter err, String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** Every row of every table for one date, as sorted JSON strings. */
  static Map<String, List<String>> rows(Path outDir, String day) {
    return TableRows.of(SharedSpark.get(), outDir, t -> t.filter(col("date").equalTo(day)));
  }

  /**
   * Name, size and modification time of every file of one date's partitions in the current snapshot (carried-over
   * nights are hard links: a rewritten file would show a new time).
   */
  static List<String> files(Path outDir, String day) throws Exception {
    Path current = outDir.resolve("current").toRealPath();
    try (Stream<Path> s = Files.walk(current)) {
      return s.filter(Files::isRegularFile).filter(p -> p.toString().contains("date=" + day))
          .map(p -> {
            try {
              return current.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            } catch (Exception e) {
              throw new RuntimeException(e);
            }
          }).sorted().toList();
    }
  }

  @Test
  void backfillThenRerunOneNightReplacesThatNightOnlyWithTheSameRows() throws Exception {
    Path out = dir.resolve("out");
    StringWriter console = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = run(console, err, "nightly", "--job", job.toString(), "--from-date", DAYS.get(0), "--to-date", DAYS.get(2),
        "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(console.toString()).contains("committed date=2026-03-01", "committed date=2026-03-03", "ROOT CAUSE");
    // Every night's rows are those recorded (see org.logcause.support.Golden): nothing changes them by accident.
    var digests = org.logcause.support.Golden.digest(TableRows.of(SharedSpark.get(), out));
    assertThat(digests).isEqualTo(org.logcause.support.Golden.recorded("nightly-backfill", digests));

    // Each night holds its own day's events, and every line of every file is accounted for in each night's manifest.
    SparkSession spark = SharedSpark.get();
    for (String day : DAYS) {
      assertThat(Out.table(out, "events").filter(col("date").equalTo(day))
          .filter(col("ts").cast("date").notEqual(java.sql.Date.valueOf(day))).count()).isZero();
      JsonNode m = EvalCommand.JSON.readTree(out.resolve("current/manifests").resolve("nightly-" + day + "-"
          + runIdHash(out, day) + ".json").toFile());
      assertThat(m.get("mode").asText()).isEqualTo("nightly");
      for (JsonNode f : m.get("files")) {
        assertThat(f.get("reconciled").asBoolean()).as(f.toString()).isTrue();
      }
      long outside = 0;
      for (JsonNode f : m.get("files")) outside += f.get("out_of_window_lines").asLong();
      assertThat(outside).as("the other days' lines are read and counted, not written").isPositive();
      // The first night scores against itself; later nights against the signal history of the earlier ones.
      assertThat(m.get("baseline").asText()).contains(day.equals(DAYS.get(0)) ? "this run's first" : "earlier nights");
    }
    assertThat(Out.table(out, "run_manifest").count()).isEqualTo(3);
    // The same outage recurs each night at the same hour: the history leaves earlier incidents out, so it is found
    // every night, not absorbed into the baseline.
    var labels = EvalCommand.JSON.readTree(dir.resolve("days").resolve(DAYS.get(0)).resolve("labels.json").toFile());
    for (String day : DAYS) {
      List<org.apache.spark.sql.Row> found = Out.table(out, "incident_summary")
          .filter(col("date").equalTo(day)).collectAsList();
      assertThat(found).as(day).hasSize(1);
      assertThat(found.get(0).<String>getAs("root_cause_component")).as(day)
          .isEqualTo(labels.get("root_cause").get("component").asText());
      assertThat(found.get(0).<String>getAs("root_cause_category")).isEqualTo(labels.get("root_cause").get("category").asText());
    }

    Map<String, List<String>> before = rows(out, DAYS.get(1));
    List<String> otherNights = Stream.concat(files(out, DAYS.get(0)).stream(), files(out, DAYS.get(2)).stream()).toList();
    assertThat(before.get("incident_summary")).hasSize(1);
    Map<String, Object> inodes = inodes(out, List.of(DAYS.get(0), DAYS.get(2)));

    exit = run(new StringWriter(), err, "nightly", "--job", job.toString(), "--date", DAYS.get(1), "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(rows(out, DAYS.get(1))).isEqualTo(before);
    assertThat(Stream.concat(files(out, DAYS.get(0)).stream(), files(out, DAYS.get(2)).stream()).toList()).isEqualTo(otherNights);
    // Not rewritten, not copied: the other nights' files are the very same files (hard links of them).
    assertThat(inodes(out, List.of(DAYS.get(0), DAYS.get(2)))).isEqualTo(inodes);
    assertThat(Out.table(out, "run_manifest").count()).isEqualTo(3);
  }

  private static String runIdHash(Path out, String day) throws Exception {
    try (Stream<Path> s = Files.list(out.resolve("current/manifests"))) {
      String name = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("nightly-" + day)).findFirst().orElseThrow();
      return name.substring(("nightly-" + day + "-").length(), name.length() - ".json".length());
    }
  }

  /** File (relative to the current snapshot) → its file key (device and inode), for the partitions of some nights. */
  static Map<String, Object> inodes(Path outDir, List<String> days) throws Exception {
    Path current = outDir.resolve("current").toRealPath();
    Map<String, Object> keys = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(current)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (days.stream().anyMatch(d -> p.toString().contains("date=" + d))) {
          keys.put(current.relativize(p).toString(),
              Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
      }
    }
    return keys;
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefused() {
    Path out = dir.resolve("locked");
    try (SnapshotCommit holder = SnapshotCommit.open(SharedSpark.get().sparkContext().hadoopConfiguration(), out.toString(),
        "someone-else", "nightly", 3)) {
      StringWriter err = new StringWriter();
      int exit = run(new StringWriter(), err, "nightly", "--job", job.toString(), "--date", DAYS.get(0), "--out", out.toString());
      assertThat(exit).isEqualTo(Main.USAGE);
      assertThat(err.toString()).startsWith("logcause: ").contains("is locked by run someone-else").doesNotContain("\tat ");
      assertThat(out.resolve("current.json")).doesNotExist();
    }
  }

  @Test
  void badDatesAreUsageErrors() {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "nightly", "--job", job.toString(), "--date", "2026-13-01")).isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("--date: not a date: \"2026-13-01\"");
    StringWriter err2 = new StringWriter();
    assertThat(run(new StringWriter(), err2, "nightly", "--job", job.toString(), "--from-date", "2026-03-03", "--to-date", "2026-03-01"))
        .isEqualTo(Main.USAGE);
    assertThat(err2.toString()).contains("is before --from-date");
  }
}
