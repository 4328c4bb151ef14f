package org.logcause.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.RuleSpec;
import org.logcause.classify.core.Rules;

/**
 * {@link BoundedRegex#find} answers as RE2/J does, whichever engine ran: the rewriting into java.util.regex keeps
 * RE2's meaning of every construct it accepts, and declines the rest.
 */
public class BoundedRegexTest {
  /** Texts where the two engines' defaults differ: line ends, vertical tab, non-ASCII letters, case folding. */
  public static final List<String> TRICKY = List.of("", "x\n", "a\rb", "abc\u000Bdef", "line\nnext", "é_word wordé",
      "tim\u212Aeout", "\u017Fhutdown", "duration: 1234 ms\n", "ERROR: canceling statement due to statement timeout\n",
      "FATAL:  sorry, too many clients already\r\n", "😀 timeout 😀", "Connection\u00A0refused");

  @Test
  void rewritesWhatTheEnginesReadDifferently() {
    assertThat(BoundedRegex.jdkEquivalent("a.b$", false)).isEqualTo("a[^\\n]b\\z");
    assertThat(BoundedRegex.jdkEquivalent("a.b", true)).isEqualTo("a.b");
    assertThat(BoundedRegex.jdkEquivalent("\\s+\\S", false)).isEqualTo("[\\t\\n\\f\\r ]+[^\\t\\n\\f\\r ]");
    assertThat(BoundedRegex.jdkEquivalent("[\\s,]x", false)).isEqualTo("[\\t\\n\\f\\r ,]x");
    assertThat(BoundedRegex.jdkEquivalent("(?i)\\bshut", false)).startsWith("(?iu)(?:(?<=(?-i:[0-9A-Za-z_]))");
    assertThat(BoundedRegex.jdkEquivalent("[]a]", false)).isEqualTo("[\\]a]");
    assertThat(BoundedRegex.jdkEquivalent("(?:a|b)\\.c[$]", false)).isEqualTo("(?:a|b)\\.c[$]");
    // declined: left to RE2/J
    assertThat(BoundedRegex.jdkEquivalent("(?s)a", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("a(?i)b", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("(?P<n>a)", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("\\pL+", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("[[:alpha:]]", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("[a[b]]", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("[a&&b]", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("\\Qa.b\\E", false)).isNull();
    assertThat(BoundedRegex.jdkEquivalent("\\x41", false)).isNull();
  }

  @Test
  void agreesWithRe2OnEveryBuiltInRuleOverRealLines() {
    List<String> patterns = builtInPatterns();
    Set<String> texts = new LinkedHashSet<>(TRICKY);
    texts.addAll(lines(Path.of("sample-data/formats"), Integer.MAX_VALUE));
    texts.addAll(lines(Path.of("sample-data/redcrow-2024-06-20/logs"), 1500));
    texts.addAll(lines(Path.of("sample-data/lab/sync-standby-1/logs"), 800)); // PostgreSQL, nginx, the service
    texts.addAll(lines(Path.of("sample-data/lab/sync-standby-mariadb-3/logs"), 800)); // MariaDB
    assertThat(texts).hasSizeGreaterThan(3000);
    assertAgree(patterns, texts);
    // and patterns a job spec may bring, with every construct rewritten
    assertAgree(List.of("^(a|b).+\\bend$", "(?i)\\btime ?out\\b", "[^\\s\"]+@[\\w.-]+", "\\Bout\\B", "x{2,}[]y]?$",
        "(?i)[a-f\\d]{8}\\s"), texts);
  }

  /** Every regex of the built-in rules: their messages' and their attributes'. */
  public static List<String> builtInPatterns() {
    List<String> patterns = new ArrayList<>();
    for (RuleSpec r : Rules.builtInFile().rules()) {
      if (r.message() != null) patterns.add(r.message());
      if (r.attributes() != null) patterns.addAll(r.attributes().values());
    }
    return patterns;
  }

  public static void assertAgree(List<String> patterns, Iterable<String> texts) {
    int rewritten = 0;
    List<String> disagreements = new ArrayList<>();
    for (String p : patterns) {
      BoundedRegex bounded = BoundedRegex.compile(p);
      com.google.re2j.Pattern re2 = com.google.re2j.Pattern.compile(p);
      if (BoundedRegex.jdkEquivalent(p, false) != null) rewritten++;
      for (String t : texts) {
        if (bounded.find(t) != re2.matcher(t).find()) disagreements.add(p + " on " + t);
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(rewritten).as("patterns java.util.regex runs").isGreaterThan(patterns.size() * 9 / 10);
  }

  /** Up to {@code max} lines of each file under {@code root} (gzip read as such); none when it does not exist. */
  public static List<String> lines(Path root, int max) {
    if (!Files.isDirectory(root)) return List.of();
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        boolean gz = f.toString().endsWith(".gz");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            gz ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f), StandardCharsets.UTF_8))) {
          r.lines().limit(max).forEach(out::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Test
  void aTextTheRewrittenPatternBacktracksOnIsLeftToRe2() {
    // nested repetition: java.util.regex backtracks exponentially on a near miss, RE2/J answers in linear time
    BoundedRegex nested = BoundedRegex.compile("^(a+)+$");
    String nearMiss = "a".repeat(40) + "b";
    assertThat(nested.find(nearMiss)).isFalse();
    assertThat(nested.find("a".repeat(40))).isTrue();
  }
}
