package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.Masker;
import org.logcause.classify.core.RuleSpec;
import org.logcause.classify.core.Rules;
import org.logcause.ingest.format.Formats;
import org.logcause.job.JobSpec;
import org.logcause.job.SourceSpec;

/**
 * Lines of 100,000 characters built to make backtracking regex engines explode go through every place a pattern
 * meets input text: every built-in rule (each rule's own literals repeated, so that the rule really runs), the
 * secret masker, the template masker, every format's parser, and a source pattern written to backtrack. The guard
 * below only stops a hang; the work itself takes seconds.
 */
class AdversarialLinesTest {
  static final int N = 100_000;

  /** Shapes that make nested or adjacent repetitions backtrack, with and without a final character that fails them. */
  static List<String> lines() {
    List<String> out = new ArrayList<>();
    for (String unit : List.of("a", "ab", " ", "\t", "0", "1.", "a1-", "x=", "'", "\"", "password=", "PASSWORD '",
        "{\"a\":", "[", "/a", "a@b.", "%", "\\", "<*>", "::", "key: ", "Bearer ", "Basic ", "eyJhbGciOi.", "IDENTIFIED BY ")) {
      String body = unit.repeat(Math.max(1, N / unit.length()));
      out.add(body);
      out.add(body + "!");
      out.add("2024-06-20 14:00:00.000 UTC [1] ERROR:  " + body);
    }
    return out;
  }

  /** Each built-in rule's literals, repeated to fill a line, so that the candidate filter lets the rule's pattern run. */
  static List<String> ruleLines() {
    List<String> out = new ArrayList<>();
    for (RuleSpec r : Rules.builtInFile().rules()) {
      if (r.message() == null) continue;
      String literal = r.message().replaceAll("\\(\\?i\\)|[\\\\^$.|?*+()\\[\\]{}]", " ").trim().replaceAll("\\s+", " ");
      if (literal.isEmpty()) continue;
      out.add((literal + " ").repeat(Math.max(1, N / (literal.length() + 1))));
      out.add((literal + " ").repeat(Math.max(1, N / (literal.length() + 1))) + "\u0000");
    }
    return out;
  }

  @Test
  void everyBuiltInRuleRunsInLinearTimeOnAdversarialLines() {
    Rules rules = Rules.builtIn();
    List<String> lines = new ArrayList<>(lines());
    lines.addAll(ruleLines());
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (String format : Formats.names()) {
        for (String line : lines) {
          assertThat(rules.classify(format, "s", "ERROR", line, Map.of("status", "504", "sqlstate", "57014"))).isNotNull();
        }
      }
    });
  }

  @Test
  void theMaskersDoNotRecursePerRepetitionOnLongLines() throws Exception {
    // java.util.regex recurses once per repetition of a group: unbounded, 50,000 path segments or dotted numbers
    // overflow the stack of a thread with a small one (whether the default one does depends on the JIT)
    List<String> deep = List.of("/a".repeat(50_000), "1.".repeat(50_000), "v1" + ".2".repeat(50_000),
        "x@y" + ".z".repeat(50_000));
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        for (String line : deep) {
          assertThat(Masker.mask(line)).isNotNull();
        }
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    assertThat(failure[0]).as("masking on a 256 KB stack").isNull();
  }

  @Test
  void theMaskersRunInLinearTimeOnAdversarialLines() {
    SecretMasker secrets = new SecretMasker(new JobSpec.Masking(null, null, null));
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (String line : lines()) {
        assertThat(secrets.mask(line)).isNotNull();
        assertThat(Masker.mask(line)).isNotNull();
      }
    });
  }

  @Test
  void everyParserTakesAdversarialLinesInLinearTime() {
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (String format : Formats.names()) {
        Map<String, String> options = format.equals("regex") ? Map.of("pattern", "^(?<ts>\\S+ \\S+) (?<level>\\w+) (?<msg>.*)$") : Map.of();
        long lines = ingest(format, options, String.join("\n", lines()));
        assertThat(lines).as(format).isEqualTo(lines().size());
      }
    });
  }

  /**
   * A source pattern that backtracks catastrophically on a backtracking engine: RE2/J runs it in linear time; the
   * same pattern with a lookahead (which RE2/J lacks) runs within its step budget and the line is quarantined with
   * the reason.
   */
  @Test
  void aCatastrophicSourcePatternCannotStallTheRun() {
    String line = "a".repeat(5_000);
    String text = "2024-06-20T14:00:00Z ok line\n" + line + "\n" + "a".repeat(N) + "\n";
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      List<IngestRecord> linear = records("regex", Map.of("pattern", "^(?<ts>(.*a){12})b(?<msg>.*)$", "multiline", "none"), text);
      assertThat(quarantineReasons(linear)).hasSize(3).allMatch(r -> r.equals("line does not match the source's pattern"));

      List<IngestRecord> budgeted = records("regex",
          Map.of("pattern", "^(?=a)(?<ts>(.*a){12})b(?<msg>.*)$", "multiline", "none"), text);
      assertThat(quarantineReasons(budgeted)).hasSize(3)
          .filteredOn(r -> r.startsWith("the source's pattern exceeded its matching budget")).hasSize(2);
    });
  }

  private static List<IngestRecord> records(String format, Map<String, String> options, String text) {
    SourceSpec s = new SourceSpec("s", "c", "h", format, "x", "UTC", null, options);
    List<IngestRecord> out = new ArrayList<>();
    new FileIngestor(1 << 20, 0).ingest("f", () -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        Formats.create(s).newParser(2024)).forEachRemaining(out::add);
    return out;
  }

  private static long ingest(String format, Map<String, String> options, String text) {
    List<IngestRecord> out = records(format, options, text);
    return ((IngestRecord.FileStats) out.get(out.size() - 1)).linesRead();
  }

  private static List<String> quarantineReasons(List<IngestRecord> records) {
    return records.stream().filter(r -> r instanceof IngestRecord.Quarantined).map(r -> ((IngestRecord.Quarantined) r).reason()).toList();
  }
}
