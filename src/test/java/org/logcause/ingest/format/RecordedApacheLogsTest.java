package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.Rules;
import org.logcause.onboard.FormatSniffer;

/**
 * Apache httpd's logs as Debian's apache2 2.4.71 wrote them (src/test/resources/recorded/apache2, how in its README): a
 * backend refusing connections, a backend timing out, the workers running out, and an access log with {@code %D}.
 */
class RecordedApacheLogsTest {
  private static List<String> lines(String name) throws IOException {
    try (InputStream in = RecordedApacheLogsTest.class.getResourceAsStream("/recorded/apache2/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void theErrorLogIsReadEntryByEntryAndItsProxyTroubleClassified() throws IOException {
    List<String> lines = lines("error.log");
    assertThat(FormatSniffer.sniff(lines).format()).isEqualTo("apache-error");
    var r = ParserFixture.run("apache-error", Map.of(), "UTC", String.join("\n", lines));
    assertThat(r.rejections()).isEmpty();
    // the failed start's "AH00016: Configuration Failed" has no prefix: it continues the entry before it
    assertThat(r.events()).hasSize(lines.size() - 1);
    assertThat(r.continuations()).isEqualTo(1);
    ParsedEvent first = r.events().get(0);
    assertThat(r.ts(0)).isEqualTo(Instant.parse("2026-12-07T22:48:49.764034Z"));
    assertThat(first.level()).isEqualTo("ERROR");
    assertThat(first.message()).endsWith("AH00016: Configuration Failed");
    assertThat(first.attributes()).containsEntry("module", "mime").containsEntry("error_code", "AH01597")
        .containsEntry("pid", "596").containsEntry("thread", "596");
    ParsedEvent timeout = r.events().stream().filter(e -> e.message().contains("AH01102")).findFirst().orElseThrow();
    assertThat(timeout.message()).isEqualTo(
        "(70007)The timeout specified has expired: AH01102: error reading status line from remote server 127.0.0.1:22081");
    assertThat(timeout.attributes()).containsEntry("client_ip", "127.0.0.1").containsEntry("client_port", "54064")
        .containsEntry("referer", "http://shop.example/cart").containsEntry("module", "proxy_http")
        .containsEntry("error_code", "AH01102");

    Rules rules = Rules.builtIn();
    Map<String, Integer> categories = new TreeMap<>();
    for (ParsedEvent e : r.events()) {
      if (!e.level().equals("ERROR")) continue;
      categories.merge(rules.classify("apache-error", "web", e.level(), e.message(), e.attributes()).category(), 1,
          Integer::sum);
    }
    // 12 proxy timeouts (two lines each for six requests), 3 refused connections and the 3 failed requests behind
    // them, the workers running out; the missing mime.types and the early warning of the workers are left unknown
    assertThat(categories).containsEntry("timeout", 12).containsEntry("network", 6)
        .containsEntry("connection_saturation", 1).containsEntry("unknown", 2);
  }

  @Test
  void theAccessLogsRequestTimeIsMicroseconds() throws IOException {
    List<String> lines = lines("access.log");
    FormatSniffer.Sniffed s = FormatSniffer.sniff(lines);
    assertThat(s.format()).isEqualTo("access");
    assertThat(s.options()).containsEntry("latency_unit", "us");
    var r = ParserFixture.run("access", s.options(), "UTC", String.join("\n", lines));
    assertThat(r.rejections()).isEmpty();
    assertThat(r.events()).hasSize(lines.size());
    // the six requests to the backend that never answered waited for the 2-s proxy timeout
    assertThat(r.events()).filteredOn(e -> e.message().startsWith("GET /slow"))
        .allSatisfy(e -> assertThat(Double.parseDouble(e.attributes().get("latency_ms"))).isBetween(1_900.0, 4_500.0));
  }
}
