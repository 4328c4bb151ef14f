package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * What a hostile or careless bundle does to a run: inputs inside the output folder (or the output inside the
 * inputs), a few lines dated 1970 and 2999, glob matches that are not files. The run refuses, or goes on and says
 * what it set aside; it never deletes an input and never lets a handful of lines hide the incident.
 */
class HostileInputTest {
  @TempDir static Path dir;
  static Path scenario;

  @BeforeAll
  static void aSmallOutage() {
    SharedSpark.get();
    scenario = dir.resolve("scenario");
    assertThat(Main.run("simulate", "--scenario", "replication-misconfig", "--seed", "3", "--scale", "0.1",
        "--start", "2026-03-01T01:00:00Z", "--out", scenario.toString())).isZero();
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void inputsInAFolderNamedLikeATableInsideTheOutputFolderAreRefusedAndKept() throws Exception {
    Path out = dir.resolve("case1/out");
    Path input = out.resolve("signals/app.jsonl");
    Files.createDirectories(input.getParent());
    Files.copy(scenario.resolve("logs").resolve(firstHostWith("app.jsonl")).resolve("app.jsonl"), input);
    byte[] before = Files.readAllBytes(input);
    Files.writeString(dir.resolve("case1/job.yaml"),
        "job: t\nsources:\n  - {name: app, component: app, format: json, path: out/signals/*.jsonl}\n");
    for (String target : List.of(out.toString(), out.resolve("signals").toString())) {
      Run r = run("forensic", "--job", dir.resolve("case1/job.yaml").toString(), "--out", target);
      assertThat(r.exit()).as(r.err()).isEqualTo(Main.USAGE);
      assertThat(r.err()).startsWith("logcause: the output folder " + target + " overlaps sources[0] (app) path \"out/signals/*.jsonl\"")
          .doesNotContain("\tat ");
      assertThat(r.err().lines().count()).isEqualTo(1);
    }
    assertThat(Files.readAllBytes(input)).isEqualTo(before);
    try (var left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("signals"); // not even a lock was taken
    }
  }

  private static String firstHostWith(String file) throws Exception {
    try (var hosts = Files.list(scenario.resolve("logs"))) {
      return hosts.filter(h -> Files.exists(h.resolve(file))).findFirst().orElseThrow().getFileName().toString();
    }
  }

  /**
   * Two lines dated 1970 and 2999 beside a dangling link and a folder matched by a glob: the outlier lines are
   * quarantined as implausible_time and counted per file, the window stays 10 s, the incident and its root cause are
   * the same as without them, no partition of 1970 or 2999 appears, and the skipped matches are named.
   */
  @Test
  void outlierDatesAndOddGlobMatchesNeitherHideTheIncidentNorVanish() throws Exception {
    Path clean = dir.resolve("case2/clean");
    Run first = run("forensic", "--job", scenario.resolve("job.yaml").toString(), "--out", clean.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    Row expected = Out.table(clean, "incident_summary").first();

    Path hostile = dir.resolve("case2/hostile");
    org.apache.commons.io.FileUtils.copyDirectory(scenario.toFile(), hostile.toFile());
    String host = firstHostWith("access.log");
    Path access = hostile.resolve("logs").resolve(host).resolve("access.log");
    List<String> lines = Files.readAllLines(access);
    String sample = lines.get(lines.size() / 2);
    String stamp = sample.substring(sample.indexOf('[') + 1, sample.indexOf(']'));
    Files.write(access, List.of(sample.replace(stamp, "01/Jan/1970:00:00:00 +0000"), sample.replace(stamp, "01/Jan/2999:00:00:00 +0000")),
        StandardOpenOption.APPEND);
    String spec = Files.readString(hostile.resolve("job.yaml"));
    Files.writeString(hostile.resolve("job.yaml"), spec.replace("path: logs/" + host + "/access.log", "path: logs/" + host + "/*.log"));
    Files.createDirectories(hostile.resolve("logs").resolve(host).resolve("rotated.log"));
    Files.createSymbolicLink(hostile.resolve("logs").resolve(host).resolve("old.log"), hostile.resolve("gone.log"));

    Path out = dir.resolve("case2/out");
    Run r = run("forensic", "--job", hostile.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 lines of events dated outside", "quarantined (implausible_time)")
        .contains("note: skipped " + hostile.resolve("logs").resolve(host).resolve("old.log") + " (source web): dangling symbolic link")
        .contains("rotated.log (source web): a folder");

    Row found = Out.table(out, "incident_summary").first();
    assertThat(found.<String>getAs("root_cause")).isEqualTo(expected.getAs("root_cause"));
    assertThat(found.<Object>getAs("start")).isEqualTo(expected.getAs("start"));
    assertThat(Out.table(out, "signals").select("window_seconds").distinct().collectAsList()).extracting(x -> x.getInt(0)).containsExactly(10);
    assertThat(Out.table(out, "events").select("date").distinct().collectAsList()).extracting(x -> x.getDate(0).toString())
        .containsExactly("2026-03-01");
    List<Row> implausible = Out.table(out, "quarantine").filter(col("reason").startsWith("implausible_time")).collectAsList();
    assertThat(implausible).hasSize(2).allSatisfy(q -> assertThat(q.<String>getAs("file")).endsWith("access.log"));
    assertThat(implausible).extracting(q -> q.<String>getAs("raw")).anyMatch(raw -> raw.startsWith("[1970-01-01T00:00:00Z] "))
        .anyMatch(raw -> raw.startsWith("[2999-01-01T00:00:00Z] "));

    JsonNode manifest = EvalCommand.JSON.readTree(Out.file(out, "run_manifest.json").toFile());
    assertThat(manifest.get("skipped")).hasSize(2);
    assertThat(manifest.get("plausible_from").asText()).startsWith("2025-03-01");
    for (JsonNode f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).isTrue();
      assertThat(f.get("implausible_time").asLong()).as(f.get("file").asText()).isEqualTo(f.get("file").asText().endsWith("access.log") ? 2 : 0);
    }
  }
}
