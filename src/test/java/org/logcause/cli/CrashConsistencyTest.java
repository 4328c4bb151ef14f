package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.output.OutputFolder;
import org.logcause.output.SnapshotCommit;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;
import org.logcause.support.TableRows;

/**
 * Real runs (child JVMs) killed at every step of the commit, one after the other without a clean run between them,
 * forensic and nightly: after each kill a reader sees every table of one run (the one published before, or the
 * killed run's if it got as far as publishing) and a manifest that describes those rows; after the next clean run
 * the folder holds that run's rows, its lock is released and nothing an interrupted run left remains. The kills are
 * injected at named steps ({@link SnapshotCommit#KILL_AT}), never by timing.
 */
class CrashConsistencyTest {
  /**
   * With {@code -Dlogcause.crash.everyStep=true} (as {@code .ci/run} runs it) both sequences are killed at every
   * step. By default each step is killed once, in one of the two modes (forensic at the even steps of
   * {@link SnapshotCommit#STEPS}, nightly at the odd ones, carried-over among them): half the child runs.
   */
  static final boolean EVERY_STEP = Boolean.getBoolean("logcause.crash.everyStep");

  static boolean killedHere(boolean nightly, String step) {
    if (!nightly && step.equals("carried-over")) {
      return false; // a forensic run carries nothing over: the same state as the step before
    }
    return EVERY_STEP || SnapshotCommit.STEPS.indexOf(step) % 2 == (nightly ? 1 : 0);
  }

  @Test
  void everyStepIsKilledInOneModeAtLeast() {
    for (String step : SnapshotCommit.STEPS) {
      assertThat(killedHere(false, step) || killedHere(true, step)).as(step).isTrue();
    }
  }

  @TempDir static Path dir;
  /** Two jobs over the same small simulated stack whose rows differ: job A reads every source, job B one fewer. */
  static Path jobA;
  static Path jobB;
  static final List<String> DAYS = List.of("2026-03-01", "2026-03-02");

  @BeforeAll
  static void twoSmallJobs() throws Exception {
    SharedSpark.get();
    for (String day : DAYS) {
      assertThat(Main.run("simulate", "--scenario", "lock-contention", "--seed", "5", "--scale", "0.01",
          "--start", day + "T02:00:00Z", "--out", dir.resolve("days").resolve(day).toString())).isZero();
    }
    String spec = Files.readString(dir.resolve("days").resolve(DAYS.get(0)).resolve("job.yaml"))
        .replace("path: logs/", "path: days/*/logs/").replace("path: changes/", "path: days/*/changes/");
    // One snapshot kept: every run that publishes collects the one before it, however few runs came first.
    spec = spec + (spec.endsWith("\n") ? "" : "\n") + "keep_runs: 1\n";
    jobA = dir.resolve("a.yaml");
    Files.writeString(jobA, spec);
    // Job B: the same stack without its change records (every table's rows differ from A's).
    int changes = spec.indexOf("- name: changes");
    assertThat(changes).isPositive();
    jobB = dir.resolve("b.yaml");
    Files.writeString(jobB, spec.substring(0, changes).replace("job: ", "job: b-") + "keep_runs: 1\n");
  }

  static int inProcess(String... args) {
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    assertThat(exit).as("%s: %s", String.join(" ", args), err).isZero();
    return exit;
  }

  /** A run of logcause in a child JVM (this JVM's flags and classpath) that halts at {@code step}. */
  static int killedAt(String step, Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:") || a.startsWith("-D") || a.startsWith("--enable-") || a.startsWith("--sun-")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-XX:TieredStopAtLevel=1"); // a short run: the quick compiler only
    cmd.add("-D" + SnapshotCommit.KILL_AT + "=" + step);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.logcause.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("TZ", "UTC");
    Process p = pb.start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("child run at step %s", step).isTrue();
    return p.exitValue();
  }

  /** The run id the manifest table and run_manifest.json of the current run name: they must agree. */
  static String manifestRunId(Path out) throws Exception {
    JsonNode json = EvalCommand.JSON.readTree(Out.file(out, "run_manifest.json").toFile());
    List<String> table = Out.table(out, "run_manifest").select("run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    return json.get("run_id").asText() + " / " + String.join(",", table);
  }

  static boolean publishedBy(String step) {
    return SnapshotCommit.STEPS.indexOf(step) >= SnapshotCommit.STEPS.indexOf("published");
  }

  /** What an interrupted run may leave, and a clean run must not: staged pointers and links, unpublished snapshots. */
  static void assertClean(Path out) throws Exception {
    assertThat(out.resolve(SnapshotCommit.LOCK)).doesNotExist();
    assertThat(out.resolve("current.json.tmp")).doesNotExist();
    assertThat(out.resolve("current.tmp")).doesNotExist();
    var pointer = OutputFolder.current(SharedSpark.get(), out.toString()).orElseThrow();
    try (Stream<Path> runs = Files.list(out.resolve(OutputFolder.RUNS))) {
      List<String> left = runs.map(p -> OutputFolder.RUNS + "/" + p.getFileName()).toList();
      assertThat(pointer.history()).containsAll(left); // every snapshot left was published
      assertThat(left).hasSizeLessThanOrEqualTo(org.logcause.job.JobSpec.DEFAULT_KEEP_RUNS);
    }
    assertThat(out.resolve("current").toRealPath()).isEqualTo(out.resolve(pointer.snapshot()).toRealPath());
  }

  /**
   * The forensic and the nightly sequences run side by side (each in its own output folders): the child runs spend
   * most of their time starting up, and two cores take two of them.
   */
  @Test
  void runsKilledAtEveryCommitStepLeaveOneRunsTablesAndRecover() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var forensic = pool.submit(() -> {
        forensicSequence();
        return null;
      });
      var nightly = pool.submit(() -> {
        nightlySequence();
        return null;
      });
      for (var f : List.of(forensic, nightly)) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) throw err;
          throw (Exception) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  void forensicSequence() throws Exception {
    Path a = dir.resolve("expected-a");
    Path b = dir.resolve("expected-b");
    inProcess("forensic", "--job", jobA.toString(), "--out", a.toString());
    inProcess("forensic", "--job", jobB.toString(), "--out", b.toString());
    Map<String, List<String>> rowsA = TableRows.of(SharedSpark.get(), a);
    Map<String, List<String>> rowsB = TableRows.of(SharedSpark.get(), b);
    assertThat(rowsA).isNotEqualTo(rowsB);
    Map<Path, Map<String, List<String>>> rowsOf = Map.of(jobA, rowsA, jobB, rowsB);
    Map<Path, String> runOf = Map.of(jobA, manifestRunId(a), jobB, manifestRunId(b));

    Path out = dir.resolve("forensic");
    inProcess("forensic", "--job", jobA.toString(), "--out", out.toString());
    Path visible = jobA;
    int i = 0;
    for (String step : SnapshotCommit.STEPS) {
      if (!killedHere(false, step)) continue;
      Path job = i++ % 2 == 0 ? jobB : jobA; // each killed run writes rows other than those published before it
      Path log = dir.resolve("forensic-" + step + ".log");
      int exit = killedAt(step, log, "forensic", "--job", job.toString(), "--out", out.toString());
      assertThat(exit).as("killed at %s; its log:%n%s", step, Files.readString(log)).isEqualTo(137);
      if (publishedBy(step)) visible = job;
      assertThat(TableRows.of(SharedSpark.get(), out)).as("after a kill at %s", step).isEqualTo(rowsOf.get(visible));
      assertThat(manifestRunId(out)).as("after a kill at %s", step).isEqualTo(runOf.get(visible));
    }
    inProcess("forensic", "--job", jobB.toString(), "--out", out.toString());
    assertThat(TableRows.of(SharedSpark.get(), out)).isEqualTo(rowsB);
    assertThat(manifestRunId(out)).isEqualTo(runOf.get(jobB));
    assertClean(out);
  }

  void nightlySequence() throws Exception {
    String night = DAYS.get(1);
    Path a = dir.resolve("nightly-a");
    Path b = dir.resolve("nightly-b");
    inProcess("nightly", "--job", jobA.toString(), "--from-date", DAYS.get(0), "--to-date", night, "--out", a.toString());
    inProcess("nightly", "--job", jobA.toString(), "--date", DAYS.get(0), "--out", b.toString());
    inProcess("nightly", "--job", jobB.toString(), "--date", night, "--out", b.toString());
    Map<String, List<String>> first = nightRows(a, DAYS.get(0));
    assertThat(nightRows(b, DAYS.get(0))).isEqualTo(first);
    Map<Path, Map<String, List<String>>> rowsOf = Map.of(jobA, nightRows(a, night), jobB, nightRows(b, night));
    assertThat(rowsOf.get(jobA)).isNotEqualTo(rowsOf.get(jobB));

    Path out = dir.resolve("nightly");
    inProcess("nightly", "--job", jobA.toString(), "--from-date", DAYS.get(0), "--to-date", night, "--out", out.toString());
    Path visible = jobA;
    int i = 0;
    for (String step : SnapshotCommit.STEPS) {
      if (!killedHere(true, step)) continue;
      Path job = i++ % 2 == 0 ? jobB : jobA;
      Path log = dir.resolve("nightly-" + step + ".log");
      int exit = killedAt(step, log, "nightly", "--job", job.toString(), "--date", night, "--out", out.toString());
      assertThat(exit).as("killed at %s; its log:%n%s", step, Files.readString(log)).isEqualTo(137);
      if (publishedBy(step)) visible = job;
      assertThat(nightRows(out, DAYS.get(0))).as("the other night, after a kill at %s", step).isEqualTo(first);
      assertThat(nightRows(out, night)).as("the night rerun, after a kill at %s", step).isEqualTo(rowsOf.get(visible));
      assertThat(Out.table(out, "run_manifest").count()).isEqualTo(2);
    }
    inProcess("nightly", "--job", jobB.toString(), "--date", night, "--out", out.toString());
    assertThat(nightRows(out, night)).isEqualTo(rowsOf.get(jobB));
    assertThat(nightRows(out, DAYS.get(0))).isEqualTo(first);
    assertClean(out);
  }

  /** One night's rows of every table, and its manifest's run id (the manifest must describe the rows beside it). */
  static Map<String, List<String>> nightRows(Path out, String day) {
    Map<String, List<String>> rows = new java.util.TreeMap<>(TableRows.of(SharedSpark.get(), out, t -> t.filter(col("date").equalTo(day))));
    rows.put("run_manifest.run_id", Out.table(out, "run_manifest").filter(col("date").equalTo(day)).select("run_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    return rows;
  }
}
