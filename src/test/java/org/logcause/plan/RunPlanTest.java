package org.logcause.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SpecException;

/** The plan of a run, computed and checked without Spark. */
class RunPlanTest {
  @TempDir Path dir;
  JobSpecLoader.LoadedJob job;

  @BeforeEach
  void aJob() throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("logs/access.log"), "");
    Files.writeString(dir.resolve("job.yaml"), """
        job: shop
        output: out
        windows: {forensic_seconds: 10, nightly_seconds: 60}
        detection:
          baseline: {history_nights: 5}
          grouping: {merge_gap: 2m}
        sources:
          - {name: web, component: web, format: access, path: logs/*.log}
        """);
    job = JobSpecLoader.load(dir.resolve("job.yaml"));
  }

  static long micros(String t) {
    Instant i = Instant.parse(t);
    return i.getEpochSecond() * 1_000_000L;
  }

  @Test
  void aForensicRunOverEverythingHasTheSpecHashForIdAndTheStartOfTheDataForBaseline() {
    RunPlan p = RunPlan.forensic(job, null);
    assertThat(p.runId()).isEqualTo("forensic-" + job.specHash().substring(0, 12));
    assertThat(p.out()).isEqualTo(dir.resolve("out/forensic/" + p.runId()).toString());
    assertThat(p.mode()).isEqualTo(new RunPlan.Forensic("forensic", null, null, 0, true));
    assertThat(p.mode().allTables()).isTrue();
    assertThat(p.baseline()).isEqualTo(new RunPlan.StartOfData(1800, 0.4));
    long w = 10_000_000L;
    // 2 hours of data: the first 30 minutes; 1 hour: its first 40% (24 minutes).
    assertThat(p.baselineEndWindow(1000, 1000 + 720 - 1, w)).isEqualTo(1000 + 180);
    assertThat(p.baselineEndWindow(1000, 1000 + 360 - 1, w)).isEqualTo(1000 + 144);
  }

  @Test
  void aWindowReadsAsMuchDataBeforeItAsItLastsBetweenHalfAnHourAndSixHours() {
    long from = micros("2024-06-20T13:30:00Z");
    RunPlan shortWindow = RunPlan.forensic(job, "o1", from, from + 600_000_000L, null, "forensic");
    assertThat(((RunPlan.Forensic) shortWindow.mode()).lookbackMicros()).isEqualTo(1_800_000_000L);
    assertThat(shortWindow.runId()).endsWith("-20240620T133000-20240620T134000");
    RunPlan longWindow = RunPlan.forensic(job, "o2", from, from + 86_400_000_000L, null, "forensic");
    assertThat(((RunPlan.Forensic) longWindow.mode()).lookbackMicros()).isEqualTo(21_600_000_000L);
    assertThat(longWindow.baseline()).isEqualTo(new RunPlan.BeforeWindow(21_600_000_000L));
    long w = 10_000_000L;
    assertThat(shortWindow.baselineEndWindow(Math.floorDiv(from - 1_800_000_000L, w), Math.floorDiv(from, w) + 60, w))
        .isEqualTo(Math.floorDiv(from, w));
    assertThatThrownBy(() -> RunPlan.forensic(job, "o3", from, from, null, "forensic")).isInstanceOf(SpecException.class)
        .hasMessageContaining("--to must be after --from");
  }

  @Test
  void aCutoffReadsEverythingBeforeIt() {
    long cutoff = micros("2024-06-20T14:47:31Z");
    RunPlan p = RunPlan.forensic(job, "o", null, cutoff, null, "eval");
    assertThat(p.mode()).isEqualTo(new RunPlan.Forensic("eval", null, cutoff, 0, false));
    assertThat(p.mode().allTables()).as("an eval run writes only the tables it is scored on").isFalse();
    assertThat(p.runId()).endsWith("-upto-20240620T144731");
    assertThat(p.baseline()).isInstanceOf(RunPlan.StartOfData.class);
  }

  @Test
  void aNightlyRunScoresAgainstTheNightsBeforeItAsTheSpecSays() {
    RunPlan p = RunPlan.nightly(job, null, LocalDate.of(2026, 3, 2));
    assertThat(p.mode().allTables()).isTrue();
    assertThat(p.runId()).isEqualTo("nightly-2026-03-02-" + job.specHash().substring(0, 8));
    assertThat(p.out()).isEqualTo(dir.resolve("out").toString());
    assertThat(p.windowSeconds()).isEqualTo(60);
    assertThat(p.baseline()).isEqualTo(new RunPlan.EarlierNights(5));
    RunPlan.Nightly n = (RunPlan.Nightly) p.mode();
    assertThat(n.toMicros() - n.fromMicros()).isEqualTo(86_400_000_000L);
    assertThat(p.detection().grouping().mergeGapSeconds()).isEqualTo(120);
  }

  @Test
  void keepsTheWindowForAnOrdinarySpanAndWidensItForYears() {
    RunPlan p = RunPlan.forensic(job, null);
    long day = 86_400L * 1_000_000L;
    assertThat(p.windowFor(day)).isEqualTo(10);
    assertThat(p.windowFor(30 * day)).isEqualTo(60);
    assertThat(p.windowFor(21L * 365 * day)).isEqualTo(3600);
  }

  @Test
  void anOutputFolderAmongTheInputsIsRefusedByThePlan() {
    assertThatThrownBy(() -> RunPlan.forensic(job, dir.resolve("logs").toString())).isInstanceOf(SpecException.class)
        .hasMessageContaining("overlaps");
  }

  @Test
  void printsWhatTheRunWillDo() {
    StringWriter out = new StringWriter();
    RunPlan.nightly(job, null, LocalDate.of(2026, 3, 2)).print(new PrintWriter(out));
    assertThat(out.toString()).contains("plan: run nightly-2026-03-02-", "mode: nightly, the UTC day 2026-03-02",
        "windows: 60 s", "up to 5 earlier nights", "merged within 2m", "snapshots kept: 3",
        "user impact: where an access log is read, an incident needs 20s of bad windows within 30s",
        ">= 5% failed and 3.0x the baseline's share, or p95 >= 2.5x the baseline's and +700 ms, or <= 50% of its requests");
  }
}
