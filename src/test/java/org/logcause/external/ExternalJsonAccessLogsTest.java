package org.logcause.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.Parsed;
import org.logcause.ingest.format.ParsedEvent;
import org.logcause.onboard.FormatSniffer;

/**
 * Access logs written as JSON by real servers (matomo-log-analytics' fixtures: nginx with a JSON log_format, Caddy 2,
 * Traefik): {@code init} takes each as an access log, and every record becomes a request with its time, client,
 * status, method, path and latency.
 */
@Tag("external")
class ExternalJsonAccessLogsTest {
  private static final Path DIR = Path.of(System.getProperty("logcause.external.dir", "../shared/data/external"))
      .toAbsolutePath().normalize().resolve("matomo-log-analytics");

  private record Src(String format, Map<String, String> options) implements Formats.Source {
    @Override
    public ZoneId zone() {
      return ZoneOffset.UTC;
    }
  }

  private static List<ParsedEvent> read(String file) throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8);
    FormatSniffer.Sniffed s = FormatSniffer.sniff(lines);
    assertThat(s.format()).as(file).isEqualTo("access");
    var parser = Formats.create(new Src("access", s.options())).newParser(2024);
    List<ParsedEvent> out = new ArrayList<>();
    for (String line : lines) {
      Parsed p = parser.parse(line);
      assertThat(p).as(line).isInstanceOf(Parsed.Start.class);
      out.add(((Parsed.Start) p).event());
    }
    return out;
  }

  private static Instant ts(ParsedEvent e) {
    return Instant.EPOCH.plusNanos(e.tsMicros() * 1000L);
  }

  @Test
  void nginxWithAJsonLogFormat() throws IOException {
    List<ParsedEvent> events = read("nginx_json.log");
    assertThat(events).hasSize(2);
    ParsedEvent e = events.get(0);
    assertThat(ts(e)).isEqualTo(Instant.parse("2013-10-10T14:52:00Z"));
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.message()).startsWith("/piwik.php?action_name=Clearcode").endsWith(" 200");
    assertThat(e.attributes()).containsEntry("client_ip", "1.2.3.4").containsEntry("status", "200")
        .containsEntry("vhost", "www.piwik.org").containsEntry("bytes", "192").containsEntry("referer", "http://clearcode.cc/")
        .containsKey("user_agent");
  }

  @Test
  void caddysAccessLog() throws IOException {
    List<ParsedEvent> events = read("caddy_json.log");
    assertThat(events).hasSize(3);
    ParsedEvent e = events.get(0);
    assertThat(e.tsMicros()).isEqualTo(1_703_373_474_815_561L);
    assertThat(e.message()).isEqualTo("GET /beta/ 200");
    assertThat(e.attributes()).containsEntry("client_ip", "1.2.3.4").containsEntry("protocol", "HTTP/2.0")
        .containsEntry("vhost", "example.com").containsEntry("bytes", "3609").containsEntry("latency_ms", "1.335")
        .containsEntry("user_agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0");
  }

  @Test
  void traefiksAccessLog() throws IOException {
    ParsedEvent e = read("traefik_json.log").get(0);
    assertThat(ts(e)).isEqualTo(Instant.parse("2023-08-11T11:39:21.773360Z"));
    assertThat(e.message()).isEqualTo("GET /my/app/auth?id=1234&user=dude 200");
    assertThat(e.attributes()).containsEntry("client_ip", "1.2.3.4").containsEntry("status", "200")
        .containsEntry("protocol", "HTTP/1.1").containsEntry("latency_ms", "10002.425")
        .containsEntry("user_agent", "Prometheus/2.40.5").containsEntry("OriginStatus", "504");
  }
}
