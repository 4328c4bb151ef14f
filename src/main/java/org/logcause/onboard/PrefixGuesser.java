package org.logcause.onboard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.logcause.ingest.format.Formats;

/**
 * Guesses PostgreSQL's {@code log_line_prefix} from the lines a server wrote: the text before each
 * {@code LEVEL:  } is read back into escapes ({@code %m}, {@code %p}, {@code %u@%d}, {@code db=%d}, ...), the
 * common settings are added as candidates, and the candidate that the most lines match wins (more escapes break a
 * tie: they give more attributes).
 */
final class PrefixGuesser {
  static final Pattern LEVEL =
      Pattern.compile("(?:DEBUG[1-5]|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION):  ");

  /** Settings seen in the wild: PostgreSQL's and Debian's defaults, pgBadger's advice, Amazon RDS. */
  static final List<String> COMMON =
      List.of("%m [%p] ", "%m [%p] %q%u@%d ", "%t [%p] ", "%t [%p]: [%l-1] ", "%t [%p]: [%l-1] user=%u,db=%d ",
          "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
          "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "%t:%r:%u@%d:[%p]:", "%m:%r:%u@%d:[%p]:", "%m %u %d [%p] ",
          "");

  private static final Pattern MILLIS_TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?: [A-Za-z][A-Za-z0-9+\\-/_]*| [+-]\\d+)?");
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?: [A-Za-z][A-Za-z0-9+\\-/_]*| [+-]\\d+)?");
  private static final Pattern EPOCH = Pattern.compile("\\d{10}\\.\\d{3}");
  private static final Pattern SESSION_LINE = Pattern.compile("\\[\\d+-1\\]");
  private static final Pattern BRACKETED_PID = Pattern.compile("\\[\\d+\\]");
  private static final Pattern REMOTE = Pattern.compile("(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*|\\[local\\]|[A-Za-z][\\w.-]*)\\(\\d+\\)");
  private static final Pattern USER_AT_DB = Pattern.compile("[^\\s@:\\[\\]=,]*@[^\\s@:\\[\\]=,]*");
  private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z_]+)=([^,\\s]*)");
  private static final Map<String, String> KEYS =
      Map.ofEntries(Map.entry("user", "%u"), Map.entry("usr", "%u"), Map.entry("u", "%u"), Map.entry("db", "%d"),
          Map.entry("database", "%d"), Map.entry("dbname", "%d"), Map.entry("d", "%d"), Map.entry("app", "%a"),
          Map.entry("application", "%a"), Map.entry("application_name", "%a"), Map.entry("appname", "%a"),
          Map.entry("client", "%h"), Map.entry("host", "%h"), Map.entry("remote", "%h"), Map.entry("h", "%h"),
          Map.entry("pid", "%p"), Map.entry("xid", "%x"), Map.entry("vxid", "%v"), Map.entry("session", "%c"),
          Map.entry("sqlstate", "%e"), Map.entry("sql_error_code", "%e"), Map.entry("query_id", "%Q"),
          Map.entry("backend", "%b"), Map.entry("line", "%l"));
  private static final Set<String> SESSION_ESCAPES = Set.of("%u", "%d", "%a", "%h", "%r", "%e", "%c", "%x", "%v", "%i");

  private PrefixGuesser() {}

  /** The best prefix for these lines, and how many of the lines with a severity it matched. */
  record Guess(String prefix, int matched, int withLevel) {}

  static Guess guess(List<String> lines) {
    List<String> levelLines = new ArrayList<>();
    Set<String> candidates = new LinkedHashSet<>();
    for (String line : lines) {
      Matcher m = LEVEL.matcher(line);
      if (m.find()) {
        levelLines.add(line);
        if (candidates.size() < 64) {
          String derived = derive(line.substring(0, m.start()));
          candidates.add(derived);
          candidates.add(withOptionalSession(derived));
        }
      }
    }
    candidates.addAll(COMMON);
    Guess best = new Guess(null, 0, levelLines.size());
    long[] bestScore = null;
    for (String candidate : candidates) {
      Pattern p;
      try {
        p = Formats.postgresPrefixPattern(candidate);
      } catch (IllegalArgumentException e) {
        continue;
      }
      int n = 0;
      long captured = 0;
      for (String line : levelLines) {
        Matcher m = p.matcher(line);
        if (m.lookingAt()) {
          n++;
          for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null && !m.group(g).isEmpty()) {
              captured++;
            }
          }
        }
      }
      // most lines matched; then most text captured by escapes (an escape that always matches nothing is not the
      // server's); then with %q (its session part may appear in lines past the sample, and it reads the sample the
      // same); then fewest escapes
      int escapes = candidate.length() - candidate.replace("%", "").length();
      long[] score = {n, captured, candidate.contains("%q") ? 1 : 0, -escapes};
      if (n > 0 && (bestScore == null || java.util.Arrays.compare(score, bestScore) > 0)) {
        best = new Guess(candidate, n, levelLines.size());
        bestScore = score;
      }
    }
    return best;
  }

  /** Reads the text before a severity back into the escapes that wrote it. */
  static String derive(String before) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < before.length()) {
      Matcher m;
      if ((m = at(MILLIS_TIME, before, i)) != null) {
        out.append("%m");
      } else if ((m = at(TIME, before, i)) != null) {
        out.append("%t");
      } else if ((m = at(EPOCH, before, i)) != null) {
        out.append("%n");
      } else if ((m = at(SESSION_LINE, before, i)) != null) {
        out.append("[%l-1]");
      } else if ((m = at(BRACKETED_PID, before, i)) != null) {
        out.append("[%p]");
      } else if ((m = at(REMOTE, before, i)) != null) {
        out.append("%r");
      } else if ((m = at(KEY_VALUE, before, i)) != null && KEYS.containsKey(m.group(1).toLowerCase(Locale.ROOT))) {
        out.append(m.group(1)).append('=').append(KEYS.get(m.group(1).toLowerCase(Locale.ROOT)));
      } else if ((m = at(USER_AT_DB, before, i)) != null && m.end() > i + 1 || before.startsWith("@", i)) {
        out.append("%u@%d");
        if (m == null) {
          m = at(Pattern.compile("@"), before, i);
        }
      } else {
        char c = before.charAt(i);
        out.append(c == '%' ? "%%" : String.valueOf(c));
        i++;
        continue;
      }
      i = m.end();
    }
    return out.toString();
  }

  /** The same prefix with {@code %q} before its session part (what background processes leave out). */
  static String withOptionalSession(String prefix) {
    int first = -1;
    for (String e : SESSION_ESCAPES) {
      int at = prefix.indexOf(e);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    if (first < 0) {
      return prefix;
    }
    int segment = prefix.lastIndexOf(' ', first) + 1;
    // a prefix optional from its start would match any line: only a session part after something fixed
    return segment == 0 ? prefix : prefix.substring(0, segment) + "%q" + prefix.substring(segment);
  }

  private static Matcher at(Pattern p, String s, int from) {
    Matcher m = p.matcher(s);
    m.region(from, s.length());
    return m.lookingAt() ? m : null;
  }
}
