package org.logcause.classify.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.LineParser;
import org.logcause.ingest.format.Parsed;
import org.logcause.ingest.format.ParsedEvent;
import org.logcause.job.SourceSpec;

class RulesTest {
  private static final Rules RULES = Rules.builtIn();

  /** The regex formats some test lines need (sources the built-in formats do not cover). */
  private static final Map<String, Map<String, String>> REGEX = Map.of(
      "regex-pgbouncer", Map.of("pattern", "^(?<ts>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (?<pid>\\d+) (?<level>[A-Z]+) (?<msg>.*)$"),
      "regex-nginx-error", Map.of("pattern", "^(?<ts>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) \\[(?<level>\\w+)\\] (?<msg>.*)$"));

  record Line(String ruleId, String format, String text) {}

  static List<Line> lines() throws IOException {
    List<Line> out = new ArrayList<>();
    try (InputStream in = RulesTest.class.getResourceAsStream("/classify/rule-lines.tsv")) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (l.isBlank() || l.startsWith("#")) continue;
        String[] f = l.split("\t", 3);
        out.add(new Line(f[0], f[1], f[2]));
      }
    }
    return out;
  }

  /** Parses a line with the real format parser, then classifies the event. */
  static Rules.Classification classify(Rules rules, String format, String text) {
    boolean regex = format.startsWith("regex-");
    Map<String, String> options = regex ? REGEX.get(format) : format.equals("postgres")
        ? Map.of("log_line_prefix", "%m [%p] ") : format.equals("log4j") ? Map.of("pattern", "%d %p [%t] %c - %m%n") : Map.of();
    String realFormat = regex ? "regex" : format;
    LineParser parser = Formats.create(new SourceSpec("src", "c", "h", realFormat, "x", "UTC", null, options)).newParser(2024);
    Parsed p = parser.parse(text);
    assertThat(p).as("parses: %s", text).isInstanceOf(Parsed.Start.class);
    ParsedEvent e = ((Parsed.Start) p).event();
    return rules.classify(realFormat, "src", e.level(), e.message(), e.attributes());
  }

  @Test
  void everyRuleHasATestLineAndClassifiesIt() throws IOException {
    List<Line> lines = lines();
    Set<String> covered = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    for (Line l : lines) {
      Rules.Classification c = classify(RULES, l.format(), l.text());
      if (!l.ruleId().equals(c.ruleId())) {
        wrong.add(l.ruleId() + " expected, " + c.ruleId() + " matched: " + l.text());
      }
      covered.add(l.ruleId());
    }
    assertThat(wrong).as("lines classified by another rule").isEmpty();
    assertThat(covered).as("rules without a test line").containsAll(RULES.ids());
  }

  @Test
  void aServerProcessExitingIsACrashButAParallelWorkerCancelledByAStatementTimeoutIsNot() {
    assertThat(RULES.classify("postgres", "s", "INFO", "server process (PID 7201) exited with exit code 2", Map.of()).ruleId())
        .isEqualTo("pg-crash");
    assertThat(RULES.classify("postgres", "s", "INFO", "startup process (PID 812) exited with exit code 1", Map.of()).ruleId())
        .isEqualTo("pg-crash");
    assertThat(RULES.classify("postgres", "s", "INFO",
        "background worker \"parallel worker\" (PID 10081) exited with exit code 1", Map.of()).subcategory())
        .isNotEqualTo("crash_recovery");
  }

  @Test
  void unmatchedEventsAreUnknownWithSeverityFromLevel() {
    Rules.Classification c = RULES.classify("json", "s", "WARN", "cache warmed", Map.of());
    assertThat(c).isEqualTo(new Rules.Classification("unknown", "warn", "medium", null));
  }

  @Test
  void earlierRulesWinAndSpecRulesComeFirstOrReplaceBuiltIns() {
    // "canceling statement due to lock timeout" contains "timeout": the lock rule comes first.
    assertThat(RULES.classify("postgres", "s", "ERROR", "canceling statement due to lock timeout", Map.of()).ruleId())
        .isEqualTo("pg-lock-timeout");
    RuleSpec mine = new RuleSpec("shop-metrics-noise", null, List.of("app"), "Failed to send metrics", null, null, null,
        null, null, "benign", "metrics_client", "info");
    RuleSpec replace = new RuleSpec("pg-reload", null, null, "received SIGHUP", null, null, null, null, null,
        "config_change", "reload", "medium");
    Rules rules = Rules.withOverrides(List.of(mine, replace));
    assertThat(rules.classify("json", "app", "ERROR", "Failed to send metrics to statsd:8125: java.net.PortUnreachableException: ICMP Port Unreachable", Map.of()))
        .isEqualTo(new Rules.Classification("benign", "metrics_client", "info", "shop-metrics-noise"));
    assertThat(rules.classify("json", "other", "ERROR", "Failed to send metrics to statsd:8125: java.net.PortUnreachableException: ICMP Port Unreachable", Map.of()).category())
        .isEqualTo("network");
    assertThat(rules.classify("postgres", "s", "INFO", "received SIGHUP, reloading configuration files", Map.of()).severity()).isEqualTo("medium");
    assertThat(rules.size()).isEqualTo(RULES.size() + 1);
  }

  @Test
  void rejectsABadSpecRuleNamingTheField() {
    assertThatThrownBy(() -> Rules.validate(List.of(new RuleSpec("x", null, null, "(", null, null, null, null, null, "timeout", "s", "high"))))
        .hasMessageStartingWith("rules[0].message: not a valid regex");
    assertThatThrownBy(() -> Rules.validate(List.of(new RuleSpec("x", null, null, null, null, null, null, null, null, "slowness", "s", "high"))))
        .hasMessageStartingWith("rules[0].category: \"slowness\" is not one of");
    assertThatThrownBy(() -> Rules.validate(List.of(new RuleSpec("x", null, null, null, null, null, null, "5x", null, "timeout", "s", "high"))))
        .hasMessageStartingWith("rules[0].status: \"5x\" is not a status");
  }

  @Test
  void hintsFoundInOnePassChangeNoClassification() throws IOException {
    // Every rule's test line, then texts made of pieces of them (hints cut, joined, case changed): the hint search
    // may only skip regexes that cannot match.
    List<Line> lines = lines();
    java.util.Random random = new java.util.Random(11);
    String[] levels = {"LOG", "ERROR", "WARN", "INFO", "FATAL", null};
    String[] formats = {"postgres", "json", "access", "log4j", "mysql", "changes"};
    int matched = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder text = new StringBuilder();
      for (int k = random.nextInt(4); k >= 0; k--) {
        String piece = lines.get(random.nextInt(lines.size())).text();
        boolean whole = random.nextInt(3) == 0;
        int from = whole ? 0 : random.nextInt(piece.length());
        int to = whole ? piece.length() : Math.min(piece.length(), from + 1 + random.nextInt(60));
        String cut = piece.substring(from, to);
        text.append(random.nextInt(5) == 0 ? cut.toUpperCase(java.util.Locale.ROOT) : cut);
      }
      String format = formats[random.nextInt(formats.length)];
      String level = levels[random.nextInt(levels.length)];
      Map<String, String> attributes = random.nextBoolean() ? Map.of() : Map.of("status", "503", "sqlstate", "53300");
      Rules.Classification c = RULES.classify(format, "src", level, text.toString(), attributes);
      assertThat(c).as("%s %s: %s", format, level, text)
          .isEqualTo(RULES.classifyByRegexAlone(format, "src", level, text.toString(), attributes));
      if (c.ruleId() != null) matched++;
    }
    assertThat(matched).as("texts some rule matched").isGreaterThan(2_000);
  }

  @Test
  void literalHintsNeverRejectAMatch() {
    assertThat(Rules.literalHint("sorry, too many clients already")).isEqualTo("sorry, too many clients already");
    assertThat(Rules.literalHint("still waiting for \\w+Lock on")).isEqualTo("still waiting for ");
    assertThat(Rules.literalHint("a|b")).isNull();
    assertThat(Rules.literalHint("could not extend file \"base/\\d+\"")).isEqualTo("could not extend file \"base/");
    assertThat(Rules.literalHint("duration: ([1-9]\\d{3,})(\\.\\d+)? ms")).isEqualTo("duration: ");
    assertThat(Rules.literalHint("(replica|slave) I/O")).isEqualTo(" I/O");
    // The character before ? is optional: "time out" and "timeout" match without "timed".
    assertThat(Rules.literalHint("\\btimed? ?out\\b")).isEqualTo("time");
    assertThat(Rules.literalHint("colou?r scheme")).isEqualTo("r scheme");
    assertThat(Rules.literalHint("files?\\.x")).isEqualTo("file");
  }

  @Test
  void hintsComeFromEachAlternativeAndFromGroupsThatMustMatch() {
    assertThat(Rules.hints("(?i)(replica|slave) I/O")).containsExactly(" i/o");
    assertThat(Rules.hints("^(checkpoint|restartpoint) (starting|complete)")).containsExactly("checkpoint", "restartpoint");
    assertThat(Rules.hints("received (fast|smart) shutdown request|^shutting down$"))
        .containsExactly(" shutdown request", "shutting down");
    assertThat(Rules.hints("(?:deadlock|lock timeout) detected")).containsExactly(" detected");
    // An optional group proves nothing; an alternative without a literal makes the whole regex unhinted.
    assertThat(Rules.hints("^(duration: [\\d.]+ ms\\s*)?(statement: |$)")).isNull();
    assertThat(Rules.hints("ab(cdef)?")).isNull();
    assertThat(Rules.hints("x(?i)abc")).isNull();
  }
}
