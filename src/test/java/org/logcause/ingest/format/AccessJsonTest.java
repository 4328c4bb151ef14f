package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Access logs written as JSON lines (nginx's {@code escape=json} log formats, Caddy, Envoy) read as the same events
 * as their common-log lines.
 */
class AccessJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A combined-log line as nginx writes it with a JSON log_format of its usual variables. */
  private static String asNginxJson(String line) {
    List<String> f = AccessLogParser.fields(line, false);
    assertThat(f).as(line).isNotNull();
    ObjectNode o = JSON.createObjectNode();
    o.put("time_local", f.get(3)).put("remote_addr", f.get(1)).put("remote_user", f.get(2).equals("-") ? "" : f.get(2))
        .put("request", f.get(4)).put("status", f.get(5));
    if (!f.get(6).equals("-")) o.put("body_bytes_sent", f.get(6));
    o.put("http_referer", f.get(7) == null || f.get(7).equals("-") ? "" : f.get(7));
    if (f.get(8) != null) o.put("http_user_agent", f.get(8));
    String rest = f.get(9) == null ? "" : f.get(9).trim();
    assertThat(rest).as("the request time is all that follows: " + line).matches("\\d+(\\.\\d+)?");
    o.put("request_time", rest);
    return o.toString();
  }

  private static List<String> lines(Path p) throws IOException {
    var in = Files.newInputStream(p);
    var stream = p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    try (var r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }

  @Test
  void everyLineOfRealAccessLogsReadsTheSameWrittenAsJson() throws IOException {
    for (Path p : List.of(Path.of("sample-data/redcrow-2024-06-20/logs/web-5/access.log"),
        Path.of("sample-data/lab/traffic-surge-17/logs/nginx-2/access.log.gz"))) {
      List<String> clf = lines(p);
      List<String> json = new ArrayList<>();
      for (String l : clf) json.add(asNginxJson(l));
      var a = ParserFixture.run("access", Map.of(), "UTC", String.join("\n", clf));
      var b = ParserFixture.run("access", Map.of(), "UTC", String.join("\n", json));
      assertThat(b.rejections()).as(p.toString()).isEmpty();
      assertThat(b.events()).as(p.toString()).hasSize(clf.size()).hasSameSizeAs(a.events());
      for (int i = 0; i < clf.size(); i++) {
        ParsedEvent x = a.events().get(i);
        ParsedEvent y = b.events().get(i);
        assertThat(y.tsMicros()).as(json.get(i)).isEqualTo(x.tsMicros());
        assertThat(y.level()).as(json.get(i)).isEqualTo(x.level());
        assertThat(y.message()).as(json.get(i)).isEqualTo(x.message());
        assertThat(y.attributes()).as(json.get(i)).isEqualTo(x.attributes());
      }
      assertThat(a.events()).anySatisfy(e -> assertThat(e.level()).isEqualTo("ERROR"));
    }
  }

  @Test
  void nginxIso8601RecordWithUpstreamFields() {
    var r = ParserFixture.run("access", Map.of(), "UTC",
        "{\"time_iso8601\":\"2024-06-20T14:03:10+02:00\",\"remote_addr\":\"203.0.113.10\",\"request_method\":\"POST\","
            + "\"request_uri\":\"/api/orders?x=1\",\"server_protocol\":\"HTTP/1.1\",\"status\":504,\"body_bytes_sent\":160,"
            + "\"request_time\":\"60.001\",\"upstream_response_time\":\"60.000, 0.001\",\"http_user_agent\":\"orders-mobile/5.2\","
            + "\"http_host\":\"shop.example\"}");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T12:03:10Z"));
    assertThat(ev.level()).isEqualTo("ERROR");
    assertThat(ev.message()).isEqualTo("POST /api/orders?x=1 504");
    assertThat(ev.attributes()).containsEntry("client_ip", "203.0.113.10").containsEntry("status", "504")
        .containsEntry("method", "POST").containsEntry("path", "/api/orders?x=1").containsEntry("protocol", "HTTP/1.1")
        .containsEntry("bytes", "160").containsEntry("latency_ms", "60001.0").containsEntry("vhost", "shop.example")
        .containsEntry("user_agent", "orders-mobile/5.2").containsEntry("upstream_response_time", "60.000, 0.001");
  }

  @Test
  void caddysAccessLogWithItsRequestNestedAndEpochSeconds() {
    // the shape of Caddy 2's access log (logger http.log.access)
    var r = ParserFixture.run("access", Map.of(), "UTC",
        "{\"level\":\"info\",\"ts\":1718892190.5241024,\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\","
            + "\"request\":{\"remote_ip\":\"198.51.100.7\",\"remote_port\":\"41342\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\","
            + "\"host\":\"shop.example\",\"uri\":\"/api/cart\",\"headers\":{\"User-Agent\":[\"curl/8.5.0\"],\"Accept\":[\"*/*\"]}},"
            + "\"duration\":0.25,\"size\":10900,\"status\":502}");
    var ev = r.only();
    assertThat(ev.tsMicros()).isEqualTo(1_718_892_190_524_102L);
    assertThat(ev.message()).isEqualTo("GET /api/cart 502");
    assertThat(ev.level()).isEqualTo("ERROR");
    assertThat(ev.attributes()).containsEntry("client_ip", "198.51.100.7").containsEntry("protocol", "HTTP/2.0")
        .containsEntry("vhost", "shop.example").containsEntry("user_agent", "curl/8.5.0").containsEntry("bytes", "10900")
        .containsEntry("latency_ms", "250.0").containsEntry("logger", "http.log.access.log0");
  }

  @Test
  void fieldsAndUnitsNamedInTheOptions() {
    // Envoy's JSON access log: duration in milliseconds, the client with its port; a site's own time field name
    var r = ParserFixture.run("access", Map.of("latency_unit", "ms", "time_field", "when"), "UTC",
        "{\"when\":\"2024-06-20T14:03:10.123Z\",\"start_time\":\"1999-01-01T00:00:00Z\",\"method\":\"GET\",\"path\":\"/x\","
            + "\"protocol\":\"HTTP/1.1\",\"response_code\":503,\"duration\":12,\"downstream_remote_address\":\"10.0.0.5:51234\"}");
    var ev = r.only();
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2024-06-20T14:03:10.123Z"));
    assertThat(ev.attributes()).containsEntry("client_ip", "10.0.0.5").containsEntry("status", "503")
        .containsEntry("latency_ms", "12.0");
  }

  @Test
  void aRecordThatIsNoRequestIsQuarantinedNamingTheField() {
    var r = ParserFixture.run("access", Map.of(), "UTC", String.join("\n",
        "{\"time_local\":\"20/Jun/2024:14:03:10 +0000\",\"remote_addr\":\"203.0.113.10\",\"request\":\"GET / HTTP/1.1\"}",
        "{\"time_iso8601\":\"yesterday\",\"status\":\"200\",\"request\":\"GET / HTTP/1.1\"}",
        "{\"time_iso8601\":\"2024-06-20T14:03:10Z\",\"status\":\"OK\",\"request\":\"GET / HTTP/1.1\"}",
        "{\"time_iso8601\":\"2024-06-20T14:03:10Z\",\"status\":\"200\"}",
        "{\"time_iso8601\": broken"));
    assertThat(r.events()).isEmpty();
    assertThat(r.rejections()).hasSize(5);
    assertThat(r.rejections().get(0)).startsWith("no status field (looked for status,");
    assertThat(r.rejections().get(1)).isEqualTo("unparseable timestamp in field time_iso8601: \"yesterday\"");
    assertThat(r.rejections().get(2)).isEqualTo("not an HTTP status in field status: \"OK\"");
    assertThat(r.rejections().get(3)).startsWith("no request field (looked for request,");
    assertThat(r.rejections().get(4)).startsWith("not valid JSON");
  }

  @Test
  void onlyRecordsShapedLikeRequestsAreAccessRecords() throws IOException {
    assertThat(AccessJson.looksLikeAccessRecord(JSON.readTree(asNginxJson(
        "198.0.113.120 - - [20/Jun/2024:13:00:01 +0000] \"GET /api/orders/85376 HTTP/1.1\" 200 1257 \"-\" \"m/5.2\" 0.029"))))
        .isTrue();
    // an application logging its requests: a message on every line
    assertThat(AccessJson.looksLikeAccessRecord(JSON.readTree(
        "{\"ts\":\"2024-06-20T13:00:01Z\",\"level\":\"INFO\",\"msg\":\"request done\",\"status\":200,\"path\":\"/x\","
            + "\"client_ip\":\"10.0.0.1\"}"))).isFalse();
    // no client address
    assertThat(AccessJson.looksLikeAccessRecord(JSON.readTree(
        "{\"time\":\"2024-06-20T13:00:01Z\",\"status\":200,\"request\":\"GET / HTTP/1.1\"}"))).isFalse();
  }
}
