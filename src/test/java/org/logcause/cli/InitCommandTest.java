package org.logcause.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.logcause.job.JobSpec;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SourceSpec;
import org.logcause.onboard.FormatSniffer;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * {@code init} drafts the spec a recorder wrote for its own logs: on a lab corpus (real PostgreSQL, MariaDB and
 * nginx files), on the simulator's output, and on a folder mixing every format, whose draft then runs.
 */
class InitCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run logcause(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static Map<String, SourceSpec> byPath(JobSpec spec) {
    Map<String, SourceSpec> m = new HashMap<>();
    spec.sources().forEach(s -> m.put(s.path(), s));
    return m;
  }

  /** The topology's edges written with the components of {@code theirs}, each drafted component mapped by its files. */
  private static Set<String> edges(JobSpec spec, Map<String, String> rename) {
    Set<String> e = new TreeSet<>();
    spec.topology().forEach((from, tos) -> tos.forEach(to -> e.add(rename.getOrDefault(from, from) + " -> " + rename.getOrDefault(to, to))));
    return e;
  }

  /** Checks that the draft reads every file of the recorder's spec as the recorder said, and wires them the same. */
  private static void assertDraftAgrees(JobSpec theirs, JobSpec drafted) {
    Map<String, SourceSpec> mine = byPath(drafted);
    Map<String, String> rename = new HashMap<>();
    for (SourceSpec s : theirs.sources()) {
      SourceSpec d = mine.get(s.path());
      assertThat(d).as("a drafted source for %s among %s", s.path(), mine.keySet()).isNotNull();
      assertThat(d.format()).as(s.path()).isEqualTo(s.format());
      // the draft names every field it picked, also where the defaults would have found it
      assertThat(d.options()).as(s.path()).containsAllEntriesOf(s.options());
      if (s.options().isEmpty() && !d.options().isEmpty()) {
        assertThat(s.format()).as("explicit options of %s", s.path()).isIn("json", "changes");
      }
      assertThat(d.host()).as(s.path()).isEqualTo(s.host());
      rename.put(d.component(), s.component());
    }
    assertThat(edges(drafted, rename)).isEqualTo(edges(theirs, Map.of()));
  }

  /** Copies a recorded folder's logs and change records (not its spec) to {@code logs} and runs init there: exit 0. */
  private Run initOnCopyOf(Path recorded, Path logs) throws IOException {
    copy(recorded.resolve("logs"), logs.resolve("logs"));
    copy(recorded.resolve("changes"), logs.resolve("changes"));
    Run r = logcause("init", "--logs", logs.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  @Test
  void draftsWhatTheLabRecorderWroteAndAddsTheFilesItLeftOut() throws IOException {
    Path corpus = Path.of("sample-data/lab/max-connections-mariadb-3");
    Path logs = dir.resolve("bundle");
    Run r = initOnCopyOf(corpus, logs);
    Path spec = logs.resolve("job.yaml");
    JobSpec drafted = JobSpecLoader.load(spec).spec();
    assertDraftAgrees(JobSpecLoader.load(corpus.resolve("job.yaml")).spec(), drafted);
    // the recorder's spec leaves out nginx's error log and MariaDB's slow logs: the draft reads them
    assertThat(drafted.sources()).filteredOn(s -> s.format().equals("mysql-slow")).hasSize(2);
    assertThat(drafted.sources()).filteredOn(s -> s.format().equals("nginx-error")).singleElement()
        .satisfies(s -> assertThat(s.component()).isEqualTo(byPath(drafted).get("logs/web-23/access.log.gz").component()));
    String text = Files.readString(spec);
    assertThat(text).contains("# topology guessed").contains("check them");
    assertThat(r.out()).contains("wrote " + spec).contains("8 sources, 0 files not placed");

    Run again = logcause("init", "--logs", logs.toString());
    assertThat(again.exit()).isEqualTo(Main.USAGE);
    assertThat(again.err().strip()).isEqualTo("logcause: " + spec + " exists (use --force to overwrite it, or --out to write elsewhere)");
    assertThat(logcause("init", "--logs", logs.toString(), "--force").exit()).isZero();
    assertThat(Files.readString(spec)).as("the same folder gives the same draft").isEqualTo(text);
  }

  @Test
  void draftsTheShippedSamplesSpec() throws IOException {
    Path sample = Path.of("sample-data/redcrow-2024-06-20");
    Path logs = dir.resolve("redcrow");
    initOnCopyOf(sample, logs);
    assertDraftAgrees(JobSpecLoader.load(sample.resolve("job.yaml")).spec(), JobSpecLoader.load(logs.resolve("job.yaml")).spec());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mysql"})
  void draftsTheSpecTheSimulatorWroteForItsOwnLogs(String flavour) throws IOException {
    Path sim = dir.resolve("sim");
    Run s = logcause("simulate", "--scenario", "replication-misconfig", "--seed", "5", "--flavour", flavour, "--scale", "0.1",
        "--out", sim.toString());
    assertThat(s.exit()).as(s.err()).isZero();
    Path theirs = dir.resolve("simulator.yaml");
    Files.move(sim.resolve("job.yaml"), theirs);
    Files.copy(theirs, sim.resolve("theirs.yaml")); // a spec beside the logs is not a log: skipped, not "not placed"

    Run r = logcause("init", "--logs", sim.toString(), "--out", sim.resolve("drafted.yaml").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JobSpec drafted = JobSpecLoader.load(sim.resolve("drafted.yaml")).spec();
    assertDraftAgrees(JobSpecLoader.parse(Files.readString(theirs), "simulator.yaml"), drafted);
    // the simulator's truth file is not a log: listed with its reason, commented
    assertThat(Files.readString(sim.resolve("drafted.yaml"))).contains("#   truth/lines.tsv: no known format fits");
  }

  @Test
  void aFolderMixingEveryFormatGivesASpecThatRunsAndQuarantinesAlmostNothing() throws IOException {
    SharedSpark.get();
    Path logs = dir.resolve("mixed");
    Files.createDirectories(logs.resolve("pg-syslog"));
    Files.createDirectories(logs.resolve("rds"));
    Files.createDirectories(logs.resolve("edge"));
    Files.createDirectories(logs.resolve("db-7"));
    Files.createDirectories(logs.resolve("k8s"));
    Files.createDirectories(logs.resolve("notes"));
    Files.copy(Path.of("sample-data/formats/postgresql-syslog.log"), logs.resolve("pg-syslog/messages"));
    Files.copy(Path.of("sample-data/formats/postgresql-rds.log"), logs.resolve("rds/postgresql.log.2026-12-05-08"));
    Files.copy(Path.of("sample-data/lab/dropped-index-1/logs/nginx-28/error.log.gz"), logs.resolve("edge/error.log.gz"));
    Files.copy(Path.of("sample-data/lab/dropped-index-1/logs/nginx-28/access.log.gz"), logs.resolve("edge/access.log.gz"));
    Files.copy(Path.of("sample-data/lab/max-connections-mariadb-3/logs/ip-10-27-67-2/slow.log.gz"), logs.resolve("db-7/slow.log.gz"));
    Files.copy(Path.of("sample-data/lab/max-connections-mariadb-3/logs/ip-10-27-67-2/error.log.gz"), logs.resolve("db-7/error.log.gz"));
    StringBuilder cri = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String ts = String.format("2026-12-05T08:%02d:00.000000001Z", i);
      String json = "{\"ts\":\"" + ts.substring(0, 19) + "Z\",\"severity\":\"" + (i % 7 == 0 ? "error" : "info")
          + "\",\"msg\":\"request " + i + " handled\",\"service\":\"Checkout API\"}";
      if (i % 5 == 0) {
        cri.append(ts).append(" stdout P ").append(json, 0, 20).append('\n').append(ts).append(" stdout F ").append(json.substring(20)).append('\n');
      } else {
        cri.append(ts).append(" stdout F ").append(json).append('\n');
      }
    }
    Files.writeString(logs.resolve("k8s/checkout-7d9f_default_api-1.log"), cri);
    StringBuilder docker = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      docker.append(String.format("{\"log\":\"2026-12-05 08:%02d:00.120 UTC [81%d] LOG:  checkpoint starting: time\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-05T08:%02d:00.12Z\"}%n", i, i % 10, i));
    }
    Files.writeString(logs.resolve("k8s/pg-container-json.log"), docker);
    Files.createDirectories(logs.resolve("cloud"));
    StringBuilder cloudsql = new StringBuilder();
    StringBuilder cnpg = new StringBuilder();
    for (int i = 0; i < 15; i++) {
      cloudsql.append(String.format("{\"logName\":\"projects/p/logs/cloudsql.googleapis.com%%2Fpostgres.log\",\"resource\":"
          + "{\"labels\":{\"database_id\":\"p:orders\"},\"type\":\"cloudsql_database\"},\"severity\":\"INFO\","
          + "\"textPayload\":\"[24%03d]: [1-1] db=shop,user=web LOG:  duration: %d.5 ms  statement: SELECT 1\","
          + "\"timestamp\":\"2026-12-05T08:%02d:00.1Z\"}%n", i, 500 + i, i));
      cloudsql.append(String.format("{\"logName\":\"projects/p/logs/cloudsql.googleapis.com%%2Fpostgres.log\",\"resource\":"
          + "{\"labels\":{\"database_id\":\"p:orders\"},\"type\":\"cloudsql_database\"},\"severity\":\"INFO\","
          + "\"textPayload\":\"\\tFROM orders\",\"timestamp\":\"2026-12-05T08:%02d:00.1Z\"}%n", i));
      cnpg.append(String.format("{\"level\":\"info\",\"ts\":\"2026-12-05T08:%02d:00.2Z\",\"logger\":\"postgres\",\"msg\":\"record\","
          + "\"logging_pod\":\"orders-1\",\"record\":{\"log_time\":\"2026-12-05 08:%02d:00.190 UTC\",\"error_severity\":\"%s\","
          + "\"message\":\"checkpoint complete\",\"process_id\":\"81\"}}%n", i, i, i % 4 == 0 ? "ERROR" : "LOG"));
    }
    Files.writeString(logs.resolve("cloud/postgres.log"), cloudsql);
    Files.writeString(logs.resolve("cloud/cnpg-orders-1.json"), cnpg);
    Files.write(logs.resolve("notes/core.bin"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 0, 1, 2, 3});
    Files.writeString(logs.resolve("notes/todo.txt"), "ask the DBA about the replica\nthen check the dashboards\n");

    Run r = logcause("init", "--logs", logs.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JobSpec spec = JobSpecLoader.load(logs.resolve("job.yaml")).spec();
    Map<String, SourceSpec> byPath = byPath(spec);
    assertThat(byPath).containsOnlyKeys("pg-syslog/messages", "rds/postgresql.log.2026-12-05-08", "edge/error.log.gz", "edge/access.log.gz",
        "db-7/slow.log.gz", "db-7/error.log.gz", "k8s/checkout-7d9f_default_api-1.log", "k8s/pg-container-json.log",
        "cloud/postgres.log", "cloud/cnpg-orders-1.json");
    assertThat(byPath.get("cloud/postgres.log").format()).isEqualTo("postgres-cloudsql");
    assertThat(byPath.get("cloud/cnpg-orders-1.json").format()).isEqualTo("postgres-cnpg");
    assertThat(byPath.get("pg-syslog/messages").format()).isEqualTo("postgres-syslog");
    assertThat(byPath.get("pg-syslog/messages").options()).containsEntry("log_line_prefix", "db=%d,user=%u,app=%a,client=%h ");
    assertThat(byPath.get("rds/postgresql.log.2026-12-05-08").format()).isEqualTo("postgres-rds");
    assertThat(byPath.get("edge/error.log.gz").format()).isEqualTo("nginx-error");
    assertThat(byPath.get("db-7/slow.log.gz").format()).isEqualTo("mysql-slow");
    assertThat(byPath.get("db-7/slow.log.gz").component()).isEqualTo(byPath.get("db-7/error.log.gz").component())
        .isEqualTo("db-replica");
    SourceSpec k8s = byPath.get("k8s/checkout-7d9f_default_api-1.log");
    assertThat(k8s.format()).isEqualTo("json");
    assertThat(k8s.options()).containsEntry("container", "cri").containsEntry("time_field", "ts")
        .containsEntry("level_field", "severity").containsEntry("message_field", "msg");
    assertThat(k8s.component()).isEqualTo("checkout-api");
    assertThat(byPath.get("k8s/pg-container-json.log").format()).isEqualTo("postgres");
    assertThat(byPath.get("k8s/pg-container-json.log").options()).containsEntry("container", "docker");
    String text = Files.readString(logs.resolve("job.yaml"));
    assertThat(text).contains("#   notes/core.bin: binary, not a text log").contains("#   notes/todo.txt: no known format fits");

    Path out = dir.resolve("out");
    Run run = logcause("forensic", "--job", logs.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode manifest = EvalCommand.JSON.readTree(Out.file(out, "run_manifest.json").toFile());
    for (JsonNode f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).as(f.toString()).isTrue();
    }
    for (JsonNode s : manifest.get("sources")) {
      double share = s.get("quarantined").asDouble() / Math.max(1, s.get("lines_read").asDouble());
      assertThat(share).as("quarantined share of %s", s.get("source").asText()).isLessThanOrEqualTo(FormatSniffer.MAX_REJECTED);
      assertThat(s.get("lines_read").asLong()).as(s.get("source").asText()).isPositive();
    }
    assertThat(Out.table(out, "events").filter("format = 'mysql-slow' and attributes['duration_ms'] is not null").count()).isPositive();
    // MariaDB's slow entries feed the slow-query signal of their component, as PostgreSQL's duration lines do
    assertThat(Out.table(out, "signals").filter("signal = 'slow_query_p95_ms' and component = 'db-replica' and value > 0").count())
        .isPositive();
  }

  /**
   * A bundle whose folders are links (to a recorded corpus here, to /var/log's folders in life) is read through them,
   * as ingest's globs read it; a metrics table beside the logs is not placed; a link back up is a usage error.
   */
  @Test
  void followsLinkedFoldersAndLeavesAMetricsTableOut() throws IOException {
    Path corpus = Path.of("sample-data/lab/max-connections-mariadb-3").toAbsolutePath();
    Path logs = dir.resolve("linked");
    Files.createDirectories(logs);
    for (String sub : List.of("logs", "changes", "truth")) {
      Files.createSymbolicLink(logs.resolve(sub), corpus.resolve(sub));
    }
    Run r = logcause("init", "--logs", logs.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JobSpec drafted = JobSpecLoader.load(logs.resolve("job.yaml")).spec();
    assertDraftAgrees(JobSpecLoader.load(corpus.resolve("job.yaml")).spec(), drafted);
    assertThat(r.out()).contains("8 sources, 1 files not placed")
        .contains("not placed: " + logs.resolve("truth/client-10s.tsv")).contains("not taken as MySQL's error log");

    Files.createSymbolicLink(logs.resolve("logs-again"), logs);
    Run loop = logcause("init", "--logs", logs.toString(), "--force");
    assertThat(loop.exit()).isEqualTo(Main.USAGE);
    assertThat(loop.err().strip()).startsWith("logcause: --logs: a link under").contains("leads back").doesNotContain("Exception");
  }

  @Test
  void aFolderWithoutLogsIsAUsageError() throws IOException {
    Files.writeString(dir.resolve("readme.txt"), "nothing here\n", StandardCharsets.UTF_8);
    Run r = logcause("init", "--logs", dir.toString());
    assertThat(r.exit()).isEqualTo(Main.USAGE);
    assertThat(r.err()).startsWith("logcause: init: no file under").doesNotContain("Exception");
    Run missing = logcause("init", "--logs", dir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(Main.USAGE);
    assertThat(missing.err().lines().toList()).hasSize(1);
    assertThat(List.of(dir.toFile().list())).containsExactly("readme.txt");
  }
}
