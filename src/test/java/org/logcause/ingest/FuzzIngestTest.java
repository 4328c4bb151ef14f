package org.logcause.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.cli.Main;
import org.logcause.job.JobSpecLoader;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * Every format fed a garbled copy of good lines: random bytes, cut lines, Latin-1 bytes, a 2 MB line, timestamps in
 * the far future and past, and the file twice (a duplicate). The full pipeline must not crash, every line must be
 * accounted for, every quarantined line must say why, and the good lines must come out as they do from a clean file.
 */
class FuzzIngestTest {
  @TempDir static Path dir;

  /** Good lines of a format, the date token they carry, and the options the source needs. */
  record Format(String name, String options, String date, String future, String past, List<String> good) {}

  static final List<Format> FORMATS = List.of(
      new Format("postgres", "{log_line_prefix: '%m [%p] '}", "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "2024-06-20 14:00:00.123 UTC [101] LOG:  checkpoint starting: time",
          "2024-06-20 14:00:05.000 UTC [102] ERROR:  canceling statement due to statement timeout",
          "\tSTATEMENT:  select pg_sleep(10)",
          "2024-06-20 14:00:09.500 UTC [103] FATAL:  sorry, too many clients already")),
      new Format("postgres-csv", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "\"2024-06-20 14:00:01.269 UTC\",\"app\",\"shop\",1001,\"192.0.2.10:54321\",1.3e9,1,\"SELECT\",\"2024-06-20 14:00:00 UTC\",1/1,0,LOG,00000,\"duration: 688.2 ms\",,,,,,,,,\"psql\",\"client backend\",0",
          "\"2024-06-20 14:00:02.000 UTC\",\"app\",\"shop\",1002,\"192.0.2.10:54322\",1.3e9,1,\"SELECT\",\"2024-06-20 14:00:00 UTC\",1/1,0,ERROR,57014,\"canceling statement due to statement timeout\",,,,,,,,,\"psql\",\"client backend\",0")),
      new Format("postgres-json", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "{\"timestamp\":\"2024-06-20 14:00:07.369 UTC\",\"pid\":58151,\"error_severity\":\"LOG\",\"message\":\"automatic analyze of table t\",\"backend_type\":\"autovacuum worker\"}",
          "{\"timestamp\":\"2024-06-20 14:00:08.000 UTC\",\"pid\":58152,\"error_severity\":\"ERROR\",\"message\":\"deadlock detected\",\"backend_type\":\"client backend\"}")),
      new Format("mysql-error", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "2024-06-20T14:00:02.936146Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.",
          "2024-06-20T14:00:03.000001Z 12 [ERROR] [MY-010584] [Repl] Replica SQL for channel '': Error_code: MY-001062")),
      new Format("json", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "{\"timestamp\":\"2024-06-20T14:00:00.100Z\",\"level\":\"INFO\",\"logger\":\"http\",\"message\":\"GET /api/cart 200 in 12 ms\"}",
          "{\"timestamp\":\"2024-06-20T14:00:01.100Z\",\"level\":\"ERROR\",\"logger\":\"db\",\"message\":\"Connection is not available, request timed out after 30000ms\"}")),
      new Format("changes", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "{\"time\":\"2024-06-20T13:59:24.201Z\",\"id\":\"c-64\",\"type\":\"config_change\",\"target\":\"db\",\"parameter\":\"max_connections\",\"old\":\"100\",\"new\":\"20\",\"actor\":\"dba\"}")),
      new Format("log4j", "{pattern: '[%d] %p %m (%c)%n'}", "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "[2024-06-20 14:00:00,123] INFO Kafka version: 3.6.0 (org.apache.kafka.common.utils.AppInfoParser)",
          "[2024-06-20 14:00:01,000] ERROR Error processing fetch (kafka.server.ReplicaManager)",
          "java.io.IOException: Connection reset by peer",
          "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)")),
      new Format("access", null, "20/Jun/2024", "31/Dec/9999", "01/Jan/1900", List.of(
          "203.0.113.7 - - [20/Jun/2024:14:00:00 +0000] \"GET /api/cart HTTP/1.1\" 200 512 \"-\" \"curl/8.0\" 0.012",
          "203.0.113.8 - - [20/Jun/2024:14:00:01 +0000] \"POST /api/orders HTTP/1.1\" 504 0 \"-\" \"app/5.2\" 60.001")),
      new Format("syslog", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "<34>1 2024-06-20T14:00:00.000Z web1 sshd 1234 ID47 - authentication failure for root",
          "<13>1 2024-06-20T14:00:02.000Z web1 kernel - - - TCP: out of memory -- consider tuning tcp_mem")),
      new Format("nginx-error", null, "2024/06/20", "9999/12/31", "1900/01/01", List.of(
          "2024/06/20 14:00:00 [error] 31#31: *4021 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.10, server: shop, request: \"POST /api/orders HTTP/1.1\", upstream: \"http://10.0.0.9:8080/api/orders\", host: \"shop\"",
          "2024/06/20 14:00:01 [notice] 31#31: signal process started")),
      new Format("mysql-slow", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "# Time: 2024-06-20T14:00:00.698433Z",
          "# User@Host: web[web] @ app-1 [10.0.0.7]  Id:     3",
          "# Query_time: 2.003464  Lock_time: 0.000324 Rows_sent: 1  Rows_examined: 2000",
          "SET timestamp=1718892000;",
          "SELECT * FROM orders",
          "WHERE customer_id = 7;")),
      new Format("postgres-syslog", "{log_line_prefix: 'db=%d,user=%u '}", "Jun 20", "Dec 99", "Jan 00", List.of(
          "Jun 20 14:00:00 db-1 postgres[812]: [8-1] db=shop,user=web LOG:  duration: 602.880 ms  statement: SELECT owner,",
          "Jun 20 14:00:00 db-1 postgres[812]: [8-2] #011#011sum(balance) AS total",
          "Jun 20 14:00:01 db-1 postgres[813]: [9-1] db=shop,user=web ERROR:  canceling statement due to statement timeout",
          "Jun 20 14:00:01 db-1 postgres[813]: [9-2] db=shop,user=web STATEMENT:  SELECT pg_sleep(10)")),
      new Format("postgres-cloudsql", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "{\"resource\":{\"labels\":{\"database_id\":\"p:db\"},\"type\":\"cloudsql_database\"},\"severity\":\"INFO\",\"textPayload\":\"[24667]: [1-1] db=shop,user=web LOG:  automatic vacuum of table t\",\"timestamp\":\"2024-06-20T14:00:00.382318Z\"}",
          "{\"resource\":{\"labels\":{\"database_id\":\"p:db\"},\"type\":\"cloudsql_database\"},\"severity\":\"INFO\",\"textPayload\":\"\\tpages: 0 removed\",\"timestamp\":\"2024-06-20T14:00:00.382318Z\"}")),
      new Format("postgres-cnpg", null, "2024-06-20", "9999-12-31", "1900-01-01", List.of(
          "{\"level\":\"info\",\"ts\":\"2024-06-20T14:00:00.123Z\",\"logger\":\"postgres\",\"msg\":\"record\",\"logging_pod\":\"db-1\",\"record\":{\"log_time\":\"2024-06-20 14:00:00.120 UTC\",\"error_severity\":\"ERROR\",\"message\":\"deadlock detected\"}}")),
      new Format("regex", "{pattern: '^(?<ts>\\S+) (?<level>[A-Z]+) (?<msg>.*)$', multiline: none}", "2024-06-20", "9999-12-31",
          "1900-01-01", List.of(
          "2024-06-20T14:00:00Z INFO worker started",
          "2024-06-20T14:00:05Z ERROR worker lost connection to queue")));

  static Path clean;
  static Path garbled;
  static final long SEED = 20261125L;

  @BeforeAll
  static void writeFiles() throws Exception {
    clean = dir.resolve("clean");
    garbled = dir.resolve("garbled");
    Random random = new Random(SEED);
    StringBuilder cleanJob = new StringBuilder("job: fuzz-clean\nsources:\n");
    StringBuilder garbledJob = new StringBuilder("job: fuzz-garbled\nsources:\n");
    for (Format f : FORMATS) {
      Path c = clean.resolve(f.name());
      Path g = garbled.resolve(f.name());
      Files.createDirectories(c);
      Files.createDirectories(g);
      Files.write(c.resolve("a.log"), (String.join("\n", f.good()) + "\n").getBytes(StandardCharsets.UTF_8));
      byte[] bad = garble(f, random);
      Files.write(g.resolve("a.log"), bad);
      Files.write(g.resolve("a-copy.log"), bad); // a duplicated file
      String options = f.options() == null ? "" : "\n    options: " + f.options();
      cleanJob.append(source(f, "clean")).append(options).append('\n');
      garbledJob.append(source(f, "garbled")).append(options).append('\n');
    }
    Files.writeString(dir.resolve("clean.yaml"), cleanJob);
    Files.writeString(dir.resolve("garbled.yaml"), garbledJob);
  }

  static String source(Format f, String folder) {
    return "  - name: " + f.name() + "\n    component: " + f.name() + "\n    format: " + f.name() + "\n    path: '" + folder + "/"
        + f.name() + "/*.log'";
  }

  /** The good lines with garbage around them, seeded. */
  static byte[] garble(Format f, Random random) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String first = f.good().get(0);
    // Garbage before the first good line: a continuation with nothing to continue, random bytes, a cut line.
    out.write(randomBytes(random, 40));
    out.write('\n');
    out.write(first.substring(0, Math.max(1, first.length() / 3)).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    for (String line : f.good()) {
      out.write(line.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    // After the good lines: far-future and far-past copies, Latin-1 bytes, a 2 MB line, random bytes, a cut line,
    // and a last line without its newline.
    out.write(first.replace(f.date(), f.future()).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.write(first.replace(f.date(), f.past()).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.write((first.substring(0, first.length() / 2) + " caf\u00e9 na\u00efve").getBytes(StandardCharsets.ISO_8859_1));
    out.write('\n');
    byte[] huge = new byte[2 * 1024 * 1024];
    Arrays.fill(huge, (byte) 'x');
    out.write(huge);
    out.write('\n');
    out.write(randomBytes(random, 200));
    out.write('\n');
    out.write(first.substring(0, first.length() / 2).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    for (int i = 0; i < n; i++) {
      if (b[i] == '\n' || b[i] == '\r') b[i] = 0x01;
    }
    return b;
  }

  @Test
  void theFullPipelineRunsAndAccountsForEveryLine() throws Exception {
    Path out = dir.resolve("out");
    StringWriter console = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(console, true), new PrintWriter(err, true),
        "forensic", "--job", dir.resolve("garbled.yaml").toString(), "--out", out.toString());
    assertThat(exit).as(err.toString()).isIn(0, 1); // 1: a file-level error, named; never a crash
    var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Out.file(out, "run_manifest.json").toFile());
    assertThat(manifest.get("files")).hasSize(2 * FORMATS.size());
    long lines = FORMATS.stream().mapToLong(f -> f.good().size() + 8).sum() * 2; // 8 garbage lines per file
    long read = 0;
    for (var f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).as(f.toString()).isTrue();
      assertThat(f.get("quarantined").asLong()).as("the 2 MB line at least, in %s", f.get("file")).isPositive();
      read += f.get("lines_read").asLong();
    }
    assertThat(read).isEqualTo(lines);

    SparkSession spark = SharedSpark.get();
    Dataset<Row> quarantine = Out.table(out, "quarantine");
    assertThat(quarantine.filter(col("reason").isNull().or(col("reason").equalTo(""))).count()).isZero();
    assertThat(quarantine.filter(col("reason").contains("exceeds limits.max_line_bytes")).count()).as("the 2 MB lines").isEqualTo(2L * FORMATS.size());
    assertThat(quarantine.filter(org.apache.spark.sql.functions.length(col("raw")).gt(1024)).count()).isZero();
  }

  @Test
  void theGoodLinesComeOutAsFromACleanFile() {
    SparkSession spark = SharedSpark.get();
    Set<String> fromClean = firstLines(spark, "clean.yaml");
    Set<String> fromGarbled = firstLines(spark, "garbled.yaml");
    // formats whose entries span several of these lines: their number of entries
    Map<String, Integer> entries = Map.of("mysql-slow", 1, "postgres-syslog", 2, "postgres-cloudsql", 1);
    assertThat(fromClean).hasSize(FORMATS.stream().mapToInt(f -> entries.getOrDefault(f.name(),
        (int) f.good().stream().filter(l -> !l.startsWith("\t") && !l.startsWith("java.")).count())).sum());
    assertThat(fromGarbled).containsAll(fromClean);
  }

  /** Source, time, level and first message line of every event of a job (the file name left out: copies match). */
  static Set<String> firstLines(SparkSession spark, String job) {
    ReadSources.Ingested in = new ReadSources(JobSpecLoader.load(dir.resolve(job)), "fuzz").apply(spark);
    List<String> rows = in.events().select(col("source"), col("ts").cast("string"), col("level"),
            split(col("message"), "\n").getItem(0))
        .as(org.apache.spark.sql.Encoders.tuple(org.apache.spark.sql.Encoders.STRING(), org.apache.spark.sql.Encoders.STRING(),
            org.apache.spark.sql.Encoders.STRING(), org.apache.spark.sql.Encoders.STRING()))
        .collectAsList().stream().map(t -> t._1() + " | " + t._2() + " | " + t._3() + " | " + t._4()).toList();
    in.release();
    return new HashSet<>(new ArrayList<>(rows));
  }
}
