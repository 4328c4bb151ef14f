package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresCsvAndJsonParserTest {

  @Test
  void parsesCsvlogRecordOfPostgres13Plus() {
    // pgbadger fixture csv_statement_without_duration.log
    var r = ParserFixture.run("postgres-csv", Map.of(), "UTC",
        "\"2026-05-16 05:11:50.269 UTC\",\"example_user\",\"example_db\",1001,\"192.0.2.10:54321\",00000001.000003e9,1,\"SELECT\",\"2026-05-16 05:00:00 UTC\",1/1,0,LOG,00000,\"duration: 688786.283 ms  execute stmt_slow/stmt_slow: SELECT example_schema.slow_table.id FROM example_schema.slow_table\",,,,,,,,,\"example app\",\"client backend\",0");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2026-05-16T05:11:50.269Z"));
    assertThat(ev.message()).startsWith("duration: 688786.283 ms");
    assertThat(ev.attributes()).containsEntry("user", "example_user").containsEntry("db", "example_db")
        .containsEntry("pid", "1001").containsEntry("sqlstate", "00000").containsEntry("application", "example app")
        .containsEntry("backend_type", "client backend");
  }

  @Test
  void readsAQuotedFieldThatSpansLinesAndDoubledQuotes() {
    String text = "\"2024-01-02 03:04:05.000 GMT\",\"u\",\"d\",7,\"h:1\",1.2,1,\"SELECT\",\"2024-01-02 03:00:00 GMT\",1/1,0,ERROR,42601,\"syntax error at or near \"\"FORM\"\"\",,,,,,\"SELECT *\nFORM t\",8,,\"psql\"";
    var r = ParserFixture.run("postgres-csv", Map.of(), "UTC", text);
    assertThat(r.events()).hasSize(1);
    assertThat(r.continuations()).isEqualTo(1);
    var ev = r.events().get(0);
    assertThat(ev.message()).isEqualTo("syntax error at or near \"FORM\"");
    assertThat(ev.attributes()).containsEntry("statement", "SELECT *\nFORM t").containsEntry("sqlstate", "42601")
        .containsEntry("application", "psql");
    assertThat(ev.level()).isEqualTo("ERROR");
  }

  @Test
  void aCutRecordDoesNotSwallowTheNextRecord() {
    String whole = "\"2024-01-02 03:04:06.000 GMT\",\"u\",\"d\",7,\"h:1\",1.2,1,\"SELECT\",\"2024-01-02 03:00:00 GMT\",1/1,0,ERROR,57014,\"canceling statement due to statement timeout\",,,,,,,,,\"psql\"";
    String text = whole.substring(0, whole.indexOf("canceling") + 5) + "\n" + whole; // cut inside the quoted message
    var r = ParserFixture.run("postgres-csv", Map.of(), "UTC", text);
    assertThat(r.events()).hasSize(2);
    assertThat(r.events().get(0).attributes()).containsEntry("incomplete_record", "true");
    assertThat(r.events().get(1).message()).isEqualTo("canceling statement due to statement timeout");
    assertThat(r.events().get(1).attributes()).doesNotContainKey("incomplete_record");
  }

  @Test
  void rejectsALineThatIsNotACsvlogRecord() {
    var r = ParserFixture.run("postgres-csv", Map.of(), "UTC", "hello,world");
    assertThat(r.rejections()).singleElement().asString().contains("not a csvlog record");
  }

  @Test
  void parsesJsonlogWithEmbeddedNewlines() {
    // pgbadger fixture pg_vacuums.json (PostgreSQL 15+ jsonlog)
    var r = ParserFixture.run("postgres-json", Map.of(), "UTC",
        "{\"timestamp\":\"2024-06-27 00:00:07.369 CEST\",\"pid\":58151,\"session_id\":\"667c8f67.e327\",\"line_num\":1,\"session_start\":\"2024-06-27 00:00:07 CEST\",\"vxid\":\"21/52610848\",\"txid\":3949960645,\"error_severity\":\"LOG\",\"message\":\"automatic analyze of table \\\"testdb.sales.tab_shop_stats\\\"\\nI/O timings: read: 0.000 ms\",\"backend_type\":\"autovacuum worker\",\"query_id\":0}");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-26T22:00:07.369Z"));
    assertThat(ev.level()).isEqualTo("INFO");
    assertThat(ev.message()).contains("\nI/O timings");
    assertThat(ev.attributes()).containsEntry("pid", "58151").containsEntry("session_line", "1")
        .containsEntry("backend_type", "autovacuum worker");
  }
}
