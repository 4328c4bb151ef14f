package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The formats a real incident bundle brings beside the basic ones: nginx's error log, the MySQL/MariaDB slow query
 * log, PostgreSQL through syslog, the managed-PostgreSQL presets and container runtimes' files. Real files where a
 * server on this machine could write them (the incident lab's nginx and MariaDB, PostgreSQL through rsyslogd:
 * {@code lab/run --formats}), lines in the documented formats where it could not (a cloud's export, a container
 * runtime).
 */
class OnboardingFormatsTest {

  static String read(String path) throws IOException {
    try (InputStream raw = Files.newInputStream(Path.of(path));
        InputStream in = path.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
  }

  private static long lines(String text) {
    return text.split("\n", -1).length;
  }

  @Test
  void nginxErrorLogOfTheLabsRealNginx() throws IOException {
    String text = read("sample-data/lab/dropped-index-1/logs/nginx-28/error.log.gz");
    var r = ParserFixture.run("nginx-error", Map.of(), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize((int) lines(text));
    ParsedEvent timeout = r.events().stream().filter(e -> e.message().startsWith("upstream timed out")).findFirst().orElseThrow();
    assertThat(timeout.level()).isEqualTo("ERROR");
    assertThat(timeout.message()).isEqualTo("upstream timed out (110: Connection timed out) while reading response header from upstream");
    assertThat(timeout.attributes()).containsKeys("client_ip", "method", "path", "upstream", "http_host", "connection_id", "pid")
        .containsEntry("raw_level", "error");
    assertThat(timeout.attributes().get("upstream")).startsWith("http://127.0.0.1:");
  }

  @Test
  void nginxErrorLinesWithoutAConnectionOrContextAndAMultiLineReport() {
    var r = ParserFixture.run("nginx-error", Map.of(), "Europe/Paris", """
        2024/03/09 23:59:58 [notice] 812#812: signal process started
        2024/03/09 23:59:59 [crit] 813#813: *41 connect() to unix:/run/php/php-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 2001:db8::7, server: shop.example, request: "POST /checkout?step=2 HTTP/2.0", upstream: "fastcgi://unix:/run/php/php-fpm.sock:", host: "shop.example", referrer: "https://shop.example/cart"
        2024/03/10 00:00:01 [error] 813#813: *42 lua entry thread aborted: runtime error: bad argument
        stack traceback:
        \tcoroutine 0:
        \t\t[C]: in function 'error'""");
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(3);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-03-09T22:59:58Z"));
    assertThat(r.events().get(0).level()).isEqualTo("INFO");
    ParsedEvent crit = r.events().get(1);
    assertThat(crit.level()).isEqualTo("FATAL");
    assertThat(crit.message()).isEqualTo("connect() to unix:/run/php/php-fpm.sock failed (2: No such file or directory) while connecting to upstream");
    assertThat(crit.attributes()).containsEntry("client_ip", "2001:db8::7").containsEntry("method", "POST")
        .containsEntry("path", "/checkout?step=2").containsEntry("referrer", "https://shop.example/cart")
        .containsEntry("server", "shop.example").containsEntry("connection_id", "41");
    assertThat(r.events().get(2).message()).endsWith("coroutine 0:\n[C]: in function 'error'");
    assertThat(r.continuations()).isEqualTo(3);
  }

  @Test
  void mariadbSlowLogOfTheLabsRealServer() throws IOException {
    String text = read("sample-data/lab/max-connections-mariadb-3/logs/ip-10-0-175-6/slow.log.gz");
    LineParser p = ParserFixture.parser("mysql-slow", Map.of(), "UTC");
    var r = ParserFixture.run(p, text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(1);
    ParsedEvent e = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2026-12-04T19:51:29Z"));
    assertThat(e.message()).isEqualTo("duration: 900.220 ms  statement: CREATE INDEX orders_customer_idx ON shop.orders (customer_id);");
    assertThat(e.attributes()).containsEntry("duration_ms", "900.220").containsEntry("lock_ms", "1.676")
        .containsEntry("user", "root").containsEntry("client", "127.0.0.1").containsEntry("thread_id", "24")
        .containsEntry("rows_examined", "0").containsEntry("qc_hit", "No").doesNotContainKey("db");
  }

  @Test
  void mysql57SlowLogWithItsBannerRepeatedAndMultiLineStatements() {
    // percona-toolkit slowlogs/mysql5.7.log and slow002.txt (MySQL 5.1 / Percona: # Time only when the second changes)
    var r = ParserFixture.run("mysql-slow", Map.of(), "UTC", """
        /usr/sbin/mysqld, Version: 5.7.12-0ubuntu1.1-log ((Ubuntu)). started with:
        Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
        Time                 Id Command    Argument
        # Time: 2016-07-20T18:13:25.698433Z
        # User@Host: root[root] @ localhost [127.0.0.1]  Id:     3
        # Query_time: 0.003464  Lock_time: 0.000324 Rows_sent: 1000  Rows_examined: 2000
        SET timestamp=1469038405;
        SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;
        # Time: 071218 11:48:27 # User@Host: [SQL_SLAVE] @  []
        # Thread_id: 10
        # Query_time: 0.000012  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0
        BEGIN;
        # User@Host: [SQL_SLAVE] @  []
        # Thread_id: 10
        # Query_time: 0.726052  Lock_time: 0.000091  Rows_sent: 0  Rows_examined: 62951
        # QC_Hit: No  Full_scan: Yes  Full_join: No  Tmp_table: No  Tmp_table_on_disk: No
        use db1;
        SET timestamp=1197996507;
        update db2.tuningdetail_21_265507 n
              inner join db1.gonzo a using(gonzo)
              set n.column1 = a.column1, n.word3 = a.word3;
        # administrator command: Quit;""");
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(3);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2016-07-20T18:13:25.698433Z"));
    assertThat(r.ts(1)).isEqualTo(Instant.parse("2007-12-18T11:48:27Z"));
    assertThat(r.ts(2)).as("no # Time: the statement's own SET timestamp").isEqualTo(Instant.ofEpochSecond(1197996507));
    ParsedEvent third = r.events().get(2);
    assertThat(third.attributes()).containsEntry("db", "db1").containsEntry("duration_ms", "726.052")
        .containsEntry("full_scan", "Yes").containsEntry("thread_id", "10");
    assertThat(third.message()).startsWith("duration: 726.052 ms  statement: update db2.tuningdetail_21_265507 n\ninner join")
        .endsWith("# administrator command: Quit;");
    // the banner's 3 lines wait for the first entry (Pending), the other lines continue their entry
    assertThat(r.continuations()).isEqualTo(22 - 3);
  }

  @Test
  void postgresThroughARealRsyslogd() throws IOException {
    String text = read("sample-data/formats/postgresql-syslog.log");
    var r = ParserFixture.run("postgres-syslog", Map.of("log_line_prefix", "db=%d,user=%u,app=%a,client=%h "), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    long records = text.lines().filter(l -> l.matches(".*: \\[\\d+-1\\] .*")).count();
    assertThat(r.events()).hasSize((int) records);
    ParsedEvent slow = r.events().stream().filter(e -> e.message().contains("sum(balance)")).findFirst().orElseThrow();
    assertThat(slow.message()).matches("(?s)duration: [0-9.]+ ms  statement: SELECT owner,\n\t*sum\\(balance\\) AS total,\n.*ORDER BY total DESC");
    assertThat(slow.message()).doesNotContain("#011");
    assertThat(slow.host()).isEqualTo("vm");
    assertThat(slow.attributes()).containsEntry("db", "postgres").containsEntry("user", "postgres")
        .containsEntry("application", "psql").containsEntry("client", "127.0.0.1").containsKey("pid");
    ParsedEvent dup = r.events().stream().filter(e -> e.message().startsWith("duplicate key")).findFirst().orElseThrow();
    assertThat(dup.level()).isEqualTo("ERROR");
    assertThat(dup.attributes()).containsEntry("detail", "Key (id)=(1) already exists.")
        .containsEntry("statement", "INSERT INTO accounts VALUES (1, 'dup', 0)");
    assertThat(r.events()).anySatisfy(e -> assertThat(e.message()).isEqualTo("canceling statement due to statement timeout"));
  }

  @Test
  void postgresThroughSyslogWithoutItsPrefixOtherProgramsAndRfc5424() {
    // no log_line_prefix given: the severity is still the server's; systemd's line is an event of its own
    var r = ParserFixture.run("postgres-syslog", Map.of(), "UTC", """
        Feb 11 13:15:39 test-pc postgres[10808]: [3-1] db=,user=,app=,client= LOG:  ending log output to stderr
        Feb 11 13:15:39 test-pc postgres[10808]: [3-2] db=,user=,app=,client= HINT:  Future log output will go to log destination "syslog".
        Feb 11 13:15:41 test-pc systemd[1]: Started PostgreSQL Cluster 11-main.
        <11>1 2024-02-11T13:15:42.123456+01:00 db-2 postgres 4242 - - [9-1] FATAL:  the database system is in recovery mode""");
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(3);
    assertThat(r.events().get(0).attributes()).containsEntry("hint", "Future log output will go to log destination \"syslog\".")
        .containsEntry("pid", "10808").containsEntry("raw_level", "LOG");
    assertThat(r.events().get(1).message()).isEqualTo("Started PostgreSQL Cluster 11-main.");
    ParsedEvent fatal = r.events().get(2);
    assertThat(fatal.level()).isEqualTo("FATAL");
    assertThat(fatal.host()).isEqualTo("db-2");
    assertThat(fatal.attributes()).containsEntry("pid", "4242");
    assertThat(r.ts(2)).isEqualTo(Instant.parse("2024-02-11T12:15:42.123456Z"));
  }

  @Test
  void rdsPresetReadsTheRealServersLinesWithRdsPrefix() throws IOException {
    String text = read("sample-data/formats/postgresql-rds.log");
    var r = ParserFixture.run("postgres-rds", Map.of(), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).allSatisfy(e -> assertThat(e.attributes()).containsKey("pid"));
    ParsedEvent slow = r.events().stream().filter(e -> e.message().contains("sum(balance)")).findFirst().orElseThrow();
    assertThat(slow.attributes()).containsEntry("user", "postgres").containsEntry("db", "postgres");
    assertThat(slow.attributes().get("client")).startsWith("127.0.0.1(");
    assertThat(r.events()).anySatisfy(e -> assertThat(e.level()).isEqualTo("ERROR"));
  }

  @Test
  void cloudSqlExportFoldsUnnumberedEntriesIntoTheirRecord() {
    String entry = "{\"insertId\":\"s=1\",\"logName\":\"projects/p/logs/cloudsql.googleapis.com%%2Fpostgres.log\","
        + "\"resource\":{\"labels\":{\"database_id\":\"p:orders-db\",\"region\":\"europe\"},\"type\":\"cloudsql_database\"},"
        + "\"severity\":\"%s\",\"textPayload\":\"%s\",\"timestamp\":\"%s\"}";
    String text = String.join("\n",
        String.format(entry, "INFO", "[24667]: [1-1] db=shop,user=web LOG:  automatic vacuum of table \\\"shop.public.orders\\\": index scans: 0", "2020-05-02T13:00:20.382318Z"),
        String.format(entry, "INFO", "\\tpages: 0 removed, 1 remain, 0 skipped due to pins", "2020-05-02T13:00:20.382318Z"),
        String.format(entry, "ALERT", "[24668]: [2-1] db=shop,user=web FATAL:  remaining connection slots are reserved for non-replication superuser connections", "2020-05-02T13:00:21Z"));
    var r = ParserFixture.run("postgres-cloudsql", Map.of(), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(2);
    assertThat(r.events().get(0).message()).isEqualTo("automatic vacuum of table \"shop.public.orders\": index scans: 0\npages: 0 removed, 1 remain, 0 skipped due to pins");
    assertThat(r.events().get(0).host()).isEqualTo("p:orders-db");
    ParsedEvent fatal = r.events().get(1);
    assertThat(fatal.level()).isEqualTo("FATAL");
    assertThat(fatal.attributes()).containsEntry("db", "shop").containsEntry("user", "web").containsEntry("pid", "24668")
        .containsEntry("cloud_severity", "ALERT");
    assertThat(r.ts(1)).isEqualTo(Instant.parse("2020-05-02T13:00:21Z"));
  }

  @Test
  void cloudNativePgJsonRecordsAndTheInstanceManagersOwnLines() {
    var r = ParserFixture.run("postgres-cnpg", Map.of(), "UTC", """
        {"level":"info","ts":"2024-05-02T10:00:00.123456Z","logger":"postgres","msg":"record","logging_pod":"orders-1","record":{"log_time":"2024-05-02 10:00:00.120 UTC","user_name":"app","database_name":"orders","process_id":"812","connection_from":"10.244.0.7:40112","session_id":"66336540.32c","session_line_num":"3","command_tag":"SELECT","error_severity":"ERROR","sql_state_code":"57014","message":"canceling statement due to statement timeout","query":"SELECT * FROM orders WHERE customer_id = 7","application_name":"api","backend_type":"client backend"}}
        {"level":"info","ts":"2024-05-02T10:00:01Z","logger":"instance-manager","msg":"Instance is still down, will retry in 1 second","logging_pod":"orders-2"}""");
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(2);
    ParsedEvent e = r.events().get(0);
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.message()).isEqualTo("canceling statement due to statement timeout");
    assertThat(e.host()).isEqualTo("orders-1");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-05-02T10:00:00.120Z"));
    assertThat(e.attributes()).containsEntry("db", "orders").containsEntry("user", "app").containsEntry("sqlstate", "57014")
        .containsEntry("statement", "SELECT * FROM orders WHERE customer_id = 7").containsEntry("pid", "812")
        .containsEntry("application", "api");
    assertThat(r.events().get(1).message()).isEqualTo("Instance is still down, will retry in 1 second");
    assertThat(r.events().get(1).host()).isEqualTo("orders-2");
  }

  @Test
  void dockerJsonFileJoinsPartialLinesAndKeepsTheWrappedFormat() {
    var r = ParserFixture.run("postgres", Map.of("container", "docker"), "UTC", """
        {"log":"2024-05-02 10:00:00.120 UTC [812] ERROR:  canceling statement due to statement timeout\\n","stream":"stderr","time":"2024-05-02T10:00:00.121Z"}
        {"log":"2024-05-02 10:00:00.120 UTC [812] STATEMENT:  SELECT * FROM orders ","stream":"stderr","time":"2024-05-02T10:00:00.121Z"}
        {"log":"WHERE customer_id = 7\\n","stream":"stderr","time":"2024-05-02T10:00:00.122Z"}
        {"log":"starting up, no time on this line\\n","stream":"stdout","time":"2024-05-02T10:00:01.5Z"}""");
    assertThat(r.rejections()).isEmpty();
    // an un-prefixed line continues the open entry, as in a plain postgres file
    assertThat(r.events()).hasSize(1);
    assertThat(r.events().get(0).attributes()).containsEntry("statement", "SELECT * FROM orders WHERE customer_id = 7")
        .containsEntry("stream", "stderr");
    assertThat(r.events().get(0).message()).isEqualTo("canceling statement due to statement timeout\nstarting up, no time on this line");
  }

  @Test
  void criLogsOfContainerdJoinPartialLinesAndDateUnreadableLinesByTheRuntime() {
    var r = ParserFixture.run("json", Map.of("container", "cri"), "UTC", """
        2024-05-02T10:00:00.123456789Z stdout F {"ts":"2024-05-02T10:00:00.1Z","level":"error","msg":"db timeout"}
        2024-05-02T10:00:00.200000000Z stdout P {"ts":"2024-05-02T10:00:00.2Z","level":"warn",
        2024-05-02T10:00:00.200000001Z stdout F "msg":"pool exhausted"}
        2024-05-02T10:00:01.000000000Z stderr F panic: not json at all""");
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(3);
    assertThat(r.events().get(1).message()).isEqualTo("pool exhausted");
    assertThat(r.events().get(1).level()).isEqualTo("WARN");
    assertThat(r.events().get(2).message()).isEqualTo("panic: not json at all");
    assertThat(r.events().get(2).attributes()).containsEntry("stream", "stderr");
    assertThat(r.ts(2)).isEqualTo(Instant.parse("2024-05-02T10:00:01Z"));
  }

  @Test
  void anUnknownContainerRuntimeIsAnOptionError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ParserFixture.parser("json", Map.of("container", "podman-x"), "UTC"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option container").hasMessageContaining("docker, cri");
  }
}
