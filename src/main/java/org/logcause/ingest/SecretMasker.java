package org.logcause.ingest;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.logcause.classify.core.LiteralSet;
import org.logcause.job.JobSpec;
import org.logcause.text.BoundedRegex;
import org.logcause.text.Memo;

/**
 * Masks secrets and personal data in what ingest keeps of a line (message, attributes, quarantined raw text) before
 * anything is written: passwords in SQL ({@code PASSWORD '...'}, {@code IDENTIFIED BY '...'}), credentials in
 * connection strings, key=value pairs and JSON ({@code password=}, {@code "api_key": "..."} ...), the password of a
 * URL's {@code user:pass@}, bearer and basic authorization tokens (a {@code Basic} token also without its header,
 * when it decodes to {@code user:password}), AWS access key ids, JSON web tokens and well-known token shapes, and
 * e-mail addresses. Each rule runs only when the text holds its trigger, so clean lines cost a lower-casing and a few
 * {@code contains}. Every pattern runs in linear time (RE2/J, or a scan), so no text can stall ingest. One instance
 * per file: it counts what it masked.
 */
public final class SecretMasker implements Serializable {
  public static final String REDACTED = "[REDACTED]";
  public static final String EMAIL = "[EMAIL]";

  /** A rule: a pattern, what replaces a match ({@code $1} = its first group), and the lower-case triggers it needs. */
  record Rule(String name, Pattern pattern, String replacement, List<String> triggers) implements Serializable {}

  private static final String KEY_WORDS = "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
      + "private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token|session[_-]?id";
  /** What a key must contain to name a secret: the words of {@link #KEY_WORDS}, spelt out. */
  private static final List<String> KEY_LITERALS = List.of("password", "passwd", "pwd", "secret", "token", "credential",
      "apikey", "api_key", "api-key", "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key",
      "sessionid", "session_id", "session-id");
  private static final List<String> KEY_TRIGGERS =
      List.of("pass", "pwd", "secret", "token", "key", "credential", "session");

  static final List<Rule> BUILT_IN = List.of(
      // PASSWORD followed by a space, "=" or "(" (never by a quote: "password": is a JSON key, masked by the scan).
      new Rule("sql_password", Pattern.compile("(?i)\\b(PASSWORD(?:\\s+|\\s*=\\s*|\\s*\\(\\s*)(?:PASSWORD\\s*\\(\\s*)?|"
          + "IDENTIFIED\\s+(?:WITH\\s+\\S+\\s+)?BY\\s+(?:PASSWORD\\s+)?)"
          // a literal in every quoting PostgreSQL and MySQL take: '...', E'...', U&'...', "...", $$...$$, $tag$...$tag$
          + "((?:[EeUu]&?)?'(?:[^'\\\\]|\\\\.|'')*'|\"[^\"]*\"|\\$[A-Za-z_0-9]*\\$(?s:.*?)\\$[A-Za-z_0-9]*\\$)"),
          "$1'" + REDACTED + "'", List.of("password", "identified")),
      new Rule("url_password", Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@\"']+):[^@\\s/\"']+@"),
          "$1:" + REDACTED + "@", List.of("://")),
      new Rule("authorization", Pattern.compile("(?i)(\\bauthorization\"?\\s*[:=]\\s*\"?(?:Bearer|Basic|Token|Digest)?\\s*|\\bBearer\\s+)"
          + "[A-Za-z0-9\\-._~+/]{8,}=*"), "$1" + REDACTED, List.of("authorization", "bearer")),
      new Rule("aws_access_key_id", Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b"), REDACTED,
          List.of("akia", "asia", "agpa", "aida", "aroa")),
      new Rule("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), REDACTED, List.of("eyj")),
      new Rule("token_shape", Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|"
          + "sk_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20})"), REDACTED,
          List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "sk_live_", "sk_test_", "aiza", "glpat-")));

  /** Where the key=value scan runs among the rules: after the SQL, URL and authorization patterns, as it always has. */
  private static final int KEY_VALUE_AT = 3;

  static final Rule EMAIL_RULE = new Rule("email",
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b"), EMAIL, List.of("@"));
  /** An attribute whose key names a secret keeps no part of its value. */
  private static final java.util.regex.Pattern SECRET_KEY = java.util.regex.Pattern.compile("(?i).*(?:" + KEY_WORDS + ").*");
  private static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("[A-Za-z0-9+/]{8,}={0,2}");

  private final List<Rule> rules;
  private final List<BoundedRegex> extra;
  private final boolean enabled;
  private long masked;
  /** Whether an attribute key names a secret: keys repeat on every line of a file, the regex runs once per key. */
  private final Map<String, Boolean> secretKeys = new java.util.HashMap<>();
  /** Every rule's triggers, searched in one pass over the lower-cased text; a rule's indices into that set. */
  private final LiteralSet triggers;
  private final int[][] triggerIndices;
  private final int[] keyValueTriggers;
  private final int[] basicTriggers;

  public SecretMasker(JobSpec.Masking spec) {
    this.enabled = spec.enabled();
    List<Rule> r = new ArrayList<>(BUILT_IN);
    if (spec.emails()) {
      r.add(EMAIL_RULE);
    }
    this.rules = List.copyOf(r);
    List<BoundedRegex> x = new ArrayList<>();
    for (JobSpec.Masking.Extra e : spec.extra()) {
      x.add(BoundedRegex.compile(e.pattern())); // validated with the spec
    }
    this.extra = List.copyOf(x);
    List<String> all = new ArrayList<>();
    this.triggerIndices = new int[rules.size()][];
    for (int i = 0; i < rules.size(); i++) {
      triggerIndices[i] = indices(all, rules.get(i).triggers());
    }
    this.keyValueTriggers = indices(all, KEY_TRIGGERS);
    this.basicTriggers = indices(all, List.of("basic"));
    this.triggers = new LiteralSet(all);
  }

  private static int[] indices(List<String> all, List<String> add) {
    int[] at = java.util.stream.IntStream.range(all.size(), all.size() + add.size()).toArray();
    all.addAll(add);
    return at;
  }

  /** Values masked so far. */
  public long masked() {
    return masked;
  }

  /** A text's masked form and the values masked in it. */
  private record Masking(String text, long count) {}

  /** Masked short texts already met in this file (values and request lines repeat): the same answer, counted again. */
  private transient Memo<Masking> memo;

  /** The text with its secrets replaced; null stays null. */
  public String mask(String text) {
    if (!enabled || text == null || text.isEmpty()) {
      return text;
    }
    if (memo == null) {
      memo = new Memo<>(4096, 256);
    }
    Masking m = memo.get(text, this::masking);
    masked += m.count();
    return m.text();
  }

  private Masking masking(String text) {
    long before = masked;
    String out = maskAll(text);
    long count = masked - before;
    masked = before;
    return new Masking(out, count);
  }

  private String maskAll(String text) {
    long[] present = triggers.find(text.toLowerCase(Locale.ROOT));
    String out = text;
    for (int i = 0; i < rules.size(); i++) {
      if (i == KEY_VALUE_AT && LiteralSet.containsAny(present, keyValueTriggers)) {
        out = maskKeyValues(out);
      }
      if (LiteralSet.containsAny(present, triggerIndices[i])) {
        out = maskEverywhere(rules.get(i), out);
      }
    }
    if (LiteralSet.containsAny(present, basicTriggers)) {
      out = maskBasicTokens(out);
    }
    long[] count = {0};
    for (BoundedRegex x : extra) {
      out = x.replaceAll(out, REDACTED, count);
    }
    masked += count[0];
    return out;
  }

  String maskEverywhere(Rule rule, String text) {
    Matcher m = rule.pattern().matcher(text);
    if (!m.find()) return text;
    StringBuilder b = new StringBuilder(text.length());
    int done = 0;
    do {
      String whole = m.group();
      b.append(text, done, m.start());
      // A match already masked by an earlier rule is left as it is (and not counted twice).
      if (whole.endsWith(REDACTED) || whole.endsWith(REDACTED + "'") || whole.endsWith(REDACTED + "@")) {
        b.append(whole);
      } else {
        String one = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : "";
        b.append(rule.replacement().replace("$1", one));
        masked++;
      }
      done = m.end();
    } while (m.find());
    return b.append(text, done, text.length()).toString();
  }

  /**
   * {@code key=value}, {@code key: value}, {@code key => value} and {@code "key": value}, where the key (a run of
   * {@code [\\w.-]}) names a secret: the value is masked, whatever it is — a quoted string (escapes and SQL's
   * doubled quote honoured, to its closing quote or the end of the text), a JSON object or array (to its matching
   * bracket, strings honoured, or the end of the text), or a bare token. One pass over the text.
   */
  String maskKeyValues(String text) {
    String lower = asciiLower(text);
    int n = text.length();
    // The word runs that hold a trigger: only those can name a secret (most lines hold none, or one).
    java.util.TreeSet<Integer> starts = new java.util.TreeSet<>();
    for (String t : KEY_TRIGGERS) {
      for (int i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + 1)) {
        int s = i;
        while (s > 0 && isWordRunChar(text.charAt(s - 1))) s--;
        starts.add(s);
      }
    }
    StringBuilder b = null;
    int done = 0;
    int skip = 0; // the end of the last value seen: a key inside it is part of that value
    for (int s : starts) {
      if (s < Math.max(done, skip)) continue;
      int i = s;
      while (i < n && isWordRunChar(text.charAt(i))) i++;
      if (!namesSecret(lower, s, i)) continue;
      int p = i;
      if (p < n && (text.charAt(p) == '"' || text.charAt(p) == '\'')) p++; // the closing quote of a quoted key
      p = skipSpaces(text, p);
      if (p + 1 < n && text.charAt(p) == '=' && text.charAt(p + 1) == '>') {
        p += 2;
      } else if (p < n && (text.charAt(p) == '=' || text.charAt(p) == ':')) {
        p++;
      } else {
        continue;
      }
      p = skipSpaces(text, p);
      int end = valueEnd(text, p);
      if (end <= p) continue;
      String value = text.substring(p, end);
      skip = end;
      if (value.startsWith(REDACTED) || value.length() > 1 && value.startsWith(REDACTED, 1)) {
        continue; // masked already (by an attribute's value, or an earlier rule)
      }
      if (b == null) b = new StringBuilder(n);
      b.append(text, done, p);
      char q = value.charAt(0);
      if (q == '"' || q == '\'') {
        b.append(q).append(REDACTED).append(value.length() > 1 && value.charAt(value.length() - 1) == q ? String.valueOf(q) : "");
      } else {
        b.append(REDACTED);
      }
      masked++;
      done = end;
    }
    if (b == null) return text;
    return b.append(text, done, n).toString();
  }

  private static boolean namesSecret(String lower, int from, int to) {
    if (to - from < 3) return false;
    String run = lower.substring(from, to);
    for (String k : KEY_LITERALS) {
      if (run.contains(k)) return true;
    }
    return false;
  }

  private static int skipSpaces(String text, int p) {
    while (p < text.length() && Character.isWhitespace(text.charAt(p))) p++;
    return p;
  }

  /** Where a value starting at {@code p} ends (exclusive): see {@link #maskKeyValues}. */
  static int valueEnd(String text, int p) {
    int n = text.length();
    if (p >= n) return p;
    char c = text.charAt(p);
    if (c == '"' || c == '\'') {
      int j = p + 1;
      while (j < n) {
        char d = text.charAt(j);
        if (d == '\\') {
          j += 2;
        } else if (d == c && c == '\'' && j + 1 < n && text.charAt(j + 1) == '\'') {
          j += 2; // SQL's doubled quote
        } else if (d == c) {
          return j + 1;
        } else {
          j++;
        }
      }
      return n;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      char inString = 0;
      for (int j = p; j < n; j++) {
        char d = text.charAt(j);
        if (inString != 0) {
          if (d == '\\') j++;
          else if (d == inString) inString = 0;
        } else if (d == '"') {
          inString = d;
        } else if (d == '{' || d == '[') {
          depth++;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          return j + 1;
        }
      }
      return n;
    }
    int j = p;
    while (j < n) {
      char d = text.charAt(j);
      if (Character.isWhitespace(d) || d == '&' || d == ';' || d == ',' || d == '"' || d == '\'' || d == '}' || d == ']') break;
      j++;
    }
    return j;
  }

  /**
   * {@code Basic <token>} without its header name (a header dumped as a value, a curl command line): masked when the
   * token decodes to {@code user:password}, as basic credentials do, so that "Basic configuration" stays.
   */
  String maskBasicTokens(String text) {
    String lower = asciiLower(text);
    StringBuilder b = null;
    int done = 0;
    for (int i = lower.indexOf("basic"); i >= 0; i = lower.indexOf("basic", i + 5)) {
      if (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) continue;
      int p = i + 5;
      if (p >= text.length() || !Character.isWhitespace(text.charAt(p))) continue;
      p = skipSpaces(text, p);
      java.util.regex.Matcher m = BASE64.matcher(text).region(p, text.length());
      if (!m.lookingAt() || p < done || !isCredential(m.group())) continue;
      if (b == null) b = new StringBuilder(text.length());
      b.append(text, done, p).append(REDACTED);
      masked++;
      done = m.end();
    }
    if (b == null) return text;
    return b.append(text, done, text.length()).toString();
  }

  private static boolean isCredential(String token) {
    try {
      byte[] raw = java.util.Base64.getDecoder().decode(token);
      String decoded = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon > 0 && decoded.chars().allMatch(ch -> ch >= 0x20 && ch != 0xFFFD);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The text lower-cased character by character (positions line up with the text's). */
  private static String asciiLower(String text) {
    char[] c = text.toCharArray();
    for (int i = 0; i < c.length; i++) c[i] = Character.toLowerCase(c[i]);
    return new String(c);
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
