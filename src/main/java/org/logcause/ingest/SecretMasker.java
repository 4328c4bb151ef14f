package org.logcause.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.logcause.classify.LiteralSet;
import org.logcause.job.JobSpec;

/**
 * Masks secrets and personal data in what ingest keeps of a line (message, attributes, quarantined raw text) before
 * anything is written: passwords in SQL ({@code PASSWORD '...'}, {@code IDENTIFIED BY '...'}), credentials in
 * connection strings and key=value pairs ({@code password=}, {@code api_key:} ...), the password of a URL's
 * {@code user:pass@}, bearer and basic authorization tokens, AWS access key ids, JSON web tokens and well-known
 * token shapes, and e-mail addresses. Each rule runs only when the text holds its trigger, so clean lines cost a
 * lower-casing and a few {@code contains}. One instance per file: it counts what it masked.
 */
public final class SecretMasker implements Serializable {
  public static final String REDACTED = "[REDACTED]";
  public static final String EMAIL = "[EMAIL]";

  /** A rule: a pattern, what replaces a match, and the lower-case substrings of which one must be present. */
  record Rule(String name, Pattern pattern, String replacement, List<String> triggers, boolean atWordRun)
      implements Serializable {
    Rule(String name, Pattern pattern, String replacement, List<String> triggers) {
      this(name, pattern, replacement, triggers, false);
    }
  }

  private static final String KEY_WORDS = "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
      + "private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token|session[_-]?id";
  private static final List<String> KEY_TRIGGERS =
      List.of("pass", "pwd", "secret", "token", "key", "credential", "session");

  static final List<Rule> BUILT_IN = List.of(
      new Rule("sql_password", Pattern.compile("(?i)\\b(PASSWORD\\s*(?:=\\s*)?|IDENTIFIED\\s+BY\\s+)('(?:[^'\\\\]|\\\\.|'')*'|\"[^\"]*\")"),
          "$1'" + REDACTED + "'", List.of("password", "identified")),
      new Rule("url_password", Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@\"']+):[^@\\s/\"']+@"),
          "$1:" + REDACTED + "@", List.of("://")),
      new Rule("authorization", Pattern.compile("(?i)(\\bauthorization\"?\\s*[:=]\\s*\"?(?:Bearer|Basic|Token|Digest)?\\s*|\\bBearer\\s+)"
          + "[A-Za-z0-9\\-._~+/]{8,}=*"), "$1" + REDACTED, List.of("authorization", "bearer")),
      new Rule("key_value", Pattern.compile("(?i)((?:[\\w.-]*?)(?:" + KEY_WORDS + ")[\\w.-]*\"?\\s*(?:=|:|=>)\\s*)"
          + "(\"[^\"]*\"|'[^']*'|[^\\s&;,\"'}\\]]+)"), "$1" + REDACTED, KEY_TRIGGERS, true),
      new Rule("aws_access_key_id", Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b"), REDACTED,
          List.of("akia", "asia", "agpa", "aida", "aroa")),
      new Rule("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), REDACTED, List.of("eyj")),
      new Rule("token_shape", Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|"
          + "sk_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20})"), REDACTED,
          List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "sk_live_", "sk_test_", "aiza", "glpat-")));

  static final Rule EMAIL_RULE = new Rule("email",
      Pattern.compile("(?<![\\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b"), EMAIL, List.of("@"));
  /** An attribute whose key names a secret keeps no part of its value. */
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(?:" + KEY_WORDS + ").*");

  private final List<Rule> rules;
  private final boolean enabled;
  private long masked;
  /** Whether an attribute key names a secret: keys repeat on every line of a file, the regex runs once per key. */
  private final Map<String, Boolean> secretKeys = new java.util.HashMap<>();
  /** Every rule's triggers, searched in one pass over the lower-cased text; a rule's indices into that set. */
  private final LiteralSet triggers;
  private final int[][] triggerIndices;

  public SecretMasker(JobSpec.Masking spec) {
    this.enabled = spec.enabled();
    List<Rule> r = new ArrayList<>(BUILT_IN);
    if (spec.emails()) {
      r.add(EMAIL_RULE);
    }
    for (JobSpec.Masking.Extra e : spec.extra()) {
      r.add(new Rule(e.name(), Pattern.compile(e.pattern()), REDACTED, List.of()));
    }
    this.rules = List.copyOf(r);
    List<String> all = new ArrayList<>();
    this.triggerIndices = new int[rules.size()][];
    for (int i = 0; i < rules.size(); i++) {
      List<String> t = rules.get(i).triggers();
      triggerIndices[i] = java.util.stream.IntStream.range(all.size(), all.size() + t.size()).toArray();
      all.addAll(t);
    }
    this.triggers = new LiteralSet(all);
  }

  /** Values masked so far. */
  public long masked() {
    return masked;
  }

  /** The text with its secrets replaced; null stays null. */
  public String mask(String text) {
    if (!enabled || text == null || text.isEmpty()) {
      return text;
    }
    long[] present = null; // the triggers the text holds, searched once when a rule first needs them
    String out = text;
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      if (triggerIndices[i].length > 0) {
        if (present == null) present = triggers.find(text.toLowerCase(Locale.ROOT));
        if (!LiteralSet.containsAny(present, triggerIndices[i])) continue;
      }
      out = rule.atWordRun() ? maskAtWordRuns(rule, out) : maskEverywhere(rule, out);
    }
    return out;
  }

  String maskEverywhere(Rule rule, String text) {
    Matcher m = rule.pattern().matcher(text);
    if (!m.find()) return text;
    StringBuilder b = new StringBuilder(text.length());
    do {
      // A match already masked by an earlier rule is left as it is (and not counted twice).
      if (m.group().endsWith(REDACTED) || m.group().endsWith(REDACTED + "'") || m.group().endsWith(REDACTED + "@")) {
        m.appendReplacement(b, Matcher.quoteReplacement(m.group()));
      } else {
        m.appendReplacement(b, rule.replacement());
        masked++;
      }
    } while (m.find());
    m.appendTail(b);
    return b.toString();
  }

  /**
   * A rule whose matches begin where a run of word characters ({@code [\\w.-]}) holding one of its triggers begins
   * (a {@code key=value} whose key names a secret): tried only there, not at every position of the text (the regex
   * alone costs tens of microseconds on a long SQL statement). Same result as {@code find()} over the text.
   */
  String maskAtWordRuns(Rule rule, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.length() != text.length()) {
      return maskEverywhere(rule, text); // a character whose lower case is longer: positions would not line up
    }
    java.util.TreeSet<Integer> starts = new java.util.TreeSet<>();
    for (String t : rule.triggers()) {
      for (int i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + 1)) {
        int s = i;
        while (s > 0 && isWordRunChar(text.charAt(s - 1))) s--;
        starts.add(s);
      }
    }
    Matcher m = rule.pattern().matcher(text);
    StringBuilder b = null;
    int done = 0;
    for (int s : starts) {
      if (s < done) continue;
      m.region(s, text.length());
      if (!m.lookingAt()) continue;
      if (b == null) b = new StringBuilder(text.length());
      b.append(text, done, m.start());
      String whole = m.group();
      if (whole.endsWith(REDACTED) || whole.endsWith(REDACTED + "'") || whole.endsWith(REDACTED + "@")) {
        b.append(whole);
      } else {
        b.append(rule.replacement().replace("$1", m.group(1) == null ? "" : m.group(1)));
        masked++;
      }
      done = m.end();
    }
    if (b == null) return text;
    return b.append(text, done, text.length()).toString();
  }

  /** {@code [\\w.-]} as the pattern reads it (ASCII word characters). */
  private static boolean isWordRunChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
  }

  /** An event's message and attributes, masked. */
  public record Masked(String message, Map<String, String> attributes) {}

  /** Attribute keys that name the setting a change record changes. */
  private static final List<String> PARAMETER_KEYS = List.of("parameter", "setting", "param", "name", "key", "variable");

  /**
   * Masks an event. Attributes with a secret-named key ({@code password}, {@code api_key}, ...) lose their value,
   * and so do the value attributes of a change to a secret-named setting ({@code parameter: replication_password},
   * {@code new_value: ...}); the values removed there are also removed from the message, wherever they appear in
   * it. Then the patterns run over the message and every other value.
   */
  public Masked mask(String message, Map<String, String> attributes) {
    if (!enabled) {
      return new Masked(message, attributes);
    }
    if (attributes == null || attributes.isEmpty()) {
      return new Masked(mask(message), attributes);
    }
    boolean secretSetting = false;
    for (String k : PARAMETER_KEYS) {
      String v = attributes.get(k);
      if (v != null && SECRET_KEY.matcher(v).matches()) secretSetting = true;
    }
    // First the secret values (by key, or as the value of a secret setting), then every attribute holding one of
    // them (a parser may keep the raw field beside its canonical name), then the patterns over the rest.
    java.util.Set<String> secrets = new java.util.HashSet<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      boolean secret = isSecretKey(k)
          || (secretSetting && k.toLowerCase(Locale.ROOT).contains("value"));
      if (secret && v != null && !v.isEmpty() && !v.equals(REDACTED)) {
        secrets.add(v);
      }
    }
    Map<String, String> out = new LinkedHashMap<>(attributes.size() * 2);
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String v = e.getValue();
      if (v != null && secrets.contains(v)) {
        out.put(e.getKey(), REDACTED);
        masked++;
      } else {
        out.put(e.getKey(), mask(v));
      }
    }
    List<String> removed = new ArrayList<>();
    for (String v : secrets) {
      if (v.length() >= 3) removed.add(v);
    }
    String m = message;
    if (m != null) {
      removed.sort((a, b) -> b.length() - a.length()); // longest first: a value may contain another
      for (String v : removed) {
        if (m.contains(v)) {
          m = m.replace(v, REDACTED);
        }
      }
    }
    return new Masked(mask(m), out);
  }

  private boolean isSecretKey(String key) {
    Boolean known = secretKeys.get(key);
    if (known == null) {
      known = SECRET_KEY.matcher(key).matches() && !isCounter(key);
      if (secretKeys.size() < 10_000) {
        secretKeys.put(key, known);
      }
    }
    return known;
  }

  /** Keys that name a secret but hold a count or a flag ({@code token_count}, {@code password_expired}). */
  private static boolean isCounter(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("_count") || k.endsWith("_expired") || k.endsWith("_length") || k.endsWith("_ms");
  }
}
