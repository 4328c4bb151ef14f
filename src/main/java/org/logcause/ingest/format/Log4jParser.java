package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text logs of log4j, logback and their relatives, read with the layout pattern that wrote them (e.g.
 * {@code %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c: %m%n}, Kafka's {@code [%d] %p %m (%c)%n}). Lines the
 * pattern does not match — stack traces ({@code \tat ...}, {@code Caused by: ...}, {@code ... 12 more}),
 * config dumps — continue the open event.
 */
final class Log4jParser extends LineParser {
  static final String DEFAULT_PATTERN = "%d %-5p [%t] %c - %m%n";
  private static final String ISO_TS =
      "\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?";

  /** The compiled layout: a regex with groups ts, level, thread, logger, msg (and mdc0..n). */
  record Layout(Pattern pattern, TimestampFormat tsFormat, List<String> groups) {}

  private final Layout layout;
  private final ZoneId zone;
  private final TimestampFormat.Year year;

  Log4jParser(Layout layout, ZoneId zone, int defaultYear) {
    this.layout = layout;
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  static Layout compile(String pattern) {
    StringBuilder re = new StringBuilder("^");
    TimestampFormat tsFormat = new TimestampFormat("auto");
    List<String> used = new ArrayList<>();
    int mdc = 0;
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c != '%') {
        if (c == ' ') {
          while (i < pattern.length() && pattern.charAt(i) == ' ') i++;
          re.append(" +");
          continue;
        }
        re.append(Pattern.quote(String.valueOf(c)));
        i++;
        continue;
      }
      i++;
      // format modifiers: %-5p, %.30c, %20.-30logger
      while (i < pattern.length() && "-.0123456789".indexOf(pattern.charAt(i)) >= 0) i++;
      int start = i;
      while (i < pattern.length() && Character.isLetter(pattern.charAt(i))) i++;
      String word = pattern.substring(start, i);
      String arg = null;
      if (i < pattern.length() && pattern.charAt(i) == '{') {
        int close = pattern.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException("pattern: unclosed { in \"" + pattern + "\"");
        }
        arg = pattern.substring(i + 1, close);
        i = close + 1;
      }
      if (word.isEmpty() && i < pattern.length() && pattern.charAt(i) == '%') {
        re.append('%');
        i++;
        continue;
      }
      switch (word) {
        case "d", "date" -> {
          if (arg == null || arg.equals("ISO8601") || arg.equals("DEFAULT")) {
            re.append("(?<ts>").append(ISO_TS).append(')');
          } else {
            tsFormat = new TimestampFormat(arg);
            re.append("(?<ts>").append(regexFor(arg)).append(')');
          }
          used.add("ts");
        }
        case "p", "le", "level" -> {
          re.append("(?<level>[A-Za-z]+) *");
          used.add("level");
        }
        case "t", "thread" -> {
          re.append("(?<thread>.*?)");
          used.add("thread");
        }
        case "c", "lo", "logger", "C", "class" -> {
          re.append("(?<logger>[^\\s]*?)");
          used.add("logger");
        }
        case "m", "msg", "message" -> {
          // What the layout prints after the message (Kafka's " (logger)") may come only after the last
          // continuation line, so it is optional on the first line: "INFO KafkaConfig values: " is an event.
          re.append("(?<msg>.*?)(?:");
          used.add("msg");
        }
        case "n" -> { }
        case "X", "mdc", "x", "NDC", "ndc" -> re.append("(?<mdc").append(mdc++).append(">.*?)");
        case "L", "line", "r", "relative", "pid", "tid", "sn" -> re.append("\\d*");
        case "M", "method", "F", "file", "ex", "throwable", "xEx", "wEx", "rEx", "clr", "highlight", "style" ->
            re.append(".*?");
        default -> throw new IllegalArgumentException(
            "pattern: unsupported conversion %" + word + " in \"" + pattern + "\"");
      }
    }
    if (!used.contains("ts") || !used.contains("msg")) {
      throw new IllegalArgumentException("pattern needs %d and %m: \"" + pattern + "\"");
    }
    re.append(")? *$");
    return new Layout(Pattern.compile(re.toString(), Pattern.DOTALL), tsFormat, List.copyOf(used));
  }

  /** A regex matching what a DateTimeFormatter pattern prints. */
  static String regexFor(String dtPattern) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < dtPattern.length()) {
      char c = dtPattern.charAt(i);
      if (c == '\'') {
        int close = dtPattern.indexOf('\'', i + 1);
        if (close < 0) close = dtPattern.length();
        re.append(Pattern.quote(dtPattern.substring(i + 1, close)));
        i = close + 1;
        continue;
      }
      int n = 1;
      while (i + n < dtPattern.length() && dtPattern.charAt(i + n) == c) n++;
      switch (c) {
        case 'y', 'u', 'd', 'H', 'h', 'k', 'K', 'm', 's', 'S', 'D' -> re.append(n == 1 ? "\\d{1,3}" : "\\d{" + n + "}");
        case 'M', 'L' -> re.append(n >= 3 ? "[A-Za-z]+" : n == 1 ? "\\d{1,2}" : "\\d{2}");
        case 'E', 'a', 'z', 'G' -> re.append("[A-Za-z]+");
        case 'X', 'x', 'Z', 'O' -> re.append("(?:Z|[+-]\\d\\d(?::?\\d\\d)?|GMT[+-]?[\\d:]*)");
        case 'V' -> re.append("[A-Za-z_/+-]+");
        case 'n' -> re.append("\\d+");
        default -> re.append(Pattern.quote(String.valueOf(c).repeat(n)));
      }
      i += n;
    }
    return re.toString();
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = layout.pattern().matcher(line);
    if (!m.matches()) {
      if (isBlank(line)) {
        return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
      }
      return continueMessage(line);
    }
    long ts = layout.tsFormat().parse(m.group("ts"), zone, year);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp: \"" + m.group("ts") + "\"");
    }
    String level = group(m, "level");
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(level), m.group("msg"));
    ev.put("raw_level", level).put("thread", group(m, "thread")).put("logger", group(m, "logger"));
    return start(ev);
  }

  private String group(Matcher m, String name) {
    if (!layout.groups().contains(name)) {
      return null; // the layout has no such conversion
    }
    String v = m.group(name);
    return v == null ? null : v.trim();
  }
}
