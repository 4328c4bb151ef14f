package org.logcause.classify.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.logcause.text.BoundedRegex;

/**
 * The classification rules, in precedence order: a job spec's rules first (in their order), then the built-in
 * rules of {@code classify/rules.yaml} (in file order). The first rule whose conditions all hold classifies the
 * event; a job-spec rule with the id of a built-in rule replaces it. No match: category {@code unknown}.
 */
public final class Rules implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  /** The built-in rules file: a version and the rules. */
  public record RulesFile(int version, List<RuleSpec> rules) {}

  /** What a rule (or the fallback) says of an event. */
  public record Classification(String category, String subcategory, String severity, String ruleId) implements Serializable {}

  private final int version;
  private final List<Rule> rules;

  private Rules(int version, List<Rule> rules) {
    this.version = version;
    this.rules = rules;
  }

  public int version() {
    return version;
  }

  public int size() {
    return rules.size();
  }

  public List<String> ids() {
    return rules.stream().map(r -> r.spec.id()).toList();
  }

  /** The built-in rules. */
  public static Rules builtIn() {
    return withOverrides(List.of());
  }

  public static RulesFile builtInFile() {
    try (InputStream in = Rules.class.getResourceAsStream("/classify/rules.yaml")) {
      return YAML.readValue(in, RulesFile.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classify/rules.yaml", e);
    }
  }

  /** The built-in rules with a job spec's rules in front; a spec rule with a built-in id replaces that rule. */
  public static Rules withOverrides(List<RuleSpec> specRules) {
    RulesFile file = builtInFile();
    List<Rule> compiled = new ArrayList<>();
    Set<String> overridden = new HashSet<>();
    for (int i = 0; i < specRules.size(); i++) {
      RuleSpec r = specRules.get(i);
      compiled.add(compile(r, "rules[" + i + "]"));
      overridden.add(r.id());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < file.rules().size(); i++) {
      RuleSpec r = file.rules().get(i);
      if (!seen.add(r.id())) {
        throw new IllegalStateException("classify/rules.yaml: duplicate rule id " + r.id());
      }
      if (!overridden.contains(r.id())) {
        compiled.add(compile(r, "classify/rules.yaml rules[" + i + "] (" + r.id() + ")"));
      }
    }
    return new Rules(file.version(), compiled);
  }

  /** Checks a job spec's rules; the message names the rule and field at fault. */
  public static void validate(List<RuleSpec> specRules) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < specRules.size(); i++) {
      RuleSpec r = specRules.get(i);
      compile(r, "rules[" + i + "]");
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("rules[" + i + "].id: duplicate rule id \"" + r.id() + "\"");
      }
    }
  }

  /**
   * The rules that can apply to a format, in order (a rule without {@code formats} applies to all), with their hints
   * gathered in two literal sets: one searched in the message, one (for case-insensitive rules) in its lower case.
   * {@code always} holds the rules that need no hint (no message regex, or one without a literal every match holds);
   * {@code rulesOfHint[k]} / {@code rulesOfLowerHint[k]} the rules that hint {@code k} of each set belongs to. All three
   * are bit sets over rule positions.
   */
  private record FormatRules(Rule[] rules, long[] always, LiteralSet hints, long[][] rulesOfHint, LiteralSet lowerHints,
      long[][] rulesOfLowerHint) {}

  private transient java.util.concurrent.ConcurrentHashMap<String, FormatRules> byFormat;

  private FormatRules rulesFor(String format) {
    if (byFormat == null) {
      byFormat = new java.util.concurrent.ConcurrentHashMap<>();
    }
    return byFormat.computeIfAbsent(format == null ? "" : format, f -> {
      Rule[] applicable = rules.stream()
          .filter(r -> r.spec.formats() == null || r.spec.formats().contains(f)).toArray(Rule[]::new);
      int words = (applicable.length + 63) >>> 6;
      long[] always = new long[words];
      List<String> hints = new ArrayList<>();
      List<long[]> rulesOfHint = new ArrayList<>();
      List<String> lowerHints = new ArrayList<>();
      List<long[]> rulesOfLowerHint = new ArrayList<>();
      for (int i = 0; i < applicable.length; i++) {
        Rule r = applicable[i];
        if (r.message == null || r.hints == null) {
          always[i >>> 6] |= 1L << i;
          continue;
        }
        for (String hint : r.hints) {
          long[] owner = new long[words];
          owner[i >>> 6] |= 1L << i;
          (r.caseInsensitive ? lowerHints : hints).add(hint);
          (r.caseInsensitive ? rulesOfLowerHint : rulesOfHint).add(owner);
        }
      }
      return new FormatRules(applicable, always, new LiteralSet(hints), rulesOfHint.toArray(long[][]::new),
          new LiteralSet(lowerHints), rulesOfLowerHint.toArray(long[][]::new));
    });
  }

  public Classification classify(String format, String source, String level, String message, Map<String, String> attributes) {
    String msg = message == null ? "" : message;
    FormatRules applicable = rulesFor(format);
    // The candidates: rules that need no hint, and those whose hint the message holds (a match contains one of its
    // rule's hints, so without one the regex cannot match and is not run). Each literal set is searched once.
    long[] candidates = applicable.always().clone();
    if (applicable.hints().size() > 0) {
      addRules(candidates, applicable.hints().find(msg), applicable.rulesOfHint());
    }
    if (applicable.lowerHints().size() > 0) {
      addRules(candidates, applicable.lowerHints().find(msg.toLowerCase(java.util.Locale.ROOT)), applicable.rulesOfLowerHint());
    }
    for (int w = 0; w < candidates.length; w++) {
      for (long bits = candidates[w]; bits != 0; bits &= bits - 1) {
        Rule r = applicable.rules()[(w << 6) + Long.numberOfTrailingZeros(bits)];
        if (r.fieldsMatch(source, level, attributes) && (r.message == null || r.message.find(msg))) {
          return r.result;
        }
      }
    }
    return new Classification("unknown", level == null ? "info" : level.toLowerCase(java.util.Locale.ROOT),
        Taxonomy.severityOfLevel(level), null);
  }

  /** Adds to {@code candidates} the rules of every literal found. */
  private static void addRules(long[] candidates, long[] found, long[][] rulesOfLiteral) {
    for (int w = 0; w < found.length; w++) {
      for (long bits = found[w]; bits != 0; bits &= bits - 1) {
        long[] owners = rulesOfLiteral[(w << 6) + Long.numberOfTrailingZeros(bits)];
        for (int k = 0; k < candidates.length; k++) candidates[k] |= owners[k];
      }
    }
  }

  /** {@link #classify} without hints or literal sets: every applicable rule's regex is run. For tests. */
  Classification classifyByRegexAlone(String format, String source, String level, String message, Map<String, String> attributes) {
    String msg = message == null ? "" : message;
    for (Rule r : rulesFor(format).rules()) {
      if (r.fieldsMatch(source, level, attributes) && (r.message == null || r.message.find(msg))) {
        return r.result;
      }
    }
    return new Classification("unknown", level == null ? "info" : level.toLowerCase(java.util.Locale.ROOT),
        Taxonomy.severityOfLevel(level), null);
  }

  private static Rule compile(RuleSpec r, String at) {
    if (r.id() == null || r.id().isBlank()) {
      throw new IllegalArgumentException(at + ".id: a rule id is required");
    }
    if (r.category() == null || !Taxonomy.CATEGORIES.containsKey(r.category())) {
      throw new IllegalArgumentException(at + ".category: \"" + r.category() + "\" is not one of " + Taxonomy.CATEGORIES.keySet());
    }
    if (r.subcategory() == null || r.subcategory().isBlank()) {
      throw new IllegalArgumentException(at + ".subcategory: a subcategory is required");
    }
    if (r.severity() == null || !Taxonomy.SEVERITIES.contains(r.severity())) {
      throw new IllegalArgumentException(at + ".severity: \"" + r.severity() + "\" is not one of critical, high, medium, low, info");
    }
    // Linear-time matching only (RE2/J): a rule runs on every event, and no message may stall it.
    BoundedRegex message = null;
    if (r.message() != null) {
      try {
        message = BoundedRegex.compile(r.message());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".message: " + e.getMessage());
      }
    }
    Map<String, BoundedRegex> attrs = new LinkedHashMap<>();
    if (r.attributes() != null) {
      for (Map.Entry<String, String> e : r.attributes().entrySet()) {
        try {
          attrs.put(e.getKey(), BoundedRegex.compile(e.getValue()));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(at + ".attributes." + e.getKey() + ": " + ex.getMessage());
        }
      }
    }
    int[] status = status(r.status(), at);
    return new Rule(r, message, hints(r.message()), r.message() != null && r.message().startsWith("(?i)"), attrs, status,
        new Classification(r.category(), r.subcategory(), r.severity(), r.id()));
  }

  private static int[] status(String s, String at) {
    if (s == null) {
      return null;
    }
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.matches("[1-5]xx")) {
      int c = (t.charAt(0) - '0') * 100;
      return new int[] {c, c + 99};
    }
    if (t.matches("\\d{3}-\\d{3}")) {
      return new int[] {Integer.parseInt(t.substring(0, 3)), Integer.parseInt(t.substring(4))};
    }
    if (t.matches("\\d{3}")) {
      int c = Integer.parseInt(t);
      return new int[] {c, c};
    }
    throw new IllegalArgumentException(at + ".status: \"" + s + "\" is not a status (504), a class (5xx) or a range (500-599)");
  }

  /**
   * Literals of which every match contains at least one, used to skip the regex cheaply (lower-cased for a regex
   * that starts with {@code (?i)}). Null when no such set can be trusted.
   */
  static String[] hints(String regex) {
    if (regex == null) {
      return null;
    }
    boolean ci = regex.startsWith("(?i)");
    String body = ci ? regex.substring(4) : regex;
    if (body.contains("(?i") || body.contains("(?-") || body.contains("(?u") || body.contains("\\Q")) {
      return null; // flags or quoting inside the pattern: literals cannot be read off it
    }
    String[] h = anyOf(body);
    if (h != null && ci) {
      for (int k = 0; k < h.length; k++) {
        h[k] = h[k].toLowerCase(java.util.Locale.ROOT);
      }
    }
    return h;
  }

  /** One hint per top-level alternative: a match of the regex contains the hint of the alternative it matched. */
  private static String[] anyOf(String body) {
    List<String> out = new ArrayList<>();
    for (String alternative : alternatives(body)) {
      String[] h = allOf(alternative);
      if (h == null) {
        return null;
      }
      out.addAll(List.of(h));
    }
    return out.toArray(String[]::new);
  }

  /**
   * For one alternative: its longest literal run outside groups, or else the hints of its first group that must
   * match (not followed by {@code ?}, {@code *} or {@code {0}) and has hints of its own.
   */
  private static String[] allOf(String alternative) {
    String run = literalHint(alternative);
    if (run != null) {
      return new String[] {run};
    }
    for (int i = 0; i < alternative.length(); i++) {
      char c = alternative.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(alternative, i);
      } else if (c == '(') {
        int close = groupEnd(alternative, i);
        if (close < 0) {
          return null;
        }
        String next = close + 1 < alternative.length() ? alternative.substring(close + 1) : "";
        boolean optional = next.startsWith("?") || next.startsWith("*") || next.startsWith("{0");
        String inner = alternative.substring(i + 1, close);
        boolean capturing = !inner.startsWith("?");
        if (inner.startsWith("?:")) {
          inner = inner.substring(2);
          capturing = true;
        } else if (inner.startsWith("?<") && !inner.startsWith("?<=") && !inner.startsWith("?<!") && inner.indexOf('>') > 0) {
          inner = inner.substring(inner.indexOf('>') + 1); // a named group
          capturing = true;
        }
        if (capturing && !optional) {
          String[] h = anyOf(inner);
          if (h != null) {
            return h;
          }
        }
        i = close;
      }
    }
    return null;
  }

  /** The top-level alternatives of a regex. */
  private static List<String> alternatives(String body) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(body, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        out.add(body.substring(from, i));
        from = i + 1;
      }
    }
    out.add(body.substring(from));
    return out;
  }

  /** The index of the {@code ]} closing the class opened at {@code open} (the end of the text if none). */
  private static int classEnd(String re, int open) {
    int i = open + 1;
    if (i < re.length() && re.charAt(i) == '^') i++;
    if (i < re.length() && re.charAt(i) == ']') i++; // a leading ] is a literal
    for (; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ']') {
        return i;
      }
    }
    return re.length();
  }

  /** The index of the {@code )} closing the group opened at {@code open}, or -1. */
  private static int groupEnd(String re, int open) {
    int depth = 0;
    for (int i = open; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(re, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A literal every match of one alternative must contain: its longest run of plain characters outside groups and
   * classes, of 3 characters or more. Null when there is none, or when the text has a top-level {@code |}.
   */
  static String literalHint(String regex) {
    if (regex == null || alternatives(regex).size() > 1 || regex.contains("(?i") || regex.contains("\\Q")) {
      return null;
    }
    // A run is weighed only when it ends: the character before a quantifier such as ? is not part of it.
    String best = "";
    StringBuilder run = new StringBuilder();
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < regex.length() && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
          run.append(regex.charAt(++i)); // an escaped metacharacter is a literal
          continue;
        }
        i++; // a class like \d or \s ends the run
        if (run.length() > best.length()) best = run.toString();
        run.setLength(0);
        continue;
      }
      if ("[](){}.*+?^$|".indexOf(c) >= 0) {
        // a quantifier makes the preceding character optional or repeated: drop it from the run
        if ((c == '*' || c == '?' || c == '{') && run.length() > 0) {
          run.setLength(run.length() - 1);
        }
        if (run.length() > best.length()) best = run.toString();
        run.setLength(0);
        if (c == '[') {
          i = classEnd(regex, i);
        } else if (c == '(') {
          int close = groupEnd(regex, i);
          i = close < 0 ? regex.length() : close;
        }
        continue;
      }
      run.append(c);
    }
    if (run.length() > best.length()) best = run.toString();
    return best.length() >= 3 ? best : null;
  }

  private static final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;
    final RuleSpec spec;
    final BoundedRegex message;
    final String[] hints;
    final boolean caseInsensitive;
    final Map<String, BoundedRegex> attributes;
    final int[] status;
    final Classification result;

    Rule(RuleSpec spec, BoundedRegex message, String[] hints, boolean caseInsensitive, Map<String, BoundedRegex> attributes,
        int[] status, Classification result) {
      this.spec = spec;
      this.message = message;
      this.hints = hints;
      this.caseInsensitive = caseInsensitive;
      this.attributes = attributes;
      this.status = status;
      this.result = result;
    }

    /** The conditions other than the message (formats are applied by {@code rulesFor}). */
    boolean fieldsMatch(String source, String level, Map<String, String> attrs) {
      if (spec.sources() != null && !spec.sources().contains(source)) return false;
      if (spec.level() != null && !spec.level().contains(level)) return false;
      if (status != null) {
        String s = attrs.get("status");
        if (s == null || s.length() != 3) return false;
        int code;
        try {
          code = Integer.parseInt(s);
        } catch (NumberFormatException e) {
          return false;
        }
        if (code < status[0] || code > status[1]) return false;
      }
      if (spec.sqlstate() != null && !spec.sqlstate().contains(attrs.get("sqlstate"))) return false;
      if (spec.errorCode() != null && !spec.errorCode().contains(attrs.get("error_code"))) return false;
      for (Map.Entry<String, BoundedRegex> a : attributes.entrySet()) {
        String v = attrs.get(a.getKey());
        if (v == null || !a.getValue().find(v)) return false;
      }
      return true;
    }
  }
}
