package org.logcause.ingest;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.JobSpecLoader;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/** Ingests a small multi-source folder with a deliberately dirty part and checks every count exactly. */
class IngestEndToEndTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static RunJob.Outcome outcome;
  static Path out;
  static long garbageLines;

  static final String PG = """
      2024-06-20 14:01:15.902 UTC [5180] app@orders ERROR:  canceling statement due to statement timeout
      2024-06-20 14:01:15.902 UTC [5180] app@orders STATEMENT:  UPDATE orders
      \tSET status = 'paid'
      2024-06-20 14:03:40.001 UTC [5231] [unknown]@[unknown] FATAL:  sorry, too many clients already
      2024-06-21 00:00:01.000 UTC [4101] LOG:  checkpoint starting: time
      """;
  static final String APP = """
      {"timestamp":"2024-06-20T14:03:40.300Z","level":"ERROR","message":"HikariPool-1 - Connection is not available, request timed out after 30000ms."}
      {"timestamp":"2024-06-20T14:03:41.300Z","level":"ERROR","message":"cut in the midd
      {"timestamp":"not a time","level":"INFO","message":"x"}
      """;
  static final String ACCESS = """
      203.0.113.10 - - [20/Jun/2024:14:03:10 +0000] "POST /api/orders HTTP/1.1" 504 160 "-" "m/5.2" 60.001
      203.0.113.11 - - [20/Jun/2024:14:03:13 +0000] "GET /api/orders/1 HTTP/1.1" 504 160 "-" "w/2.9" 60.000
      """;

  @BeforeAll
  static void run() throws IOException {
    spark = SharedSpark.get();
    Files.createDirectories(dir.resolve("logs/dirty"));
    Files.writeString(dir.resolve("logs/pg.log"), PG);
    Files.writeString(dir.resolve("logs/app.jsonl"), APP);
    Files.write(dir.resolve("logs/access.log.gz"), FileIngestorTest.gzip(ACCESS.getBytes(StandardCharsets.UTF_8)));
    Files.write(dir.resolve("logs/empty.log"), new byte[0]);
    byte[] garbage = new byte[20_000];
    new Random(42).nextBytes(garbage);
    Files.write(dir.resolve("logs/dirty/garbage.log"), garbage);
    garbageLines = countLines(garbage);
    byte[] gz = FileIngestorTest.gzip(PG.repeat(500).getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("logs/dirty/truncated.log.gz"), Arrays.copyOf(gz, gz.length - 40));
    Files.writeString(dir.resolve("job.yaml"), """
        job: e2e
        sources:
          - {name: pg, component: db-primary, format: postgres, path: "logs/*.log", options: {log_line_prefix: "%m [%p] %q%u@%d "}}
          - {name: app, component: app, format: json, path: logs/app.jsonl}
          - {name: web, component: web, format: access, path: "logs/access.log*"}
          - {name: dirty, component: db-primary, format: postgres, path: "logs/dirty/*"}
        """);
    out = dir.resolve("out");
    outcome = run(out);
  }

  /**
   * What the reader's aggregation counts of the events with a time is what the classify stage's pass over them
   * counts, and the scope says so only when an unwindowed forensic run analyses every one of them.
   */
  @Test
  void theReadersCountOfTimedEventsIsTheClassifyStagesCount() throws IOException {
    Path count = dir.resolve("count");
    Files.createDirectories(count);
    Files.writeString(count.resolve("pg.log"), PG);
    Files.writeString(count.resolve("app.jsonl"), APP + """
        {"timestamp":"2024-06-20T14:05:00.000Z","level":"ERROR","message":"frobnicated 3 widgets"}
        {"timestamp":"2024-06-20T14:06:00.000Z","level":"WARN","message":"quux blorp"}
        """);
    Files.writeString(count.resolve("job.yaml"), """
        job: count
        sources:
          - {name: pg, component: db, format: postgres, path: pg.log, options: {log_line_prefix: "%m [%p] %q%u@%d "}}
          - {name: app, component: app, format: json, path: app.jsonl}
        """);
    var job = JobSpecLoader.load(count.resolve("job.yaml"));
    ReadSources.Ingested ingested = new ReadSources(job, "count")
        .classifyingWith(org.logcause.classify.core.Rules.withOverrides(job.spec().rules())).apply(spark);
    try {
      ingested.readerStats();
      var pass = new org.logcause.classify.CountClassified().apply(ingested.events().filter(col("ts").isNotNull()));
      ReadSources.TimedEvents timed = ingested.timedEvents();
      assertThat(timed.events()).isGreaterThan(5).isEqualTo(pass.events());
      assertThat(timed.unknown()).isGreaterThan(0).isEqualTo(pass.unknown());
      assertThat(timed.fromMicros()).isEqualTo(pass.fromMicros());
      assertThat(timed.toMicros()).isGreaterThan(timed.fromMicros()).isEqualTo(pass.toMicros());

      var limits = job.spec().limits();
      var whole = new ScopeEvents(new ScopeEvents.Settings("count",
          new org.logcause.plan.RunPlan.Forensic("forensic", null, null, 0, false), limits))
          .apply(spark, ingested.events(), ingested.eventsPerDay());
      assertThat(whole.everyTimedEvent()).isTrue();
      assertThat(whole.analysed().count()).isEqualTo(timed.events());
      var cut = new ScopeEvents(new ScopeEvents.Settings("count",
          new org.logcause.plan.RunPlan.Forensic("forensic", null, timed.toMicros(), 0, false), limits))
          .apply(spark, ingested.events(), ingested.eventsPerDay());
      assertThat(cut.everyTimedEvent()).isFalse();
    } finally {
      ingested.release();
    }
  }

  static RunJob.Outcome run(Path target) {
    var job = JobSpecLoader.load(dir.resolve("job.yaml"));
    return new RunJob(job, org.logcause.plan.RunPlan.forensic(job, target.toString()),
        new Progress(new PrintWriter(new StringWriter()))).apply(spark);
  }

  /** Map columns cannot be compared as sets: compare their sorted entries instead. */
  private static Dataset<Row> comparable(Path out, String table) {
    Dataset<Row> rows = Out.table(out, table);
    return rows.columns().length > 0 && Arrays.asList(rows.columns()).contains("attributes")
        ? rows.withColumn("attributes", array_sort(map_entries(col("attributes"))).cast("string"))
        : rows;
  }

  static long countLines(byte[] bytes) {
    long n = 0;
    for (byte b : bytes) if (b == '\n') n++;
    return bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? n + 1 : n;
  }

  private static Map<String, FileStat> stats() {
    return outcome.files().stream().collect(Collectors.toMap(FileStat::file, f -> f));
  }

  @Test
  void writesExactEventAndQuarantineCounts() {
    Map<String, FileStat> s = stats();
    assertThat(s.get("logs/pg.log").events()).isEqualTo(3);
    assertThat(s.get("logs/pg.log").continuationLines()).isEqualTo(2);
    assertThat(s.get("logs/app.jsonl").events()).isEqualTo(1);
    assertThat(s.get("logs/app.jsonl").quarantined()).isEqualTo(2);
    assertThat(s.get("logs/access.log.gz").events()).isEqualTo(2);
    assertThat(s.get("logs/empty.log").linesRead()).isZero();
    assertThat(s.get("logs/dirty/garbage.log").linesRead()).isEqualTo(garbageLines);
    assertThat(s.get("logs/dirty/garbage.log").quarantined()).isEqualTo(garbageLines);

    Dataset<Row> events = Out.table(out, "events");
    Dataset<Row> quarantine = Out.table(out, "quarantine");
    long truncatedEvents = s.get("logs/dirty/truncated.log.gz").events();
    assertThat(events.count()).isEqualTo(3 + 1 + 2 + truncatedEvents);
    assertThat(quarantine.count()).isEqualTo(2 + garbageLines + s.get("logs/dirty/truncated.log.gz").quarantined());
  }

  @Test
  void reconcilesEveryFileAndNamesTheCorruptOne() {
    assertThat(outcome.files()).hasSize(6).allMatch(FileStat::reconciled);
    FileStat truncated = stats().get("logs/dirty/truncated.log.gz");
    assertThat(truncated.error()).startsWith("gzip stream damaged after");
    assertThat(truncated.events()).isGreaterThan(0);
    assertThat(outcome.files().stream().filter(f -> f.error() != null)).hasSize(1);
    assertThat(outcome.exitCode()).isEqualTo(RunJob.FILE_ERRORS);
    assertThat(outcome.manifest().status()).isEqualTo("completed_with_file_errors");
  }

  @Test
  void partitionsEventsByUtcDateWithDeterministicIds() throws IOException {
    try (var dates = Files.list(out.resolve("current/events"))) {
      assertThat(dates.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("date="))).contains(
          "date=2024-06-20", "date=2024-06-21");
    }
    Row pg = Out.table(out, "events")
        .filter(col("file").equalTo("logs/pg.log").and(col("line").equalTo(1))).first();
    assertThat(pg.<String>getAs("event_id")).hasSize(24);
    assertThat(pg.<String, String>getJavaMap(pg.fieldIndex("attributes"))).containsEntry("db", "orders");
    assertThat(pg.<Integer>getAs("line_count")).isEqualTo(3);
  }

  @Test
  void everyEventIsClassifiedAndHasATemplate() {
    Dataset<Row> events = Out.table(out, "events");
    for (String c : List.of("category", "subcategory", "severity", "template_id", "template")) {
      assertThat(events.filter(col(c).isNull()).count()).as("events without %s", c).isZero();
    }
    Row tooMany = events.filter(col("message").equalTo("sorry, too many clients already")).first();
    assertThat(tooMany.<String>getAs("category")).isEqualTo("connection_saturation");
    assertThat(tooMany.<String>getAs("rule_id")).isEqualTo("pg-too-many-clients");
    assertThat(tooMany.<String>getAs("severity")).isEqualTo("high");
    assertThat(tooMany.<String>getAs("template")).isEqualTo("sorry, too many clients already");
    assertThat(tooMany.<String>getAs("template_id")).hasSize(16);
    Row access = events.filter(col("format").equalTo("access")).orderBy("line").first();
    assertThat(access.<String>getAs("category")).isEqualTo("timeout");
    assertThat(access.<String>getAs("template")).isEqualTo("POST <*> <*>");
  }

  @Test
  void quarantineRowsNameFileLineAndReason() {
    List<Row> rows = Out.table(out, "quarantine")
        .filter(col("file").equalTo("logs/app.jsonl")).orderBy("line").collectAsList();
    assertThat(rows).extracting(r -> r.<Long>getAs("line")).containsExactly(2L, 3L);
    assertThat(rows.get(0).<String>getAs("reason")).startsWith("not valid JSON");
    assertThat(rows.get(1).<String>getAs("reason")).isEqualTo("unparseable timestamp in field timestamp: \"not a time\"");
    assertThat(rows.get(0).<String>getAs("run_id")).isEqualTo(outcome.manifest().runId());
  }

  /**
   * An eval run writes only what it is scored on: no events or quarantine to reconcile, so it keeps the reader's
   * counts (the same as the forensic run's) and says what it wrote, not counts of tables it did not write.
   */
  @Test
  void anEvalRunWritesTheScoredTablesAndKeepsTheReadersCounts() throws IOException {
    var job = JobSpecLoader.load(dir.resolve("job.yaml"));
    Path target = dir.resolve("out-eval");
    StringWriter progress = new StringWriter();
    RunJob.Outcome eval = new RunJob(job, org.logcause.plan.RunPlan.forensic(job, target.toString(), null, null, null,
        "eval"), new Progress(new PrintWriter(progress))).apply(spark);
    assertThat(eval.files()).extracting(FileStat::file, FileStat::linesRead, FileStat::events, FileStat::quarantined)
        .containsExactlyElementsOf(outcome.files().stream()
            .map(f -> org.assertj.core.groups.Tuple.tuple(f.file(), f.linesRead(), f.events(), f.quarantined())).toList());
    assertThat(progress.toString()).contains("[write] written: anomalies, incidents, hypotheses")
        .doesNotContainPattern("written: -?[0-9]");
    Path current = target.resolve("current");
    assertThat(current.resolve("hypotheses")).isDirectory();
    assertThat(current.resolve("events")).doesNotExist();
    assertThat(current.resolve("quarantine")).doesNotExist();
  }

  @Test
  void theSameInputGivesTheSameRows() {
    Path again = dir.resolve("out-again");
    run(again);
    JavaDataFrameSuiteBase frames = new JavaDataFrameSuiteBase();
    for (String table : List.of("events", "quarantine")) {
      frames.assertDataFrameNoOrderEquals(comparable(out, table), comparable(again, table));
    }
  }
}
