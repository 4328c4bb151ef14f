package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.logcause.simulate.Labels;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * Two committed lab corpora (logs real PostgreSQL, MariaDB and nginx servers wrote during reproduced outages, see
 * lab/README.md), both from the development half, run through the forensic command as a user would run them: every
 * file reconciles, every source's quarantine rate stays under {@link #MAX_QUARANTINE_SHARE}, and the incident the
 * clients felt is found and attributed to its labelled root cause at rank 1.
 */
class LabCorporaTest {
  /**
   * The bound on any source's quarantined share of lines: real servers write lines their parsers read, so a share
   * above this means a parser lost its footing on real text.
   */
  static final double MAX_QUARANTINE_SHARE = 0.002;

  @TempDir static Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sync-standby-1", "sync-standby-mariadb-3", "db-killed-1"})
  void aLabCorpusReconcilesParsesCleanlyAndItsRootCauseRanksFirst(String corpus) throws Exception {
    SharedSpark.get();
    Path folder = Path.of("sample-data/lab").resolve(corpus);
    Path out = dir.resolve(corpus);
    StringWriter console = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(console, true), new PrintWriter(err, true), "forensic", "--job",
        folder.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();

    JsonNode manifest = EvalCommand.JSON.readTree(Out.file(out, "run_manifest.json").toFile());
    for (JsonNode f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).as(f.toString()).isTrue();
    }
    for (JsonNode s : manifest.get("sources")) {
      double share = s.get("quarantined").asDouble() / Math.max(1, s.get("lines_read").asDouble());
      assertThat(share).as("quarantined share of %s", s.get("source").asText()).isLessThanOrEqualTo(MAX_QUARANTINE_SHARE);
      assertThat(s.get("lines_read").asLong()).as(s.get("source").asText()).isPositive();
    }

    Labels labels = EvalCommand.JSON.readValue(folder.resolve("labels.json").toFile(), Labels.class);
    List<Row> summaries = Out.table(out, "incident_summary").collectAsList();
    Row matching = summaries.stream().filter(r -> overlaps(r, labels)).findFirst().orElse(null);
    assertThat(matching).as("an incident overlapping the one the clients felt, among %s", summaries).isNotNull();
    assertThat(matching.<String>getAs("root_cause_component")).isEqualTo(labels.rootCause().component());
    assertThat(matching.<String>getAs("root_cause_category")).isEqualTo(labels.rootCause().category());
    assertThat(matching.<String>getAs("change_id")).isEqualTo(labels.rootCause().changeId());

    // every detour the responders took is named as a misleading lead
    String incident = matching.getAs("incident_id");
    Dataset<Row> hypotheses = Out.table(out, "hypotheses").filter(col("incident_id").equalTo(incident));
    for (Labels.Signal m : labels.misleading()) {
      assertThat(hypotheses.filter(col("verdict").equalTo("MISLEADING").and(col("category").equalTo(m.category()))
          .and(col("component").equalTo(m.component()))).count()).as("misleading %s on %s", m.category(), m.component())
          .isEqualTo(1);
    }
    // the root cause cites log lines by event id, and each is an event of the run
    List<String> cited = hypotheses.filter(col("rank").equalTo(1))
        .selectExpr("explode(evidence) as e").filter("e.kind = 'line'").select("e.event_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(cited).hasSizeGreaterThanOrEqualTo(3);
    assertThat(Out.table(out, "events").filter(col("event_id").isin(cited.toArray())).count()).isEqualTo(cited.size());
  }

  /**
   * A bundle that starts minutes before the fault: the first 40% of its data holds the volume filling up. The
   * baseline must end before the errors' first sustained change, so the fault's own lines are seen, at their time.
   */
  @org.junit.jupiter.api.Test
  void aShortBundlesBaselineEndsBeforeTheFaultSoTheFaultIsSeen() throws Exception {
    SharedSpark.get();
    Path folder = Path.of("sample-data/lab/disk-full-1");
    Path out = dir.resolve("disk-full-1");
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "forensic", "--job",
        folder.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();
    Labels labels = EvalCommand.JSON.readValue(folder.resolve("labels.json").toFile(), Labels.class);
    JsonNode manifest = EvalCommand.JSON.readTree(Out.file(out, "run_manifest.json").toFile());
    assertThat(manifest.get("baseline").asText()).contains("before the first sustained change");
    long onset = java.time.Instant.parse(labels.rootCause().onset()).toEpochMilli();
    List<Row> found = Out.table(out, "anomalies").filter(col("component").equalTo(labels.rootCause().component())
        .and(col("signal").equalTo("category:" + labels.rootCause().category()))).collectAsList();
    assertThat(found).as("the fault's own signal").isNotEmpty();
    assertThat(Math.abs(found.get(0).getTimestamp(found.get(0).fieldIndex("onset")).getTime() - onset))
        .as("dated at the fault").isLessThanOrEqualTo(20_000L);
    assertThat(Out.table(out, "hypotheses").filter(col("component").equalTo(labels.rootCause().component())
        .and(col("category").equalTo(labels.rootCause().category())).and(col("rank").leq(3))).count())
        .as("among the first three hypotheses").isEqualTo(1);
  }

  /**
   * Read up to the fix, as during the incident: the clients failed for twenty seconds before anything changed, the
   * service recovered, a feature flag was turned on, and only then a migration dropped the index. The flag came after
   * that first burst was over, so it did not cause it; the migration is the root cause, and the service's timeouts
   * are dated from when they came back.
   */
  @org.junit.jupiter.api.Test
  void aFlagTurnedOnAfterAnEarlierBurstWasOverDoesNotTakeTheMigrationsIncident() throws Exception {
    ToTheFix run = rootCauseUpToTheFix("dropped-index-mariadb-3");
    List<String> timeouts = run.hypotheses().filter(col("category").equalTo("timeout").and(col("verdict").equalTo("SYMPTOM")))
        .select("explanation").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(timeouts).anyMatch(e -> e.contains("began again at") && e.contains(run.changeId()));
  }

  /**
   * bad-deploy-12, read up to the rollback: a feature flag turned on 7 s before the service's release, both within
   * the clock-skew tolerance of the first failure. The service logged no failure until the release's rollout (its own
   * shutdown line), and the first came 0.7 s after it: the release is the root cause, and the flag's evidence says why
   * it lost, citing that first failure's line.
   */
  @org.junit.jupiter.api.Test
  void aReleaseRolledOutSecondsAfterAFlagTakesTheFailuresThatBeganAtItsRollout() throws Exception {
    ToTheFix run = rootCauseUpToTheFix("bad-deploy-12");
    List<Row> lost = run.hypotheses().filter(col("category").equalTo("config_change").and(col("change_id").isNotNull()))
        .collectAsList();
    assertThat(lost).isNotEmpty();
    assertThat(lost.get(0).<String>getAs("verdict")).isNotEqualTo("ROOT_CAUSE");
    List<Row> evidence = lost.get(0).getList(lost.get(0).fieldIndex("evidence"));
    assertThat(evidence).anyMatch(e -> "test:superseded".equals(e.getAs("kind")) && e.getAs("event_id") != null
        && e.<String>getAs("detail").contains(run.changeId()));
  }

  /**
   * connection-leak-mariadb-19, read up to the rollback: a release that leaks connections, a feature flag turned on
   * 19 s before it, the database refusing connections two minutes later. The service's restart freed them: the
   * clients were fine for 80 s, then failed the same way again. That relapse is the release's evidence (citing the
   * restart's record) and the restart is no "restart it" detour.
   */
  @org.junit.jupiter.api.Test
  void aFaultThatCameBackOnItsOwnAfterTheServicesRestartIsItsReleasesLeak() throws Exception {
    ToTheFix run = rootCauseUpToTheFix("connection-leak-mariadb-19");
    Row root = run.hypotheses().filter(col("rank").equalTo(1)).collectAsList().get(0);
    assertThat(root.<String>getAs("category")).isEqualTo("deploy");
    List<Row> evidence = root.getList(root.fieldIndex("evidence"));
    assertThat(evidence).anyMatch(e -> "test:relapse".equals(e.getAs("kind")) && e.getAs("event_id") != null);
    Row restart = run.hypotheses().filter(col("category").equalTo("restart")
        .and(col("component").equalTo(run.labels().rootCause().component()))).collectAsList().get(0);
    assertThat(restart.<String>getAs("verdict")).isNotEqualTo("MISLEADING");
    assertThat(restart.<String>getAs("explanation")).contains("helped for a while");
  }

  /**
   * proxy-timeout-21, read up to the revert: a planner setting changed on the primary (harmless), then 14 s later
   * nginx's upstream read timeout cut to 80 ms: 504s at the edge at once, while the service between logged nothing
   * wrong until the detours. The edge's own change is the root cause; the database's change does not take the edge's
   * failures through the silent service (its evidence says so).
   */
  @org.junit.jupiter.api.Test
  void anEdgeSettingTakesTheEdgesFailuresFromADatabaseSettingTheSilentServiceBetweenCannotCarry() throws Exception {
    ToTheFix run = rootCauseUpToTheFix("proxy-timeout-21");
    Row root = run.hypotheses().filter(col("rank").equalTo(1)).collectAsList().get(0);
    assertThat(root.<String>getAs("change_id")).isEqualTo(run.labels().rootCause().changeId());
    Row db = run.hypotheses().filter(col("category").equalTo("config_change")
        .and(col("component").notEqual(run.labels().rootCause().component()))).collectAsList().get(0);
    List<Row> evidence = db.getList(db.fieldIndex("evidence"));
    assertThat(evidence).anyMatch(e -> "test:path".equals(e.getAs("kind")) && e.getAs("event_id") != null);
    assertThat(db.<Double>getAs("score")).isLessThan(root.<Double>getAs("score"));
  }

  /**
   * Read up to the revert. dropped-index-13: a feature flag on the service recorded 8 s before a migration on the
   * primary; both explain the same timeouts by timing and topology, and the primary logged nothing of the migration.
   * The replica's log shows a statement never slow before from 1.6 s after the migration, reading the table whose
   * index the migration names: the migration is the root cause, its evidence citing that line. dropped-index-mariadb-6:
   * the service was failing a minute before the migration (a loaded machine), and MariaDB's error log holds no
   * statement; its slow log (format mysql-slow) does, from 3 s after the migration.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"dropped-index-13", "dropped-index-mariadb-6"})
  void aMigrationNamingTheTableOfTheNewlySlowStatementsIsTheRootCauseCitingOne(String corpus) throws Exception {
    ToTheFix run = rootCauseUpToTheFix(corpus);
    Row root = run.hypotheses().filter(col("rank").equalTo(1)).collectAsList().get(0);
    List<Row> evidence = root.getList(root.fieldIndex("evidence"));
    Row object = evidence.stream().filter(e -> "test:object".equals(e.getAs("kind"))).findFirst().orElseThrow();
    String eventId = object.getAs("event_id");
    assertThat(object.<String>getAs("detail")).contains("orders");
    assertThat(Out.table(run.out(), "events").filter(col("event_id").equalTo(eventId)).select("message")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).singleElement().asString().contains("FROM orders");
  }

  /**
   * A dropped index that slowed the frequent query for three minutes, until it was reverted: the clients' p95 went
   * from about 0.5 s to 0.6-1 s and one window in thirty failed, under the line of an outage. The slowdown's
   * anomalies are found, but no incident is opened and nothing is called a root cause.
   */
  @org.junit.jupiter.api.Test
  void aFaultTheUsersDidNotFeelIsADegradationNotAnIncident() throws Exception {
    SharedSpark.get();
    Path folder = Path.of("sample-data/lab/dropped-index-6");
    Labels labels = EvalCommand.JSON.readValue(folder.resolve("labels.json").toFile(), Labels.class);
    assertThat(labels.incident()).as("labelled quiet").isNull();
    Path out = dir.resolve("dropped-index-6");
    StringWriter console = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(console, true), new PrintWriter(err, true), "forensic", "--job",
        folder.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(console.toString()).contains("0 incidents and 1 degradation below the user-impact line", "no incident found")
        .containsPattern("degradation 2026-12-05 22:4\\d:\\d\\d – 2026-12-05 22:5\\d:\\d\\d UTC, components [a-z0-9, -]*frontend");
    assertThat(Out.table(out, "incidents").count()).isZero();
    assertThat(Out.table(out, "hypotheses").count()).isZero();
    assertThat(Out.table(out, "anomalies").filter(col("signal").equalTo("latency_p95_ms")
        .and(col("incident_id").isNull())).count()).as("the slowdown itself, kept as anomalies").isPositive();
  }

  /**
   * The same corpora without their change feed, as a user without one would run them: the root cause is found from
   * what the servers logged themselves. sync-standby-16: PostgreSQL's own line of the parameter changing, and its
   * reset to default as the revert; bad-deploy-12: the version the service named at its restarts, and the earlier
   * version coming back as the rollback. Each is cited by its event, and the fix is credited with the recovery.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sync-standby-16", "bad-deploy-12"})
  void withoutItsChangeFeedTheRootCauseIsWhatTheServersLoggedOfTheChange(String corpus) throws Exception {
    SharedSpark.get();
    Path folder = Path.of("sample-data/lab").resolve(corpus).toAbsolutePath();
    com.fasterxml.jackson.databind.ObjectMapper yaml = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    com.fasterxml.jackson.databind.node.ObjectNode spec =
        (com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(folder.resolve("job.yaml").toFile());
    com.fasterxml.jackson.databind.node.ArrayNode sources = yaml.createArrayNode();
    for (JsonNode source : spec.get("sources")) {
      if (!source.get("format").asText().equals("changes")) {
        sources.add(((com.fasterxml.jackson.databind.node.ObjectNode) source.deepCopy())
            .put("path", folder.resolve(source.get("path").asText()).toString()).put("allow_outside", true));
      }
    }
    assertThat(sources.size()).isLessThan(spec.get("sources").size());
    spec.set("sources", sources);
    Path job = java.nio.file.Files.createDirectories(dir.resolve(corpus + "-no-feed")).resolve("job.yaml");
    yaml.writeValue(job.toFile(), spec);
    Path out = dir.resolve(corpus + "-no-feed-out");
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "forensic", "--job",
        job.toString(), "--out", out.toString());
    assertThat(exit).as(err.toString()).isZero();

    Labels labels = labels(corpus);
    Row matching = Out.table(out, "incident_summary").collectAsList().stream().filter(r -> overlaps(r, labels))
        .findFirst().orElseThrow();
    assertThat(matching.<String>getAs("root_cause_component")).isEqualTo(labels.rootCause().component());
    assertThat(matching.<String>getAs("root_cause_category")).isEqualTo(labels.rootCause().category());
    Row root = Out.table(out, "hypotheses").filter(col("incident_id").equalTo(matching.<String>getAs("incident_id"))
        .and(col("rank").equalTo(1))).collectAsList().get(0);
    List<Row> evidence = root.getList(root.fieldIndex("evidence"));
    Row change = evidence.stream().filter(e -> "change".equals(e.getAs("kind"))).findFirst().orElseThrow();
    long onset = java.time.Instant.parse(labels.rootCause().onset()).toEpochMilli();
    Row line = Out.table(out, "events").filter(col("event_id").equalTo(change.<String>getAs("event_id")))
        .collectAsList().get(0);
    assertThat(line.<String>getAs("component")).isEqualTo(labels.rootCause().component());
    assertThat(Math.abs(change.getTimestamp(change.fieldIndex("ts")).getTime() - onset)).as("dated at the change")
        .isLessThanOrEqualTo(2_000L);
    assertThat(evidence).anyMatch(e -> "remediation".equals(e.getAs("kind")) && e.<String>getAs("detail").contains("recovered"));
  }

  private static Labels labels(String corpus) throws Exception {
    return EvalCommand.JSON.readValue(Path.of("sample-data/lab", corpus, "labels.json").toFile(), Labels.class);
  }

  /** A corpus read up to its fix: its labels, the run's output, and the summary of the incident matching the labelled one. */
  private record ToTheFix(Labels labels, Path out, Row incident) {
    String changeId() {
      return labels.rootCause().changeId();
    }

    /** The hypotheses of that incident. */
    Dataset<Row> hypotheses() {
      return Out.table(out, "hypotheses").filter(col("incident_id").equalTo(incident.<String>getAs("incident_id")));
    }
  }

  /** The corpus read up to its fix, its incident's root cause checked to be the labelled change. */
  private static ToTheFix rootCauseUpToTheFix(String corpus) throws Exception {
    Labels labels = labels(corpus);
    Path out = upToTheFix(corpus, labels);
    Row matching = Out.table(out, "incident_summary").collectAsList().stream().filter(r -> overlaps(r, labels))
        .findFirst().orElseThrow();
    assertThat(matching.<String>getAs("change_id")).isEqualTo(labels.rootCause().changeId());
    return new ToTheFix(labels, out, matching);
  }

  /** A forensic run over the corpus's logs of the hour before its labelled fix, as during the incident; its output. */
  private static Path upToTheFix(String corpus, Labels labels) throws Exception {
    SharedSpark.get();
    Path out = dir.resolve(corpus + "-to-fix");
    String fix = labels.remediation().stream().filter(r -> r.effect().startsWith("recovered")).findFirst().orElseThrow().time();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "forensic", "--job",
        Path.of("sample-data/lab", corpus, "job.yaml").toString(), "--out", out.toString(),
        "--from", java.time.Instant.parse(fix).minusSeconds(3600).toString(), "--to", fix);
    assertThat(exit).as(err.toString()).isZero();
    return out;
  }

  static boolean overlaps(Row summary, Labels labels) {
    long s = summary.getTimestamp(summary.fieldIndex("start")).getTime();
    long e = summary.getTimestamp(summary.fieldIndex("end")).getTime();
    long from = java.time.Instant.parse(labels.incident().start()).toEpochMilli();
    long to = java.time.Instant.parse(labels.incident().end()).toEpochMilli();
    return s < to && e > from;
  }
}
