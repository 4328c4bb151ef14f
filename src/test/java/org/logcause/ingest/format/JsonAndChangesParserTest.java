package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAndChangesParserTest {

  @Test
  void mapsDefaultFieldsAndKeepsTheRestAsAttributes() {
    var r = ParserFixture.run("json", Map.of(), "UTC",
        "{\"timestamp\":\"2024-06-20T14:03:40.300Z\",\"level\":\"ERROR\",\"logger\":\"com.zaxxer.hikari.pool.HikariPool\",\"message\":\"HikariPool-1 - Connection is not available, request timed out after 30000ms.\",\"ctx\":{\"trace_id\":\"a201\"}}");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T14:03:40.300Z"));
    assertThat(ev.level()).isEqualTo("ERROR");
    assertThat(ev.message()).startsWith("HikariPool-1");
    assertThat(ev.attributes()).containsEntry("logger", "com.zaxxer.hikari.pool.HikariPool")
        .containsEntry("ctx.trace_id", "a201").doesNotContainKey("timestamp");
  }

  @Test
  void usesConfiguredFieldsAndEpochMillis() {
    var r = ParserFixture.run("json", Map.of("time_field", "at", "level_field", "sev", "message_field", "text"), "UTC",
        "{\"at\":1718892220000,\"sev\":\"warning\",\"text\":\"slow commit\"}");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T14:03:40Z"));
    assertThat(r.only().level()).isEqualTo("WARN");
  }

  @Test
  void unwrapsDockerJsonFileRecords() {
    // fluent-bit dockermode fixtures: the wrapped line keeps its newline
    var r = ParserFixture.run("json", Map.of(), "UTC",
        "{\"log\":\"2024-01-01 ERROR something broke\\n\",\"stream\":\"stderr\",\"time\":\"2019-02-19T15:44:52.015463734Z\"}");
    assertThat(r.only().message()).isEqualTo("2024-01-01 ERROR something broke");
    assertThat(r.only().attributes()).containsEntry("stream", "stderr");
  }

  @Test
  void rejectsInvalidJsonAndMissingTime() {
    var r = ParserFixture.run("json", Map.of(), "UTC", "{\"level\":\"INFO\",\"message\":\"no time\"}\n{not json");
    assertThat(r.rejections()).hasSize(2);
    assertThat(r.rejections().get(0)).startsWith("no time field");
    assertThat(r.rejections().get(1)).startsWith("not valid JSON");
  }

  @Test
  void mapsAChangeRecordToCanonicalAttributesAndWritesAMessage() {
    var r = ParserFixture.run("changes", Map.of(), "UTC",
        "{\"time\":\"2024-06-20T13:58:40Z\",\"id\":\"c-17\",\"type\":\"Config Change\",\"target\":\"db-primary\",\"parameter\":\"synchronous_standby_names\",\"old\":\"\",\"new\":\"FIRST 1 (replica9)\",\"actor\":\"dba-bot\"}");
    var ev = r.only();
    assertThat(ev.attributes()).containsEntry("change_id", "c-17").containsEntry("change_type", "config_change")
        .containsEntry("parameter", "synchronous_standby_names").containsEntry("new_value", "FIRST 1 (replica9)")
        .containsEntry("target", "db-primary").containsEntry("actor", "dba-bot");
    assertThat(ev.message()).isEqualTo(
        "config_change c-17: synchronous_standby_names ? -> FIRST 1 (replica9) on db-primary by dba-bot");
  }

  @Test
  void mapsAChangeFeedWithItsOwnFieldNames() {
    var r = ParserFixture.run("changes",
        Map.of("time_field", "created", "id_field", "ref", "type_field", "what", "target_field", "svc"), "UTC",
        "{\"created\":\"2024-06-20 14:52:30\",\"ref\":\"CHG-9\",\"what\":\"rollback\",\"svc\":\"pg-main\"}");
    assertThat(r.only().attributes()).containsEntry("change_id", "CHG-9").containsEntry("change_type", "revert")
        .containsEntry("target", "pg-main");
  }

  @Test
  void changeKindsThatKillSessionsAreTheirOwnTypeButTerminatingAMachineIsNot() {
    assertThat(JsonLinesParser.normalizeChangeType("kill-sessions")).isEqualTo("kill_sessions");
    assertThat(JsonLinesParser.normalizeChangeType("terminate_backend")).isEqualTo("kill_sessions");
    assertThat(JsonLinesParser.normalizeChangeType("KILL")).isEqualTo("kill_sessions");
    assertThat(JsonLinesParser.normalizeChangeType("kill long queries")).isEqualTo("kill_sessions");
    assertThat(JsonLinesParser.normalizeChangeType("terminate-instance")).isEqualTo("terminate_instance");
    assertThat(JsonLinesParser.normalizeChangeType("rollback")).isEqualTo("revert");
  }
}
