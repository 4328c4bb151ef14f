package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's stderr log (also what {@code logging_collector} writes), parsed with the server's own
 * {@code log_line_prefix}. A prefixed DETAIL, HINT, CONTEXT, STATEMENT, QUERY or LOCATION line belongs to the
 * event before it and becomes an attribute; un-prefixed lines (tab-indented SQL, multi-line messages, a
 * {@code pg_ctl} line) continue the open event.
 */
final class PostgresStderrParser extends LineParser {
  static final Set<String> OPTIONS = Set.of("log_line_prefix");
  static final String DEFAULT_PREFIX = "%m [%p] ";

  private static final Set<String> ATTACHED = Set.of("DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION");
  private static final String LEVELS =
      "(?<level>DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION)";

  /**
   * A compiled log_line_prefix: the regex and which group holds which escape. The escapes' groups are its only
   * capturing groups but the level's, in order: escape {@code g} is group {@code g + 1}, the level the last; read by
   * number, not by name (a name costs a lookup per group and line).
   */
  record Prefix(Pattern pattern, List<String> groups) {
    Prefix {
      if (pattern.matcher("").groupCount() != groups.size() + 1) {
        throw new IllegalStateException("log_line_prefix regex has unexpected groups: " + pattern);
      }
    }

    int levelGroup() {
      return groups.size() + 1;
    }
  }

  private final Prefix prefix;
  private final ZoneId zone;
  private String attachedKey; // the attribute that indented continuation lines extend (e.g. statement)

  PostgresStderrParser(Prefix prefix, ZoneId zone) {
    this.prefix = prefix;
    this.zone = zone;
  }

  static Prefix compile(String logLinePrefix) {
    StringBuilder re = new StringBuilder("^");
    List<String> groups = new ArrayList<>();
    boolean optional = false;
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < logLinePrefix.length(); i++) {
      char c = logLinePrefix.charAt(i);
      if (c != '%') {
        literal.append(c);
        continue;
      }
      if (i + 1 >= logLinePrefix.length()) {
        throw new IllegalArgumentException("log_line_prefix ends with a lone %: \"" + logLinePrefix + "\"");
      }
      char e = logLinePrefix.charAt(++i);
      // PostgreSQL allows a padding width between % and the escape (e.g. %-10u); accept and ignore it.
      while ((e == '-' || Character.isDigit(e)) && i + 1 < logLinePrefix.length()) {
        e = logLinePrefix.charAt(++i);
      }
      if (e == '%') {
        literal.append('%');
        continue;
      }
      flushLiteral(re, literal);
      if (e == 'q') {
        re.append("(?:");
        optional = true;
        continue;
      }
      String group = "g" + groups.size();
      String body =
          switch (e) {
            case 'm' -> "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?: [A-Za-z][A-Za-z0-9+\\-/_]*| [+-]\\d+)?";
            case 't' -> "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?: [A-Za-z][A-Za-z0-9+\\-/_]*| [+-]\\d+)?";
            case 's' -> "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?: [A-Za-z][A-Za-z0-9+\\-/_]*)?";
            case 'n' -> "\\d+(?:\\.\\d+)?";
            case 'p', 'l', 'P' -> "\\d*";
            case 'x' -> "\\d*";
            case 'v' -> "[\\d/-]*";
            case 'e' -> "[0-9A-Z]{5}";
            case 'c' -> "[0-9a-f]+\\.[0-9a-f]+";
            case 'Q' -> "-?\\d+";
            case 'u', 'd', 'h', 'r', 'L' -> "[^\\s]*?";
            case 'a', 'i', 'b' -> ".*?";
            default -> throw new IllegalArgumentException(
                "log_line_prefix: unknown escape %" + e + " in \"" + logLinePrefix + "\"");
          };
      re.append("(?<").append(group).append('>').append(body).append(')');
      groups.add(String.valueOf(e));
    }
    flushLiteral(re, literal);
    if (optional) {
      re.append(")?");
    }
    // The message is the rest of the line: matched with lookingAt() and cut off, not scanned by ".*".
    re.append(LEVELS).append(":\\s*");
    return new Prefix(Pattern.compile(re.toString(), Pattern.DOTALL), groups);
  }

  private static void flushLiteral(StringBuilder re, StringBuilder literal) {
    if (literal.length() == 0) {
      return;
    }
    // Runs of spaces are matched loosely: servers pad fields, and people copy prefixes with a space too many.
    String[] parts = literal.toString().split(" +", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        re.append(" *");
      }
      if (!parts[i].isEmpty()) {
        re.append(Pattern.quote(parts[i]));
      }
    }
    literal.setLength(0);
  }

  @Override
  public boolean splittable() {
    return true;
  }

  /**
   * A prefixed line that is not a DETAIL, HINT, STATEMENT (...) of the event before it and has a readable time: it
   * starts an event and resets all the parser's state.
   */
  @Override
  public boolean startsEvent(String line) {
    Matcher m = prefix.pattern().matcher(line);
    if (!m.lookingAt() || ATTACHED.contains(m.group(prefix.levelGroup()))) {
      return false;
    }
    long ts = Timestamps.INVALID; // as parse() reads it: the last time field of the prefix wins
    for (int g = 0; g < prefix.groups().size(); g++) {
      String value = m.group(g + 1);
      if (value != null) {
        switch (prefix.groups().get(g)) {
          case "m", "t" -> ts = Timestamps.parseIsoLike(value, zone);
          case "n" -> ts = parseEpoch(value);
          default -> { }
        }
      }
    }
    return ts != Timestamps.INVALID;
  }

  @Override
  public Parsed parse(String line) {
    return parseRecord(line, Timestamps.INVALID, false);
  }

  /** PostgreSQL's severity words as the server writes them, followed by its two spaces. */
  private static final Pattern BARE_LEVEL = Pattern.compile("(?:^|\\s)" + LEVELS + ":  ");

  /**
   * One record as an envelope delivered it (syslog, a cloud's log export): {@code envelopeTs} dates it when the
   * prefix has no time; {@code recordStart} says the envelope knows a record starts here (syslog's {@code [n-1]}),
   * so a line the prefix does not match still starts an event, its severity read from the server's
   * {@code LEVEL:  } however the prefix was configured.
   */
  Parsed parseRecord(String line, long envelopeTs, boolean recordStart) {
    Matcher m = prefix.pattern().matcher(line);
    boolean matched = m.lookingAt();
    if (!matched && envelopeTs != Timestamps.INVALID && !startsIndented(line)) {
      Matcher bare = BARE_LEVEL.matcher(line);
      String level = bare.find() ? bare.group("level") : null;
      String msg = level == null ? line : line.substring(bare.end());
      if (level != null && ATTACHED.contains(level)) {
        attachedKey = level.toLowerCase(Locale.ROOT);
        return continueAttribute(attachedKey, msg);
      }
    }
    if (!matched && recordStart) {
      Matcher bare = BARE_LEVEL.matcher(line);
      String level = bare.find() ? bare.group("level") : null;
      String msg = level == null ? line : line.substring(bare.end());
      if (envelopeTs == Timestamps.INVALID) {
        return reject("unparseable timestamp in log_line_prefix");
      }
      attachedKey = null;
      ParsedEvent ev = new ParsedEvent(envelopeTs, Levels.normalize(level), msg);
      return start(ev.put("raw_level", level));
    }
    if (!matched) {
      if (isBlank(line)) {
        return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
      }
      if (attachedKey != null && startsIndented(line)) {
        return continueAttribute(attachedKey, line.strip());
      }
      return continueMessage(startsIndented(line) ? line.strip() : line);
    }
    String level = m.group(prefix.levelGroup());
    String msg = line.substring(m.end());
    if (ATTACHED.contains(level)) {
      attachedKey = level.toLowerCase(Locale.ROOT);
      return continueAttribute(attachedKey, msg);
    }
    long ts = Timestamps.INVALID;
    // the escapes' attributes, in prefix order (ParsedEvent sorts them)
    String[] attrs = new String[2 * prefix.groups().size()];
    for (int g = 0; g < prefix.groups().size(); g++) {
      String value = m.group(g + 1);
      if (value == null) {
        continue;
      }
      String escape = prefix.groups().get(g);
      switch (escape) {
        case "m", "t" -> ts = Timestamps.parseIsoLike(value, zone);
        case "n" -> ts = parseEpoch(value);
        default -> {
          String key = ATTRIBUTE.get(escape);
          if (key != null) {
            for (int k = 0; k < 2 * g; k += 2) {
              if (key.equals(attrs[k])) attrs[k] = null; // %h then %r: the later wins, even when empty
            }
            attrs[2 * g] = key;
            attrs[2 * g + 1] = NAMES.contains(escape) ? clean(value) : value;
          }
        }
      }
    }
    if (ts == Timestamps.INVALID) {
      ts = envelopeTs;
    }
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in log_line_prefix");
    }
    attachedKey = null;
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(level), msg);
    for (int a = 0; a < attrs.length; a += 2) {
      if (attrs[a] != null) ev.put(attrs[a], attrs[a + 1]);
    }
    ev.put("raw_level", level);
    return start(ev);
  }

  /** The attribute each escape of the prefix fills (the times date the event instead). */
  private static final Map<String, String> ATTRIBUTE = Map.ofEntries(Map.entry("p", "pid"), Map.entry("u", "user"),
      Map.entry("d", "db"), Map.entry("a", "application"), Map.entry("h", "client"), Map.entry("r", "client"),
      Map.entry("e", "sqlstate"), Map.entry("c", "session_id"), Map.entry("l", "session_line"), Map.entry("x", "txid"),
      Map.entry("v", "vxid"), Map.entry("b", "backend_type"), Map.entry("i", "command_tag"), Map.entry("Q", "query_id"));
  /** Escapes holding a name, which PostgreSQL writes as {@code [unknown]} before it knows it. */
  private static final Set<String> NAMES = Set.of("u", "d", "a", "h", "r");

  private static String clean(String v) {
    return v.equals("[unknown]") ? "" : v;
  }

  private static long parseEpoch(String v) {
    try {
      return Math.round(Double.parseDouble(v) * 1_000_000d);
    } catch (NumberFormatException e) {
      return Timestamps.INVALID;
    }
  }
}
