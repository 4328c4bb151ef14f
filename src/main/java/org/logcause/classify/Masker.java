package org.logcause.classify;

import java.util.regex.Matcher;
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

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]{1,200}\"|'[^']{1,200}'");
  private static final Pattern WHOLE =
      Pattern.compile(
          "[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]+" // URL
              + "|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+" // e-mail
              + "|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}" // UUID
              + "|(?<![\\w./])/?\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\w.])" // IPv4, with the slash Java prints before it
              + "|\\b[A-Za-z]:\\\\[^\\s,;\"']*" // Windows path
              + "|\\bv?\\d+(?:\\.\\d+){2,}\\b" // version
              + "|(?<![\\w.-])[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:com|net|org|edu|gov|mil|int|io|co|us|uk|de|fr|jp|cn|hk|ru|br|in|au|nl|local|internal|lan)(?![\\w.-])" // host name
              + "|(?<![\\w:])\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?![\\w:])" // clock time
              + "|(?<![\\w/])(?:/[\\w.@%+=-]+){2,}/?" // absolute path
              + "|\\b0x[0-9a-fA-F]+\\b" // hex literal
              + "|\\b(?=[0-9a-f]*\\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\\b" // long lowercase hex (ids, hashes)
              + "|(?<![A-Za-z])[-+]?\\d+(?:[.,]\\d+)*"); // numbers
  private static final Pattern ID_AROUND_WILDCARD = Pattern.compile("[A-Za-z_]*(?:<\\*>[A-Za-z_-]*)+");
  private static final Pattern ONLY_WILDCARDS = Pattern.compile("(?:<\\*>[-._]?)+");

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
    m = QUOTED.matcher(m).replaceAll(r -> {
      char q = r.group().charAt(0);
      return q + WILDCARD + q;
    });
    m = WHOLE.matcher(m).replaceAll(WILDCARD);
    StringBuilder out = new StringBuilder(m.length());
    for (String token : m.trim().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(collapse(token));
    }
    return out.toString();
  }

  /** Three or more masked parts joined only by separators (a timestamp, a path of ids) are one parameter. */
  private static boolean compound(String core) {
    int parts = 0;
    for (int i = core.indexOf(WILDCARD); i >= 0; i = core.indexOf(WILDCARD, i + 3)) {
      parts++;
    }
    return parts >= 3 && core.replace(WILDCARD, "").chars().allMatch(c -> "-._:/@,+".indexOf(c) >= 0);
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
    Matcher id = ID_AROUND_WILDCARD.matcher(core);
    if (id.matches() || ONLY_WILDCARDS.matcher(core).matches() || compound(core)) {
      return token.substring(0, start) + WILDCARD + token.substring(end);
    }
    return token;
  }
}
