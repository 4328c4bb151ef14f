package org.logcause.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * Secrets planted in every format of a simulated stack (and in a line that will be quarantined) must not survive into
 * any output file: every Parquet table is read back row by row, every other file byte by byte.
 */
class MaskingEndToEndTest {
  @TempDir Path dir;

  static final List<String> SECRETS = List.of("Tr0ub4dor&3", "Qu4rantinedPw!", "jane.doe@example.com", "CorrectHorse42",
      "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "hunter2hunter2", "oldPass#1", "newPass#2", "AKIAIOSFODNN7EXAMPLE");

  @Test
  void noPlantedSecretSurvivesIntoAnyOutputFile() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path scenario = dir.resolve("scenario");
    assertThat(Main.run("simulate", "--scenario", "no-incident", "--seed", "3", "--scale", "0.2",
        "--start", "2026-03-01T01:00:00Z", "--out", scenario.toString())).isZero();
    try (Stream<Path> files = Files.walk(scenario.resolve("logs"))) {
      List<Path> logs = files.filter(Files::isRegularFile).toList();
      for (Path log : logs) {
        String name = log.getFileName().toString();
        List<String> planted = new ArrayList<>();
        if (name.equals("postgresql.log")) {
          planted.add("2026-03-01 01:30:00.000 UTC [999] app@orders LOG:  statement: ALTER ROLE app WITH PASSWORD 'Tr0ub4dor&3'");
        } else if (name.equals("app.jsonl")) {
          planted.add("{\"timestamp\":\"2026-03-01T01:30:00.000Z\",\"level\":\"ERROR\",\"logger\":\"auth\",\"message\":"
              + "\"login failed for jane.doe@example.com via postgres://app:CorrectHorse42@db:5432/shop\","
              + "\"api_key\":\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"}");
          planted.add("{\"timestamp\":\"not a time\",\"level\":\"ERROR\",\"message\":\"db login password=Qu4rantinedPw!\"}");
        } else if (name.equals("access.log")) {
          planted.add("203.0.113.9 - - [01/Mar/2026:01:30:00 +0000] \"GET /api/login?user=bob&password=hunter2hunter2 HTTP/1.1\""
              + " 401 12 \"-\" \"curl/8.0\" 0.003");
        } else if (name.equals("mysqld.log")) {
          planted.add("2026-03-01T01:30:00.000000Z 12 [Note] [MY-010000] [Server] ALTER USER 'app' IDENTIFIED BY 'Tr0ub4dor&3'");
        }
        Files.write(log, planted, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }
    }
    Files.writeString(scenario.resolve("changes/changes.jsonl"),
        "{\"time\":\"2026-03-01T01:31:00.000Z\",\"id\":\"c-99\",\"type\":\"config_change\",\"target\":\"db\","
            + "\"parameter\":\"replication_password\",\"old\":\"oldPass#1\",\"new\":\"newPass#2\",\"actor\":\"dba\"}\n"
            + "{\"time\":\"2026-03-01T01:32:00.000Z\",\"id\":\"c-100\",\"type\":\"config_change\",\"target\":\"app\","
            + "\"parameter\":\"s3.credentials\",\"old\":\"none\",\"new\":\"AKIAIOSFODNN7EXAMPLE\",\"actor\":\"dev\"}\n",
        StandardOpenOption.APPEND);

    Path out = dir.resolve("out");
    int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true),
        "forensic", "--job", scenario.resolve("job.yaml").toString(), "--out", out.toString());
    assertThat(exit).isZero();

    // The planted lines made it in (as events or quarantine), masked.
    assertThat(Out.table(out, "events")
        .filter(col("message").contains("[REDACTED]").or(col("message").contains("[EMAIL]"))).count()).isGreaterThanOrEqualTo(4);
    assertThat(Out.table(out, "quarantine").filter(col("raw").contains("password=[REDACTED]")).count())
        .isEqualTo(1);

    List<String> survivors = new ArrayList<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".parquet") || name.endsWith(".crc") || name.endsWith(".png")) continue;
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        SECRETS.stream().filter(text::contains).forEach(s -> survivors.add(s + " in " + f));
      }
    }
    for (String table : List.of("events", "quarantine", "signals", "anomalies", "incidents", "hypotheses", "incident_summary", "run_manifest")) {
      var rows = Out.table(out, table);
      for (String s : SECRETS) {
        long n = rows.select(to_json(struct(col("*"))).alias("j")).filter(col("j").contains(s)).count();
        if (n > 0) survivors.add(s + " in " + n + " rows of " + table);
      }
    }
    assertThat(survivors).isEmpty();

    String manifest = Files.readString(Out.file(out, "run_manifest.json"));
    long masked = EvalCommand.JSON.readTree(manifest).get("masked_values").asLong();
    assertThat(masked).isGreaterThanOrEqualTo(SECRETS.size());
  }
}
