package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresStderrParserTest {

  @Test
  void parsesDefaultPrefixWithNamedZone() {
    var r = ParserFixture.run("postgres", Map.of(), "UTC",
        "2025-01-21 18:32:48.288 CET [77898] FATAL:  configuration file \"/etc/postgresql/17/main/postgresql.conf\" contains errors");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2025-01-21T17:32:48.288Z"));
    assertThat(ev.level()).isEqualTo("FATAL");
    assertThat(ev.attributes()).containsEntry("pid", "77898").containsEntry("raw_level", "FATAL");
    assertThat(ev.message()).startsWith("configuration file");
  }

  @Test
  void foldsDetailAndStatementIntoTheirError() {
    // pgbadger fixture pg_rawcsv.log, prefix %m [%p] %q%u@%d
    String text = """
        2025-01-21 18:38:06.453 CET [78798] gilles@gilles ERROR:  conflicting values for "Y" field in formatting string
        2025-01-21 18:38:06.453 CET [78798] gilles@gilles DETAIL:  This value contradicts a previous setting for the same field type.
        2025-01-21 18:38:06.453 CET [78798] gilles@gilles STATEMENT:  SELECT TO_DATE('311299999','DDMMYYYYY');
        2025-01-21 18:37:49.802 CET [78776] LOG:  database system is ready to accept connections""";
    var r = ParserFixture.run("postgres", Map.of("log_line_prefix", "%m [%p] %q%u@%d "), "UTC", text);
    assertThat(r.events()).hasSize(2);
    assertThat(r.continuations()).isEqualTo(2);
    var err = r.events().get(0);
    assertThat(err.attributes())
        .containsEntry("user", "gilles")
        .containsEntry("db", "gilles")
        .containsEntry("detail", "This value contradicts a previous setting for the same field type.")
        .containsEntry("statement", "SELECT TO_DATE('311299999','DDMMYYYYY');");
    // %q: the postmaster's line has no user@db part
    assertThat(r.events().get(1).attributes()).doesNotContainKey("user").containsEntry("pid", "78776");
  }

  @Test
  void foldsTabIndentedSqlIntoTheStatement() {
    String text = "2024-06-20 14:01:15.902 UTC [5180] app@orders STATEMENT:  UPDATE orders\n\tSET status = 'paid'\n\tWHERE id = 1";
    var p = ParserFixture.parser("postgres", Map.of("log_line_prefix", "%m [%p] %q%u@%d "), "UTC");
    var r = ParserFixture.run(p, "2024-06-20 14:01:15.902 UTC [5180] app@orders ERROR:  canceling statement due to statement timeout\n" + text);
    assertThat(r.only().attributes().get("statement")).isEqualTo("UPDATE orders\nSET status = 'paid'\nWHERE id = 1");
    assertThat(r.only().attributes()).containsEntry("db", "orders");
  }

  @Test
  void parsesPgbadgerPrefixWithKeyValueFields() {
    // pgbadger fixture begin_end.log
    var r = ParserFixture.run("postgres",
        Map.of("log_line_prefix", "%t [%p]: db=%d,user=%u,app=%a,client=%h "), "UTC",
        "2021-02-14 01:34:02 CET [30291]: db=template1,user=postgres,app=psql,client=[local] LOG:  disconnection: session time: 0:00:00.007 user=postgres database=template1 host=[local]");
    assertThat(r.only().attributes())
        .containsEntry("db", "template1")
        .containsEntry("user", "postgres")
        .containsEntry("application", "psql")
        .containsEntry("client", "[local]");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2021-02-14T00:34:02Z"));
  }

  @Test
  void everyEscapeFillsItsAttributeAndALaterOneNamingTheSameWins() {
    var r = ParserFixture.run("postgres",
        Map.of("log_line_prefix", "%m %p %l %c %x %v %e %Q u=%u d=%d a=%a b=%b i=%i h=%h r=%r "), "UTC",
        "2024-06-20 13:05:01.123 UTC 4242 7 6674a1b2.1092 901 3/77 57014 -123 u=[unknown] d=shop a=orders-api"
            + " b=client backend i=SELECT h=10.0.4.17 r=10.0.4.18(51234) ERROR:  canceling statement due to statement timeout");
    assertThat(r.only().attributes())
        .containsEntry("pid", "4242").containsEntry("session_line", "7").containsEntry("session_id", "6674a1b2.1092")
        .containsEntry("txid", "901").containsEntry("vxid", "3/77").containsEntry("sqlstate", "57014")
        .containsEntry("query_id", "-123").containsEntry("db", "shop")
        .containsEntry("application", "orders-api").containsEntry("backend_type", "client backend")
        .containsEntry("command_tag", "SELECT").containsEntry("client", "10.0.4.18(51234)")
        .containsEntry("raw_level", "ERROR")
        .doesNotContainKey("user"); // [unknown]: not known yet
    assertThat(r.only().message()).isEqualTo("canceling statement due to statement timeout");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T13:05:01.123Z"));
    var unknown = ParserFixture.run("postgres", Map.of("log_line_prefix", "%m %h %r "), "UTC",
        "2024-06-20 13:05:01.123 UTC 10.0.4.17 [unknown] LOG:  connection received");
    assertThat(unknown.only().attributes()).doesNotContainKey("client");
  }

  @Test
  void parsesRdsPrefix() {
    // pgbadger fixture pg-timezones.log, RDS default prefix %t:%r:%u@%d:[%p]:
    var r = ParserFixture.run("postgres", Map.of("log_line_prefix", "%t:%r:%u@%d:[%p]:"), "UTC",
        "2021-05-27 17:00:00 UTC:10.1.91.65:user@my_db:[24743]:LOG: duration: 0.054 ms statement: SELECT * FROM t1;");
    assertThat(r.only().attributes()).containsEntry("client", "10.1.91.65").containsEntry("db", "my_db")
        .containsEntry("pid", "24743");
    assertThat(r.only().message()).isEqualTo("duration: 0.054 ms statement: SELECT * FROM t1;");
  }

  @Test
  void foldsAnUnprefixedForeignLineIntoTheOpenEvent() {
    String text = """
        2025-01-21 18:32:48.288 CET [77898] FATAL:  configuration file "/etc/postgresql/17/main/postgresql.conf" contains errors
        pg_ctl: could not start server""";
    var r = ParserFixture.run("postgres", Map.of(), "UTC", text);
    assertThat(r.only().message()).endsWith("contains errors\npg_ctl: could not start server");
  }

  @Test
  void rejectsAContinuationBeforeAnyEvent() {
    var r = ParserFixture.run("postgres", Map.of(), "UTC", "\tSET status = 'paid'");
    assertThat(r.events()).isEmpty();
    assertThat(r.rejections()).containsExactly("continuation line before the first event of the file");
  }

  @Test
  void rejectsAnUnknownPrefixEscapeAtConfigurationTime() {
    assertThatThrownBy(() -> ParserFixture.parser("postgres", Map.of("log_line_prefix", "%m %y "), "UTC"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown escape %y");
  }

  @Test
  void usesTheSourceZoneWhenTheTimestampHasNone() {
    var r = ParserFixture.run("postgres", Map.of("log_line_prefix", "%m [%p] "), "Europe/Paris",
        "2024-07-01 12:00:00.000 [1] LOG:  checkpoint starting: time");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-07-01T10:00:00Z"));
  }
}
