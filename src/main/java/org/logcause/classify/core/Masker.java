package org.logcause.classify.core;

import java.util.regex.Pattern;

/**
 * Replaces the variable parts of a message with {@code <*>} before templates are mined: quoted values, URLs,
 * e-mail addresses, UUIDs, IP addresses, hex values, paths and numbers. Tokens that are identifiers built around a
 * number ({@code blk_-6952295868487656571}, {@code appattempt_1445144423722_0020_000001}) and tokens made only of
 * masked parts and separators ({@code 2005-06-03-15.42.50.675872}) become a single {@code <*>}, so one parameter is
 * one wildcard whatever its shape.
 */
public final class Masker {
  public static final String WILDCARD = "<*>";

  // Protocol and algorithm names carry a number that is part of the name: SOCKS5, HTTP2, IPV6, SHA256, UTF8.
  private static final Pattern NAME_WITH_NUMBER = Pattern.compile("[A-Z]{2,}\\d{1,3}[,.;:)]?");
  private static final Pattern QUOTED = Pattern.compile("\"[^\"]{1,200}\"|'[^']{1,200}'");
  // Each pattern runs only on tokens that hold its trigger character (see mask): a plain word costs nothing.
  // java.util.regex recurses once per repetition of a group, so every repeated group is bounded (64): a line of
  // 50,000 path segments or dotted numbers must not overflow a task's stack.
  private static final Pattern URL = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*+://[^\\s\"'<>]++");
  private static final Pattern EMAIL = Pattern.compile("(?<![\\w.+-])[\\w.+-]++@[\\w-]++(?:\\.[\\w-]++){1,64}+");
  private static final Pattern WINDOWS_PATH = Pattern.compile("\\b[A-Za-z]:\\\\[^\\s,;\"']*");
  private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w/])(?:/[\\w.@%+=-]++){2,64}+/?");
  private static final Pattern WITH_DIGITS =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}" // UUID
              + "|(?<![\\w./])/?\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\w.])" // IPv4, with the slash Java prints before it
              + "|\\bv?\\d+(?:\\.\\d+){2,64}\\b" // version
              + "|(?<![\\w:])\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?![\\w:])" // clock time
              + "|\\b0x[0-9a-fA-F]+\\b" // hex literal
              + "|\\b(?=[0-9a-f]*\\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\\b" // long lowercase hex (ids, hashes)
              + "|(?<![A-Za-z])[-+]?\\d+(?:[.,]\\d+){0,64}"); // numbers
  private static final java.util.Set<String> TLDS = java.util.Set.of(
      "com", "net", "org", "edu", "gov", "mil", "int", "io", "co", "us", "uk", "de", "fr", "jp", "cn", "hk", "ru", "br",
      "in", "au", "nl", "local", "internal", "lan");

  private Masker() {}

  /** The masked message, tokens separated by single spaces. */
  public static String mask(String message) {
    if (message == null || message.isEmpty()) {
      return "";
    }
    String m = message.length() > 4000 ? message.substring(0, 4000) : message;
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl); // a multi-line event's kind is its first line (stack traces vary below it)
    }
    if (m.indexOf('"') >= 0 || m.indexOf('\'') >= 0) {
      m = QUOTED.matcher(m).replaceAll(r -> {
        char q = r.group().charAt(0);
        return q + WILDCARD + q;
      });
    }
    StringBuilder out = new StringBuilder(m.length());
    int i = 0;
    int n = m.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(m.charAt(i))) i++;
      int start = i;
      boolean plain = true;
      while (i < n && !Character.isWhitespace(m.charAt(i))) {
        char c = m.charAt(i);
        // Only tokens with a digit or one of these characters can hold a parameter: plain words skip the regex.
        if (plain && (c >= '0' && c <= '9' || c == '.' || c == '/' || c == ':' || c == '@' || c == '\\' || c == '-')) {
          plain = false;
        }
        i++;
      }
      if (start == i) break;
      String token = m.substring(start, i);
      if (out.length() > 0) out.append(' ');
      out.append(plain || isNameWithNumber(token) ? token : collapse(maskToken(token)));
    }
    return out.toString();
  }

  /** {@link #NAME_WITH_NUMBER}, which needs two upper-case letters first: most tokens fail on their first character. */
  private static boolean isNameWithNumber(String token) {
    return token.length() >= 3 && token.charAt(0) >= 'A' && token.charAt(0) <= 'Z'
        && NAME_WITH_NUMBER.matcher(token).matches();
  }

  /**
   * A plain number with at most one decimal part, maybe in brackets or before punctuation ({@code 42}, {@code 0.412},
   * {@code (7,}): what {@link #WITH_DIGITS} and {@link #collapse} make of it, without the regex. Null for any other
   * token.
   */
  static String maskNumber(String token) {
    int n = token.length();
    int start = 0;
    while (start < n && token.charAt(start) == '(') start++;
    int end = n;
    while (end > start && ",;:)".indexOf(token.charAt(end - 1)) >= 0) end--;
    int i = start;
    while (i < end && isDigit(token.charAt(i))) i++;
    if (i == start) return null;
    if (i < end) {
      if (token.charAt(i) != '.' || i + 1 == end) return null;
      int fraction = ++i;
      while (i < end && isDigit(token.charAt(i))) i++;
      if (i == fraction || i < end) return null;
    }
    return token.substring(0, start) + WILDCARD + token.substring(end);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String maskToken(String token) {
    String number = maskNumber(token);
    return number != null ? number : byPatterns(token);
  }

  /** A token with a parameter masked by the patterns, then {@link #collapse}d: what {@link #mask} does to it. */
  static String maskedToken(String token, boolean numbersFirst) {
    String number = numbersFirst ? maskNumber(token) : null;
    return collapse(number != null ? number : byPatterns(token));
  }

  /** {@code name.domain:port}: an endpoint, whatever the domain (upper case, any top-level domain). */
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9][\\w-]*+(?:\\.[\\w-]++){1,64}+:\\d{1,5}([,;.]?)");

  private static String byPatterns(String token) {
    String t = token;
    if (t.indexOf(':') > 0 && t.indexOf('.') > 0) {
      java.util.regex.Matcher hp = HOST_PORT.matcher(t);
      if (hp.matches()) {
        return WILDCARD + ":" + WILDCARD + hp.group(1);
      }
    }
    if (t.contains("://")) t = URL.matcher(t).replaceAll(WILDCARD);
    if (t.indexOf('@') >= 0) t = EMAIL.matcher(t).replaceAll(WILDCARD);
    if (t.contains(":\\")) t = WINDOWS_PATH.matcher(t).replaceAll(WILDCARD);
    if (t.indexOf('.') > 0) t = maskHostName(t);
    if (t.indexOf('/') >= 0) t = ABSOLUTE_PATH.matcher(t).replaceAll(WILDCARD);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        return WITH_DIGITS.matcher(t).replaceAll(WILDCARD);
      }
    }
    return t;
  }

  /** A lower-case dotted name ending in a known top-level domain ({@code db1.example.com}) is a host. */
  private static String maskHostName(String t) {
    int start = 0;
    while (start < t.length() && !isHostChar(t.charAt(start))) start++;
    int end = start;
    while (end < t.length() && (isHostChar(t.charAt(end)) || t.charAt(end) == '.')) end++;
    String name = t.substring(start, end);
    int lastDot = name.lastIndexOf('.');
    if (lastDot <= 0 || lastDot == name.length() - 1 || !TLDS.contains(name.substring(lastDot + 1))) {
      // a trailing sentence dot ("example.com.") still counts
      boolean sentenceEnd = end == t.length() || !Character.isLetterOrDigit(t.charAt(end));
      if (sentenceEnd && name.endsWith(".") && name.length() > 1) {
        String inner = name.substring(0, name.length() - 1);
        int d = inner.lastIndexOf('.');
        if (d > 0 && TLDS.contains(inner.substring(d + 1))) {
          return t.substring(0, start) + WILDCARD + t.substring(start + inner.length());
        }
      }
      return t;
    }
    if (start > 0 && (Character.isLetterOrDigit(t.charAt(start - 1)) || t.charAt(start - 1) == '_')) {
      return t; // an upper-case or underscore prefix: a Java package or class, not a host
    }
    if (end < t.length() && (Character.isLetter(t.charAt(end)) || t.charAt(end) == '_')) {
      return t;
    }
    return t.substring(0, start) + WILDCARD + t.substring(end);
  }

  private static boolean isHostChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
  }

  /** Three or more masked parts joined only by separators (a timestamp, a path of ids) are one parameter. */
  private static boolean compound(String core) {
    int parts = 0;
    for (int i = core.indexOf(WILDCARD); i >= 0; i = core.indexOf(WILDCARD, i + 3)) {
      parts++;
    }
    return parts >= 3 && core.replace(WILDCARD, "").chars().allMatch(c -> "-._:/@,+".indexOf(c) >= 0);
  }

  /**
   * {@code [A-Za-z_]*(?:<\*>[A-Za-z_-]*)+}, scanned: an identifier built around masked parts ({@code blk_<*>}). A
   * scan, not a regex: a group repeated once per wildcard recurses once per wildcard in java.util.regex, and a token
   * of a few thousand wildcards overflowed the stack.
   */
  static boolean idAroundWildcard(String core) {
    int i = 0;
    int n = core.length();
    while (i < n && isIdChar(core.charAt(i))) i++;
    int wildcards = 0;
    while (i < n) {
      if (core.startsWith(WILDCARD, i)) {
        wildcards++;
        i += WILDCARD.length();
      } else if (wildcards > 0 && (isIdChar(core.charAt(i)) || core.charAt(i) == '-')) {
        i++;
      } else {
        return false;
      }
    }
    return wildcards > 0;
  }

  /** {@code (?:<\*>[-._]?)+}, scanned: masked parts, each maybe followed by one separator. */
  static boolean onlyWildcards(String core) {
    int i = 0;
    int n = core.length();
    if (n == 0) return false;
    while (i < n) {
      if (!core.startsWith(WILDCARD, i)) return false;
      i += WILDCARD.length();
      if (i < n && "-._".indexOf(core.charAt(i)) >= 0) i++;
    }
    return true;
  }

  private static boolean isIdChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
  }

  private static String collapse(String token) {
    if (!token.contains(WILDCARD) || token.equals(WILDCARD)) {
      return token;
    }
    // Keep trailing punctuation that belongs to the sentence, not to the parameter ("<*>," or "(<*>)").
    int end = token.length();
    while (end > 0 && ",;:)]}".indexOf(token.charAt(end - 1)) >= 0) {
      end--;
    }
    int start = 0;
    while (start < end && "([{".indexOf(token.charAt(start)) >= 0) {
      start++;
    }
    String core = token.substring(start, end);
    if (core.equals(WILDCARD)) {
      return token; // "(<*>)", "<*>,": already one wildcard
    }
    if (idAroundWildcard(core) || onlyWildcards(core) || compound(core)) {
      return token.substring(0, start) + WILDCARD + token.substring(end);
    }
    return token;
  }
}
