package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlErrorParserTest {

  @Test
  void parsesMysql8LineWithCodeAndSubsystem() {
    var r = ParserFixture.run("mysql-error", Map.of(), "UTC",
        "2020-08-06T14:25:02.936146Z 0 [Warning] [MY-010068] [Server] CA certificate /var/mysql/sslinfo/cacert.pem is self signed.");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2020-08-06T14:25:02.936146Z"));
    assertThat(ev.level()).isEqualTo("WARN");
    assertThat(ev.attributes()).containsEntry("error_code", "MY-010068").containsEntry("subsystem", "Server")
        .containsEntry("thread", "0");
    assertThat(ev.message()).isEqualTo("CA certificate /var/mysql/sslinfo/cacert.pem is self signed.");
  }

  @Test
  void parsesReplicaWordingOfMysql8() {
    var r = ParserFixture.run("mysql-error", Map.of(), "UTC",
        "2024-03-01T10:00:00.000001Z 12 [ERROR] [MY-010584] [Repl] Replica SQL for channel '': Worker 1 failed executing transaction 'ANONYMOUS' at source log mysql-bin.000042, end_log_pos 1234; Error 'Duplicate entry '7' for key 'PRIMARY'' on query. Error_code: MY-001062");
    assertThat(r.only().attributes()).containsEntry("subsystem", "Repl").containsEntry("error_code", "MY-010584");
    assertThat(r.only().level()).isEqualTo("ERROR");
  }

  @Test
  void parsesMysql5LinesWithPaddedHourAndNoLevel() {
    // percona-toolkit errlog001.txt
    String text = """
        080721 03:03:57  mysqld started
        080721  3:04:00 [Warning] option 'log_slow_rate_limit': unsigned value 0 adjusted to 1
        080721  3:11:12 [ERROR] Failed to open the relay log './srv-relay-bin.000001' (relay_log_pos 4)""";
    var r = ParserFixture.run("mysql-error", Map.of(), "UTC", text);
    assertThat(r.events()).hasSize(3);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2008-07-21T03:03:57Z"));
    assertThat(r.ts(1)).isEqualTo(Instant.parse("2008-07-21T03:04:00Z"));
    assertThat(r.events().get(0).level()).isEqualTo("INFO");
    assertThat(r.events().get(2).level()).isEqualTo("ERROR");
  }

  @Test
  void parsesInnodbLinesGluedToTheTimeAndFoldsTheirContinuation() {
    // percona-toolkit errlog006.txt
    String text = """
        091119 22:27:11InnoDB: Warning: cannot find a free slot for an undo log. Do you have too
        InnoDB: many active transactions running concurrently?""";
    var r = ParserFixture.run("mysql-error", Map.of(), "UTC", text);
    assertThat(r.only().level()).isEqualTo("WARN");
    assertThat(r.only().message()).endsWith("Do you have too\nInnoDB: many active transactions running concurrently?");
  }

  @Test
  void parsesMariadbAndGaleraStyles() {
    String text = """
        2024-01-01 12:00:00 0 [Note] InnoDB: Buffer pool(s) load completed at 240101 12:00:00
        2023-03-15T10:11:12.123456+02:00 2 [Note] [MY-000000] [Galera] Member 1.0 (node2) synced with group.""";
    var r = ParserFixture.run("mysql-error", Map.of(), "UTC", text);
    assertThat(r.events()).hasSize(2);
    assertThat(r.ts(1)).isEqualTo(Instant.parse("2023-03-15T08:11:12.123456Z"));
    assertThat(r.events().get(1).attributes()).containsEntry("subsystem", "Galera");
  }
}
