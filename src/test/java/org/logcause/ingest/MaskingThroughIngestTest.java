package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.job.JobSpec;
import org.logcause.job.SourceSpec;

/**
 * Secrets through the real ingest path of a file (reader, parser, masker as ingest applies it): whether a line
 * becomes an event or is quarantined, no secret value survives in what would be written.
 */
class MaskingThroughIngestTest {
  /** Everything ingest would write of a file: each event's message and attributes, each quarantined line and reason. */
  static List<String> written(String format, Map<String, String> options, String text) {
    SourceSpec s = new SourceSpec("s", "c", "h", format, "x", "UTC", null, options);
    SecretMasker masker = new SecretMasker(new JobSpec.Masking(null, null, null));
    List<String> out = new ArrayList<>();
    new FileIngestor(1 << 20, 0).ingest("f", () -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        Formats.create(s).newParser(2024)).forEachRemaining(r -> {
          if (r instanceof IngestRecord.Event e) {
            SecretMasker.Masked m = masker.mask(e.message(), e.attributes());
            out.add(m.message());
            out.add(String.valueOf(m.attributes()));
          } else if (r instanceof IngestRecord.Quarantined q) {
            out.add(masker.mask(q.raw()));
            out.add(masker.mask(q.reason()));
          }
        });
    return out;
  }

  @Test
  void aQuarantinedJsonLineKeepsNoSecretValueInAnySpacing() {
    for (String sep : List.of(":", ": ", " : ", " :")) {
      String line = "{\"timestamp\":\"bad\",\"password\"" + sep + "\"x\",\"api_key\"" + sep + "\"Zk4-q9 w\\\"v\"}";
      List<String> out = written("json", Map.of(), line);
      assertThat(String.join("\n", out)).as(line).contains("[REDACTED]")
          .doesNotContain("\"x\"", "Zk4", "q9 w", "\\\"v");
    }
  }

  @Test
  void aBasicTokenWithoutItsHeaderIsMaskedWhenItDecodesToCredentials() {
    String creds = java.util.Base64.getEncoder().encodeToString("deploy:S3cr3tPw".getBytes(StandardCharsets.UTF_8));
    String line = "{\"timestamp\":\"2024-06-20T14:00:00Z\",\"level\":\"WARN\",\"message\":\"retrying with -H Basic "
        + creds + " against the registry\"}";
    assertThat(String.join("\n", written("json", Map.of(), line))).doesNotContain(creds).contains("Basic [REDACTED]");
    // Words after "Basic" that are not credentials stay.
    String plain = "{\"timestamp\":\"2024-06-20T14:00:00Z\",\"level\":\"INFO\",\"message\":\"Basic Authentication enabled\"}";
    assertThat(String.join("\n", written("json", Map.of(), plain))).contains("Basic Authentication enabled");
  }

  @Test
  void passwordLiteralsOnStatementContinuationLinesAreMasked() {
    String pg = String.join("\n",
        "2024-06-20 14:00:00.000 UTC [10] app@shop ERROR:  role \"etl\" does not exist",
        "2024-06-20 14:00:00.000 UTC [10] app@shop STATEMENT:  ALTER ROLE etl WITH LOGIN PASSWORD",
        "\t'Tr0ub4dor-one';",
        "2024-06-20 14:00:01.000 UTC [11] app@shop LOG:  statement: CREATE ROLE etl2 LOGIN",
        "\tENCRYPTED PASSWORD E'Tr0ub4dor-two'",
        "2024-06-20 14:00:02.000 UTC [12] app@shop LOG:  statement: ALTER USER bob PASSWORD $$Tr0ub4dor-three$$",
        "2024-06-20 14:00:03.000 UTC [13] app@shop LOG:  statement: ALTER ROLE x PASSWORD",
        "\t",
        "\t'Tr0ub4dor-four'",
        "");
    String all = String.join("\n", written("postgres", Map.of("log_line_prefix", "%m [%p] %q%u@%d "), pg));
    assertThat(all).doesNotContain("Tr0ub4dor");
  }

  /**
   * Random JSON objects with secret-named keys among others, values of every JSON shape (strings with escapes and
   * spaces, numbers, nested objects and arrays), in random spacing; half of the lines carry a bad time and are
   * quarantined. No secret's value survives either way.
   */
  @Test
  void noSecretValueOfARandomJsonObjectSurvivesWhetherItIsAnEventOrQuarantined() {
    Random random = new Random(20261204);
    List<String> secretKeys = List.of("password", "db.password", "api_key", "apiKey", "X-Auth-Token", "client_secret",
        "credentials", "session_id", "PRIVATE_KEY", "accessKey", "pwd", "refresh_token");
    List<String> plainKeys = List.of("user", "path", "status", "msg_id", "region", "count");
    for (int n = 0; n < 3000; n++) {
      StringBuilder line = new StringBuilder("{");
      List<String> secrets = new ArrayList<>();
      boolean quarantined = random.nextBoolean();
      line.append("\"timestamp\"").append(sep(random)).append(quarantined ? "\"not a time\"" : "\"2024-06-20T14:00:00Z\"");
      line.append(",\"level\"").append(sep(random)).append("\"ERROR\"");
      line.append(",\"message\"").append(sep(random)).append("\"request failed\"");
      for (int k = random.nextInt(4); k >= 0; k--) {
        boolean secret = k == 0 || random.nextBoolean();
        String key = secret ? secretKeys.get(random.nextInt(secretKeys.size())) : plainKeys.get(random.nextInt(plainKeys.size()));
        String token = "S" + Long.toString(Math.abs(random.nextLong()), 36) + "q";
        String value = switch (random.nextInt(5)) {
          case 0 -> "\"" + token + "\"";
          case 1 -> "\"" + token.substring(0, 4) + " \\\"" + token.substring(4) + "\\\" x\"";
          case 2 -> "{\"inner\"" + sep(random) + "\"" + token + "\",\"n\":" + random.nextInt(9) + "}";
          case 3 -> "[\"" + token + "\", 7, {\"k\": \"" + token + "\"}]";
          default -> "\"" + token + "\\u00e9 \\\\ end\"";
        };
        if (secret) secrets.add(token);
        line.append(",\"").append(key).append("\"").append(sep(random)).append(value);
      }
      line.append("}");
      String all = String.join("\n", written("json", Map.of(), line.toString()));
      for (String t : secrets) {
        assertThat(all).as("%s (%s)", line, quarantined ? "quarantined" : "event").doesNotContain(t)
            .doesNotContain(t.substring(0, 4) + " ").doesNotContain(t.substring(4));
      }
    }
  }

  private static String sep(Random random) {
    return List.of(":", ": ", " : ", " :", ":  ").get(random.nextInt(5));
  }
}
