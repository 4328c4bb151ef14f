package org.logcause.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MySQL's error-log parser takes any line that starts with a time, so the sniffer takes a file as that log only when
 * its entries look like the server's.
 */
class FormatSnifferTest {

  @Test
  void aTableOfMetricsThatStartsWithTimesIsNotMysqlsErrorLog() {
    // the shape of the lab's truth/client-10s.tsv, and of many exported metrics
    List<String> tsv = List.of(
        "2026-12-05T22:30:20.000Z\t76\t2\t0\t1521",
        "2026-12-05T22:30:30.000Z\t58\t7\t9\t3028",
        "2026-12-05T22:31:00.000Z\t70\t0\t0\t1905",
        "2026-12-05T22:31:10.000Z\t60\t0\t0\t1831");
    FormatSniffer.Sniffed s = FormatSniffer.sniff(tsv);
    assertThat(s.placed()).isFalse();
    assertThat(s.note()).contains("not taken as MySQL's error log");

    // a Java service's log in a layout the sniffer does not know
    List<String> java = List.of(
        "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster",
        "2015-10-18 18:01:48,963 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Executing with tokens:",
        "2015-10-18 18:01:50,353 WARN [main] org.apache.hadoop.util.NativeCodeLoader: Unable to load native-hadoop library");
    assertThat(FormatSniffer.sniff(java).format()).isNotEqualTo("mysql-error");
  }

  @Test
  void everyGenerationOfMysqlsErrorLogIsStillTaken() {
    assertThat(FormatSniffer.sniff(List.of(
        "2026-12-05 22:30:01 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1-log source revision as process 4242",
        "2026-12-05 22:30:01 0 [Note] InnoDB: Compressed tables use zlib 1.2.13",
        "2026-12-05 22:30:02 0 [Note] /usr/sbin/mariadbd: ready for connections.",
        "2026-12-05 22:34:02 12 [Warning] Aborted connection 12 to db: 'shop' user: 'app' host: 'localhost' (Got an error reading communication packets)"))
        .format()).isEqualTo("mysql-error");
    assertThat(FormatSniffer.sniff(List.of(
        "2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin",
        "2020-08-06T14:25:02.936146Z 0 [Warning] [MY-010068] [Server] CA certificate /var/mysql/sslinfo/cacert.pem is self signed."))
        .format()).isEqualTo("mysql-error");
    // 5.0: InnoDB glued to the time, a crash report whose lines continue the entry, "mysqld got signal"
    assertThat(FormatSniffer.sniff(List.of(
        "091205  4:49:04InnoDB: Assertion failure in thread 1525901664 in file srv0srv.c line 2093",
        "InnoDB: We intentionally generate a memory trap.",
        "091205  4:49:04 - mysqld got signal 11;",
        "This could be because you hit a bug.",
        "key_buffer_size=16777216",
        "080721 03:03:57  mysqld started"))
        .format()).isEqualTo("mysql-error");
    // an entry followed by a long status dump (5.0's "Status information:"): one entry, many lines, still MySQL's
    List<String> dump = new java.util.ArrayList<>(List.of(
        "080517  4:20:13 [Note] /usr/sbin/mysqld: ready for connections.",
        "Version: '5.0.58-enterprise-gpl-mpb-log'  socket: '/var/lib/mysql/mysql.sock'  port: 3306",
        "", "Status information:", ""));
    for (int i = 0; i < 100; i++) {
      dump.add("lock: 0x29a90d" + i + ":");
      dump.add("");
    }
    assertThat(FormatSniffer.sniff(dump).format()).isEqualTo("mysql-error");
  }
  @Test
  void springBootsLogsAreReadWithTheirLayout() {
    FormatSniffer.Sniffed two = FormatSniffer.sniff(List.of(
        "2024-06-20 14:01:15.902  INFO 4242 --- [           main] c.e.shop.ShopApplication                 : Started ShopApplication in 4.123 seconds",
        "2024-06-20 14:01:16.001  WARN 4242 --- [nio-8080-exec-1] o.h.engine.jdbc.spi.SqlExceptionHelper   : SQL Error: 0, SQLState: 57014",
        "2024-06-20 14:01:16.010 ERROR 4242 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception",
        "org.springframework.dao.QueryTimeoutException: could not extract ResultSet",
        "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:259)"));
    assertThat(two.format()).isEqualTo("log4j");
    assertThat(two.options()).containsEntry("pattern", "%d %p %pid --- [%t] %c : %m%n");
    assertThat(two.events()).isEqualTo(3);
    // 3.2 and later print the application's name before the thread
    FormatSniffer.Sniffed three = FormatSniffer.sniff(List.of(
        "2024-06-20T14:01:15.902+02:00  INFO 4242 --- [shop] [           main] c.e.shop.ShopApplication                 : Started",
        "2024-06-20T14:01:17.500+02:00  WARN 4242 --- [shop] [nio-8080-exec-3] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Connection is not available"));
    assertThat(three.options()).containsEntry("pattern", "%d %p %pid --- [%X{application}] [%t] %c : %m%n");
  }
  @Test
  void anAccessLogWrittenAsJsonIsAnAccessLogAndAnApplicationsJsonLogIsNot() {
    FormatSniffer.Sniffed nginx = FormatSniffer.sniff(List.of(
        "{\"time_iso8601\":\"2024-06-20T13:00:01+00:00\",\"remote_addr\":\"198.0.113.120\",\"request\":\"GET /api/orders/85376 HTTP/1.1\",\"status\":\"200\",\"body_bytes_sent\":\"1257\",\"request_time\":\"0.029\"}",
        "{\"time_iso8601\":\"2024-06-20T13:00:02+00:00\",\"remote_addr\":\"198.0.113.96\",\"request\":\"POST /api/orders HTTP/1.1\",\"status\":\"504\",\"body_bytes_sent\":\"160\",\"request_time\":\"60.001\"}"));
    assertThat(nginx.format()).isEqualTo("access");
    assertThat(nginx.rejected()).isZero();
    assertThat(nginx.note()).contains("latency_unit");
    FormatSniffer.Sniffed app = FormatSniffer.sniff(List.of(
        "{\"ts\":\"2024-06-20T13:00:01Z\",\"level\":\"INFO\",\"msg\":\"request done\",\"status\":200,\"path\":\"/x\",\"client_ip\":\"10.0.0.1\"}",
        "{\"ts\":\"2024-06-20T13:00:02Z\",\"level\":\"ERROR\",\"msg\":\"upstream timeout\",\"status\":504,\"path\":\"/y\",\"client_ip\":\"10.0.0.2\"}"));
    assertThat(app.format()).isEqualTo("json");
  }
  @Test
  void theUnitOfAnAccessLogsRequestTimeIsGuessedFromTheValues() {
    String line = "203.0.113.%d - - [20/Jun/2024:14:03:%02d +0000] \"GET /api/x HTTP/1.1\" 200 157 \"-\" \"curl/8.5.0\" %s";
    java.util.function.Function<List<String>, List<String>> log = times -> {
      List<String> out = new java.util.ArrayList<>();
      for (int i = 0; i < times.size(); i++) out.add(String.format(java.util.Locale.ROOT, line, i + 1, i, times.get(i)));
      return out;
    };
    // nginx's $request_time: seconds with three decimals (the default, no option)
    FormatSniffer.Sniffed nginx = FormatSniffer.sniff(log.apply(List.of("0.029", "0.130", "1.000", "0.000")));
    assertThat(nginx.format()).isEqualTo("access");
    assertThat(nginx.options()).doesNotContainKey("latency_unit");
    // Apache's %D: whole microseconds
    FormatSniffer.Sniffed apache = FormatSniffer.sniff(log.apply(List.of("29311", "130250", "1021", "88000")));
    assertThat(apache.options()).containsEntry("latency_unit", "us");
    assertThat(apache.note()).contains("microseconds");
    // Apache's %D on a local server: a few hundred microseconds
    assertThat(FormatSniffer.sniff(log.apply(List.of("1936", "123", "951", "310"))).options()).containsEntry("latency_unit", "us");
    // Apache's %T: whole seconds, mostly 0
    assertThat(FormatSniffer.sniff(log.apply(List.of("0", "0", "2", "0"))).options()).doesNotContainKey("latency_unit");
  }
  @Test
  void haproxysLogIsHaproxyNotPlainSyslog() {
    FormatSniffer.Sniffed s = FormatSniffer.sniff(List.of(
        "Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.",
        "Feb 25 16:19:49 192.168.4.2 haproxy[7]: 141.35.244.171:53332 [25/Feb/2019:16:19:48.143] prod_http_in~ bk_admin/nginx_sonst 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 \"GET /admin HTTP/1.1\"",
        "Feb 25 16:19:50 192.168.4.2 sshd[811]: Accepted publickey for ops from 10.0.0.8 port 52144 ssh2"));
    assertThat(s.format()).isEqualTo("haproxy");
    assertThat(s.rejected()).isZero();
    assertThat(FormatSniffer.sniff(List.of("Feb 25 16:19:50 192.168.4.2 sshd[811]: Accepted publickey for ops")).format())
        .isEqualTo("syslog");
  }
}
