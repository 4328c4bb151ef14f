package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** log4j/logback, access logs, syslog and the generic regex format, on lines from real samples. */
class TextFormatsParserTest {

  @Test
  void log4jFoldsAStackTraceIntoItsEvent() {
    // Kafka broker server.log (elastic-examples): [%d] %p %m (%c)%n
    String text = """
        [2016-12-19 20:03:12,102] WARN Found a corrupted index file due to requirement failed (kafka.log.Log)
        java.io.IOException: Connection to 1 was disconnected before the response was read
        \tat kafka.utils.NetworkClientBlockingOps$.$anonfun$blockingSendAndReceive$1(NetworkClientBlockingOps.scala:115)
        Caused by: java.net.SocketException: Connection reset
        \t... 12 more
        [2016-12-19 20:03:13,000] INFO [ReplicaFetcherThread-0-1], Starting (kafka.server.ReplicaFetcherThread)""";
    var r = ParserFixture.run("log4j", Map.of("pattern", "[%d] %p %m (%c)%n"), "UTC", text);
    assertThat(r.events()).hasSize(2);
    assertThat(r.continuations()).isEqualTo(4);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2016-12-19T20:03:12.102Z"));
    assertThat(r.events().get(0).level()).isEqualTo("WARN");
    assertThat(r.events().get(0).attributes()).containsEntry("logger", "kafka.log.Log");
    assertThat(r.events().get(0).message()).contains("\nCaused by: java.net.SocketException: Connection reset");
  }

  @Test
  void log4jAcceptsAFirstLineWhoseLayoutSuffixComesAfterTheDump() {
    // Kafka server.log startup: the "(kafka.server.KafkaConfig)" suffix follows the tab-indented config dump
    String text = """
        [2016-12-19 16:58:13,311] INFO KafkaConfig values:\s
        \tadvertised.host.name = null
        \tzookeeper.sync.time.ms = 2000
         (kafka.server.KafkaConfig)""";
    var r = ParserFixture.run("log4j", Map.of("pattern", "[%d] %p %m (%c)%n"), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.only().message()).startsWith("KafkaConfig values:").contains("\n\tzookeeper.sync.time.ms = 2000");
  }

  @Test
  void log4jReadsThreadNamesWithSpacesAndACustomDate() {
    // LogHub Hadoop_2k.log
    var r = ParserFixture.run("log4j", Map.of("pattern", "%d{yyyy-MM-dd HH:mm:ss,SSS} %p [%t] %c: %m%n"), "UTC",
        "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001");
    assertThat(r.only().attributes()).containsEntry("thread", "main")
        .containsEntry("logger", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2015-10-18T18:01:47.978Z"));
  }

  @Test
  void log4jRejectsAPatternWithoutDateOrMessage() {
    assertThatThrownBy(() -> ParserFixture.parser("log4j", Map.of("pattern", "%p %c"), "UTC"))
        .hasMessageContaining("needs %d and %m");
  }

  @Test
  void accessLogCombinedWithRequestTime() {
    var r = ParserFixture.run("access", Map.of(), "UTC",
        "203.0.113.10 - - [20/Jun/2024:14:03:10 +0200] \"POST /api/orders HTTP/1.1\" 504 160 \"-\" \"orders-mobile/5.2\" 60.001");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T12:03:10Z"));
    assertThat(ev.level()).isEqualTo("ERROR");
    assertThat(ev.message()).isEqualTo("POST /api/orders 504");
    assertThat(ev.attributes()).containsEntry("client_ip", "203.0.113.10").containsEntry("status", "504")
        .containsEntry("method", "POST").containsEntry("path", "/api/orders").containsEntry("bytes", "160")
        .containsEntry("latency_ms", "60001.0").containsEntry("user_agent", "orders-mobile/5.2");
  }

  @Test
  void accessLogBehindABalancerTakesTheForwardedClientAndTheTimeAfterIt() {
    // nginx's default "main" format (ending in "$http_x_forwarded_for") with $request_time and
    // $upstream_response_time added after it
    String text = """
        10.0.1.5 - - [20/Jun/2024:14:03:10 +0000] "GET /api/x HTTP/1.1" 502 157 "-" "curl/8.5.0" "203.0.113.9, 10.0.0.2" 0.051 0.050
        10.0.1.5 - - [20/Jun/2024:14:03:11 +0000] "GET /api/y HTTP/1.1" 200 157 "-" "curl/8.5.0" "-" 0.012 0.011
        10.0.1.6 - - [20/Jun/2024:14:03:12 +0000] "GET /api/z HTTP/1.1" 200 157 "-" "curl/8.5.0" "2001:db8::7" 0.020 0.019""";
    var r = ParserFixture.run("access", Map.of(), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events().get(0).attributes()).containsEntry("client_ip", "203.0.113.9")
        .containsEntry("remote_addr", "10.0.1.5").containsEntry("forwarded_for", "203.0.113.9, 10.0.0.2")
        .containsEntry("latency_ms", "51.0");
    assertThat(r.events().get(1).attributes()).containsEntry("client_ip", "10.0.1.5").containsEntry("latency_ms", "12.0")
        .doesNotContainKeys("forwarded_for", "remote_addr");
    assertThat(r.events().get(2).attributes()).containsEntry("client_ip", "2001:db8::7").containsEntry("latency_ms", "20.0");
    // a quoted field that is no list of addresses (a time, a host name) leaves the client alone
    var other = ParserFixture.run("access", Map.of(), "UTC", String.join("\n",
        "10.0.1.5 - - [20/Jun/2024:14:03:10 +0000] \"GET /a HTTP/1.1\" 200 157 \"-\" \"curl/8.5.0\" \"12:30:45\" 0.051",
        "10.0.1.5 - - [20/Jun/2024:14:03:10 +0000] \"GET /a HTTP/1.1\" 200 157 \"-\" \"curl/8.5.0\" \"shop.example\" 0.051"));
    assertThat(other.events()).allSatisfy(e -> assertThat(e.attributes()).containsEntry("client_ip", "10.0.1.5")
        .containsEntry("latency_ms", "51.0").doesNotContainKey("forwarded_for"));
    // the same from a JSON record
    var j = ParserFixture.run("access", Map.of(), "UTC",
        "{\"time_local\":\"20/Jun/2024:14:03:10 +0000\",\"remote_addr\":\"10.0.1.5\",\"request\":\"GET /api/x HTTP/1.1\","
            + "\"status\":\"502\",\"http_x_forwarded_for\":\"203.0.113.9, 10.0.0.2\",\"request_time\":\"0.051\"}");
    assertThat(j.only().attributes()).containsEntry("client_ip", "203.0.113.9").containsEntry("remote_addr", "10.0.1.5")
        .containsEntry("latency_ms", "51.0");
  }

  @Test
  void haproxysHttpLogIsRequestsAndItsOtherLinesSyslogEvents() {
    // lines of matomo-log-analytics' and lnav's HAProxy fixtures, and a health check's report
    String text = """
        Sep 25 06:05:27 hostname haproxy[6801]: 4.3.2.1:55008 [25/Sep/2018:06:05:27.584] ft_https~ bk_https/abc 0/0/0/72/72 200 7456 - - ---- 5/4/0/1/0 0/0 "POST /user/ HTTP/1.1"
        Feb 25 16:20:09 192.168.4.2 haproxy[7]: 89.247.124.65:15564 [25/Feb/2019:16:20:06.321] prod_http_in~ bk_ktest_kt/nginx_sonst 0/0/1/43/2707 503 26170 - - sH-- 3/3/1/1/0 0/0 {Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0} {} "GET /portal/?Script=934 HTTP/1.1"
        Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.
        Feb 25 16:21:00 192.168.4.2 haproxy[7]: Server bk_admin/nginx_sonst is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left.""";
    var r = ParserFixture.run("haproxy", Map.of(), "UTC", text);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(4);
    var first = r.events().get(0);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2018-09-25T06:05:27.656Z")); // accepted at .584, answered 72 ms later
    assertThat(first.message()).isEqualTo("POST /user/ 200");
    assertThat(first.level()).isEqualTo("INFO");
    assertThat(first.host()).isEqualTo("hostname");
    assertThat(first.attributes()).containsEntry("client_ip", "4.3.2.1").containsEntry("status", "200")
        .containsEntry("method", "POST").containsEntry("path", "/user/").containsEntry("protocol", "HTTP/1.1")
        .containsEntry("bytes", "7456").containsEntry("latency_ms", "72.0").containsEntry("backend", "bk_https")
        .containsEntry("server", "abc").containsEntry("frontend", "ft_https~").containsEntry("termination_state", "----");
    assertThat(r.events().get(1).level()).isEqualTo("ERROR");
    assertThat(r.events().get(1).attributes()).containsEntry("latency_ms", "2707.0").containsEntry("status", "503")
        .containsEntry("termination_state", "sH--").containsEntry("path", "/portal/?Script=934");
    assertThat(r.events().get(2).message()).isEqualTo("Proxy prod_http_in started.");
    assertThat(r.events().get(3).message()).startsWith("Server bk_admin/nginx_sonst is DOWN");
    assertThat(r.events().get(3).attributes()).doesNotContainKey("status").containsEntry("app", "haproxy");
  }

  @Test
  void accessLogApacheCombinedAndMalformedRequest() {
    // elastic-examples apache_logs; a scanner's garbage request line
    String text = """
        83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)"
        198.51.100.7 - - [17/May/2015:10:05:04 +0000] "\\x16\\x03\\x01" 400 166 "-" "-"
        this is not an access log line""";
    var r = ParserFixture.run("access", Map.of("latency_unit", "us"), "UTC", text);
    assertThat(r.events()).hasSize(2);
    assertThat(r.events().get(0).attributes()).containsEntry("referer",
        "http://semicomplete.com/presentations/logstash-monitorama-2013/");
    assertThat(r.events().get(1).attributes()).doesNotContainKey("method").containsEntry("status", "400");
    assertThat(r.rejections()).containsExactly("not an access-log line (common/combined format expected)");
  }

  @Test
  void syslog3164TakesTheFileYearAndRollsOverAtNewYear() {
    String text = """
        Dec 31 23:59:58 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0
        Jan  1 00:00:01 combo su(pam_unix)[10583]: session opened for user news by (uid=0)""";
    var r = ParserFixture.run("syslog", Map.of(), "UTC", text);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-12-31T23:59:58Z"));
    assertThat(r.ts(1)).isEqualTo(Instant.parse("2025-01-01T00:00:01Z"));
    assertThat(r.events().get(0).host()).isEqualTo("combo");
    assertThat(r.events().get(0).attributes()).containsEntry("app", "sshd(pam_unix)").containsEntry("pid", "19939");
  }

  @Test
  void syslog5424WithStructuredDataAndPriority() {
    var r = ParserFixture.run("syslog", Map.of(), "UTC",
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"] An application event log entry");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
    assertThat(ev.level()).isEqualTo("INFO");
    assertThat(ev.host()).isEqualTo("mymachine.example.com");
    assertThat(ev.attributes()).containsEntry("app", "evntslog").containsEntry("msgid", "ID47")
        .containsEntry("structured_data", "[exampleSDID@32473 iut=\"3\"]").doesNotContainKey("pid");
    assertThat(ev.message()).isEqualTo("An application event log entry");
  }

  @Test
  void regexFormatWithYearlessPatternAndExtraGroups() {
    // LogHub Android_2k.log (logcat threadtime)
    var r = ParserFixture.run("regex",
        Map.of("pattern", "^(?<ts>\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) +(?<pid>\\d+) +(?<tid>\\d+) (?<level>[VDIWEF]) (?<tag>[^:]*?): ?(?<msg>.*)$",
            "timestamp_format", "MM-dd HH:mm:ss.SSS"), "UTC",
        "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}}, allDrawn= false");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-03-17T16:13:38.811Z"));
    assertThat(r.only().level()).isEqualTo("DEBUG");
    assertThat(r.only().attributes()).containsEntry("tag", "WindowManager").containsEntry("pid", "1702");
  }

  @Test
  void regexFormatReadsEpochSeconds() {
    // LogHub BGL_2k.log
    var r = ParserFixture.run("regex",
        Map.of("pattern", "^(?<label>\\S+) (?<ts>\\d+) (?<date>\\S+) (?<node>\\S+) (?<time>\\S+) (?<node2>\\S+) (?<type>\\S+) (?<component>\\S+) (?<level>\\S+) (?<msg>.*)$",
            "timestamp_format", "epoch_s"), "UTC",
        "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected");
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2005-06-03T22:42:50Z"));
    assertThat(r.only().attributes()).containsEntry("component", "KERNEL");
  }

  @Test
  void regexFormatRequiresTsAndMsgGroups() {
    assertThatThrownBy(() -> ParserFixture.parser("regex", Map.of("pattern", "(?<msg>.*)"), "UTC"))
        .hasMessageContaining("(?<ts>...) and (?<msg>...)");
  }
}
