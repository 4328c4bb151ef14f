package org.logcause.text;

import java.io.Serializable;
import java.util.List;

/**
 * A regular expression that no input can stall. Patterns are run by RE2/J, whose matching time is linear in the
 * text whatever the pattern; a pattern that needs what RE2/J lacks (lookaround, backreferences, possessive or atomic
 * groups) runs on {@code java.util.regex} only where the caller allows it, and then within a budget of character
 * reads per match ({@link #budget}): a match that exceeds it throws {@link BudgetExceeded}, deterministically (the
 * budget counts steps, not time). Compiled lazily: instances travel to Spark executors as their source text.
 *
 * <p>{@link #find} on an RE2/J pattern first tries java.util.regex, several times faster on the short texts logs hold,
 * with the same pattern rewritten to keep RE2's meaning ({@link #jdkEquivalent}) and within the step budget; only a
 * text that exhausts the budget is left to RE2/J. The answer is RE2/J's either way.
 */
public final class BoundedRegex implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The character reads one match may take on the fallback engine: a fixed part plus a multiple of the text. */
  static long budget(int length) {
    return 100_000L + 200L * length;
  }

  /** A match took more steps than {@link #budget} allows: the pattern backtracks catastrophically on this text. */
  public static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded(String regex, int length) {
      super("the pattern took more than " + budget(length) + " steps on a text of " + length
          + " characters (it backtracks catastrophically): " + regex);
    }
  }

  private final String regex;
  private final boolean dotAll;
  private final boolean linear;
  private transient com.google.re2j.Pattern re2;
  private transient java.util.regex.Pattern jdk;
  /** For an RE2/J pattern: its java.util.regex equivalent; {@link #NONE} when it has none. */
  private transient java.util.regex.Pattern fast;
  private static final java.util.regex.Pattern NONE = java.util.regex.Pattern.compile("");

  private BoundedRegex(String regex, boolean dotAll, boolean linear) {
    this.regex = regex;
    this.dotAll = dotAll;
    this.linear = linear;
  }

  /**
   * Compiles a pattern for RE2/J; when RE2/J cannot run it and {@code fallback} is true, for java.util.regex within a
   * step budget.
   *
   * @throws IllegalArgumentException naming what is wrong: not a valid regex, or syntax that only the fallback
   *     engine knows when {@code fallback} is false
   */
  public static BoundedRegex compile(String regex, boolean dotAll, boolean fallback) {
    try {
      com.google.re2j.Pattern.compile(regex, dotAll ? com.google.re2j.Pattern.DOTALL : 0);
      return new BoundedRegex(regex, dotAll, true);
    } catch (com.google.re2j.PatternSyntaxException e) {
      try {
        java.util.regex.Pattern.compile(regex, dotAll ? java.util.regex.Pattern.DOTALL : 0);
      } catch (java.util.regex.PatternSyntaxException j) {
        throw new IllegalArgumentException("not a valid regex: " + j.getDescription());
      }
      if (!fallback) {
        throw new IllegalArgumentException("uses syntax that linear-time matching cannot run (lookaround, backreferences, "
            + "possessive or atomic groups): " + e.getDescription() + " " + e.getPattern());
      }
      return new BoundedRegex(regex, dotAll, false);
    }
  }

  public static BoundedRegex compile(String regex) {
    return compile(regex, false, false);
  }

  /** The source text of the pattern. */
  public String pattern() {
    return regex;
  }

  /** True when RE2/J runs it (linear time); false on the budgeted fallback engine. */
  public boolean linear() {
    return linear;
  }

  private com.google.re2j.Pattern re2() {
    if (re2 == null) re2 = com.google.re2j.Pattern.compile(regex, dotAll ? com.google.re2j.Pattern.DOTALL : 0);
    return re2;
  }

  private java.util.regex.Pattern jdk() {
    if (jdk == null) jdk = java.util.regex.Pattern.compile(regex, dotAll ? java.util.regex.Pattern.DOTALL : 0);
    return jdk;
  }

  private java.util.regex.Pattern fast() {
    if (fast == null) {
      String equivalent = jdkEquivalent(regex, dotAll);
      java.util.regex.Pattern p = NONE;
      if (equivalent != null) {
        try {
          p = java.util.regex.Pattern.compile(equivalent, java.util.regex.Pattern.UNIX_LINES
              | (dotAll ? java.util.regex.Pattern.DOTALL : 0));
        } catch (java.util.regex.PatternSyntaxException e) {
          p = NONE; // syntax only RE2 reads this way
        }
      }
      fast = p;
    }
    return fast == NONE ? null : fast;
  }

  /** Whether the pattern is found anywhere in the text. */
  public boolean find(CharSequence text) {
    if (linear) {
      java.util.regex.Pattern f = fast();
      if (f != null) {
        try {
          return f.matcher(new Budgeted(text, regex)).find();
        } catch (BudgetExceeded | StackOverflowError e) {
          // a text this pattern backtracks on: RE2/J's linear time decides
        }
      }
      return re2().matcher(text).find();
    }
    Budgeted b = new Budgeted(text, regex);
    try {
      return jdk().matcher(b).find();
    } catch (StackOverflowError e) {
      throw new BudgetExceeded(regex, text.length());
    }
  }

  /** A whole-text match: its named groups. */
  public interface Groups {
    /** The text of a named group, or null when it did not take part in the match. */
    String group(String name);
  }

  /** The groups of a match of the whole text, or null when the text does not match. */
  public Groups matchWhole(String text) {
    if (linear) {
      com.google.re2j.Matcher m = re2().matcher(text);
      return m.matches() ? m::group : null;
    }
    java.util.regex.Matcher m = jdk().matcher(new Budgeted(text, regex));
    try {
      if (!m.matches()) return null;
    } catch (StackOverflowError e) {
      throw new BudgetExceeded(regex, text.length());
    }
    return name -> {
      String g = m.group(name);
      return g == null ? null : g;
    };
  }

  /** Replaces every match with {@code replacement} (literal text); {@code count[0]} grows by the matches replaced. */
  public String replaceAll(String text, String replacement, long[] count) {
    if (linear) {
      com.google.re2j.Matcher m = re2().matcher(text);
      if (!m.find()) return text;
      StringBuilder b = new StringBuilder(text.length());
      int done = 0;
      do {
        b.append(text, done, m.start()).append(replacement);
        done = m.end();
        count[0]++;
      } while (m.find());
      return b.append(text, done, text.length()).toString();
    }
    java.util.regex.Matcher m = jdk().matcher(new Budgeted(text, regex));
    StringBuilder b = new StringBuilder(text.length());
    int done = 0;
    try {
      while (m.find()) {
        b.append(text, done, m.start()).append(replacement);
        done = m.end();
        count[0]++;
      }
    } catch (StackOverflowError e) {
      throw new BudgetExceeded(regex, text.length());
    }
    return b.append(text, done, text.length()).toString();
  }

  /** RE2's word character, whatever the case flags around it. */
  private static final String WORD = "(?-i:[0-9A-Za-z_])";

  /**
   * The pattern for java.util.regex (with {@code UNIX_LINES}, and {@code DOTALL} when RE2/J has it) such that both
   * engines find a match in exactly the same texts; null when it uses syntax whose meaning differs and is not
   * rewritten here (inline flags other than a leading {@code (?i)}, Unicode classes, quoting, back references,
   * nested or intersected classes, escapes beyond the common ones). Rewritten: {@code .} (RE2: anything but a
   * newline), {@code $} (RE2: the end of the text only), {@code \s} and {@code \S} (RE2: no vertical tab), {@code \b}
   * and {@code \B} (RE2: ASCII word characters), and {@code (?i)} (RE2 folds Unicode case).
   */
  static String jdkEquivalent(String regex, boolean dotAll) {
    StringBuilder out = new StringBuilder(regex.length() + 16);
    int i = 0;
    int n = regex.length();
    if (regex.startsWith("(?i)")) {
      out.append("(?iu)");
      i = 4;
    }
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) return null;
        char e = regex.charAt(i + 1);
        switch (e) {
          case 'd', 'D', 'w', 'W', 'A', 'z', 't', 'n', 'r', 'f' -> out.append('\\').append(e);
          case 's' -> out.append("[\\t\\n\\f\\r ]");
          case 'S' -> out.append("[^\\t\\n\\f\\r ]");
          case 'b' -> out.append("(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))");
          case 'B' -> out.append("(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))");
          default -> {
            if (Character.isLetterOrDigit(e) || e > 127) return null;
            out.append('\\').append(e); // an escaped punctuation mark: itself in both
          }
        }
        i += 2;
      } else if (c == '[') {
        int end = classEquivalent(regex, i, out);
        if (end < 0) return null;
        i = end;
      } else if (c == '(') {
        if (i + 1 < n && regex.charAt(i + 1) == '?') {
          if (regex.startsWith("(?:", i)) {
            out.append("(?:");
            i += 3;
            continue;
          }
          return null; // inline flags, named groups, lookaround: left to RE2/J
        }
        out.append('(');
        i++;
      } else if (c == '.') {
        out.append(dotAll ? "." : "[^\\n]");
        i++;
      } else if (c == '$') {
        out.append("\\z");
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Copies the class opened at {@code open} to {@code out} with RE2's meaning; returns the index after it, or -1 when
   * it holds what the engines read differently (a nested {@code [}, {@code &&}, a POSIX class, an escape beyond the
   * common ones).
   */
  private static int classEquivalent(String regex, int open, StringBuilder out) {
    int n = regex.length();
    int i = open + 1;
    out.append('[');
    if (i < n && regex.charAt(i) == '^') {
      out.append('^');
      i++;
    }
    if (i < n && regex.charAt(i) == ']') {
      out.append("\\]"); // a leading ] is a literal in RE2
      i++;
    }
    for (; i < n; i++) {
      char c = regex.charAt(i);
      if (c == ']') {
        out.append(']');
        return i + 1;
      }
      if (c == '[' || c == '&' && i + 1 < n && regex.charAt(i + 1) == '&') return -1;
      if (c == '\\') {
        if (i + 1 >= n) return -1;
        char e = regex.charAt(++i);
        switch (e) {
          case 'd', 'w', 't', 'n', 'r', 'f' -> out.append('\\').append(e);
          case 's' -> out.append("\\t\\n\\f\\r ");
          default -> {
            if (Character.isLetterOrDigit(e) || e > 127) return -1;
            out.append('\\').append(e);
          }
        }
        continue;
      }
      out.append(c);
    }
    return -1;
  }

  /** The names of the named groups, in order ({@code (?<name>...)} and {@code (?P<name>...)}). */
  public List<String> groupNames() {
    java.util.regex.Matcher g = java.util.regex.Pattern.compile("\\(\\?P?<([a-zA-Z][a-zA-Z0-9_]*)>").matcher(regex);
    List<String> names = new java.util.ArrayList<>();
    while (g.find()) names.add(g.group(1));
    return names;
  }

  /** The text as the fallback engine reads it: every character read counts against the match's budget. */
  private static final class Budgeted implements CharSequence {
    private final CharSequence text;
    private final String regex;
    private long left;

    Budgeted(CharSequence text, String regex) {
      this.text = text;
      this.regex = regex;
      this.left = budget(text.length());
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) {
        throw new BudgetExceeded(regex, text.length());
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
