package org.logcause.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The access-log parser reads lines with a one-pass scanner and falls back to its regex for lines the scanner does
 * not take. On every line of the shipped sample and on 20,000 mutations of them (virtual hosts, escapes, missing
 * fields, extra spaces, brackets, tabs, truncation), wherever the scanner answers it reads the fields exactly as the
 * regex does, and where the regex finds no access-log line the scanner finds none either.
 */
class AccessLogScanTest {
  private static final String[] PIECES = {" ", "  ", "\t", "[", "]", "\"", "\\\"", "\\", "-", "www.example.com ", "200",
      " \"-\" \"curl/8\"", " rt=0.123 uct=\"0.001\"", " 0.042", "x", "é", "\r"};

  @Test
  void theScannerReadsEveryLineAsTheRegexDoes() throws IOException {
    List<String> lines = Files.readAllLines(
        Path.of("sample-data/redcrow-2024-06-20/logs/web-5/access.log"), StandardCharsets.UTF_8);
    assertThat(lines).hasSizeGreaterThan(5_000);
    int scanned = 0;
    for (String line : lines) {
      assertThat(AccessLogParser.fields(line, true)).as(line).isEqualTo(AccessLogParser.fields(line, false));
      if (AccessLogParser.scan(line) != null) scanned++;
    }
    assertThat(scanned).as("sample lines the scanner takes").isEqualTo(lines.size());

    Random random = new Random(11);
    List<String> mutated = new ArrayList<>();
    for (int n = 0; n < 20_000; n++) {
      String line = lines.get(random.nextInt(lines.size()));
      StringBuilder b = new StringBuilder(line);
      for (int k = random.nextInt(3); k >= 0; k--) {
        int at = random.nextInt(b.length() + 1);
        switch (random.nextInt(4)) {
          case 0 -> b.insert(at, PIECES[random.nextInt(PIECES.length)]);
          case 1 -> b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(4)));
          case 2 -> b.setLength(at);
          default -> b.insert(0, PIECES[random.nextInt(PIECES.length)]);
        }
      }
      mutated.add(b.toString());
    }
    int taken = 0;
    int matched = 0;
    for (String line : mutated) {
      List<String> regex = AccessLogParser.fields(line, false);
      assertThat(AccessLogParser.fields(line, true)).as(line).isEqualTo(regex);
      if (AccessLogParser.scan(line) != null) taken++;
      if (regex != null) matched++;
    }
    assertThat(taken).as("mutated lines the scanner takes").isGreaterThan(5_000);
    assertThat(matched).as("mutated lines still access-log lines").isLessThan(mutated.size());
  }
}
