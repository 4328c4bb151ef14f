package org.logcause.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.Parsed;
import org.logcause.onboard.FormatSniffer;

/**
 * HAProxy's logs as real servers wrote them (matomo-log-analytics' and lnav's fixtures): {@code init} takes each as
 * {@code haproxy}, every line becomes an event, and every request logged in the HTTP format a request.
 */
@Tag("external")
class ExternalHaproxyLogsTest {
  private static final Path DIR = Path.of(System.getProperty("logcause.external.dir", "../shared/data/external"))
      .toAbsolutePath().normalize();

  private record Src(String format, Map<String, String> options) implements Formats.Source {
    @Override
    public ZoneId zone() {
      return ZoneOffset.UTC;
    }
  }

  @Test
  void everyLineIsAnEventAndEveryHttpLogARequest() throws IOException {
    for (String file : List.of("matomo-log-analytics/haproxy.log", "lnav-edge-cases/logfile_haproxy.0")) {
      List<String> lines = Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8);
      assertThat(FormatSniffer.sniff(lines).format()).as(file).isEqualTo("haproxy");
      var parser = Formats.create(new Src("haproxy", Map.of())).newParser(2019);
      int requests = 0;
      for (String line : lines) {
        Parsed p = parser.parse(line);
        assertThat(p).as(line).isInstanceOf(Parsed.Start.class);
        var attributes = ((Parsed.Start) p).event().attributes();
        if (line.contains("\"GET ") || line.contains("\"POST ")) {
          requests++;
          assertThat(attributes).as(line).containsKeys("client_ip", "status", "method", "path", "latency_ms", "backend");
        } else {
          assertThat(attributes).as(line).doesNotContainKey("status");
        }
      }
      assertThat(requests).as(file).isPositive();
    }
  }
}
