package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Any line-oriented log, described by a regex with named groups: {@code ts} and {@code msg} are required,
 * {@code level} and {@code host} are used when present, every other named group becomes an attribute. This is
 * how logcause reads a stack it has no dedicated parser for.
 */
final class RegexParser extends LineParser {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  /** What to do with a line the pattern does not match. */
  enum Multiline {
    /** indented lines continue the open event, others are quarantined */
    INDENTED,
    /** every unmatched line continues the open event */
    ALL,
    /** every unmatched line is quarantined */
    NONE
  }

  record Compiled(Pattern pattern, List<String> attributes, boolean hasLevel, boolean hasHost,
      TimestampFormat tsFormat, Multiline multiline) {}

  private final Compiled compiled;
  private final ZoneId zone;
  private final TimestampFormat.Year year;

  RegexParser(Compiled compiled, ZoneId zone, int defaultYear) {
    this.compiled = compiled;
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  static Compiled compile(String regex, String tsFormat, String multiline) {
    Pattern p;
    try {
      p = Pattern.compile(regex, Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("option pattern: not a valid regex: " + e.getDescription());
    }
    List<String> names = new ArrayList<>();
    Matcher g = GROUP_NAME.matcher(regex);
    while (g.find()) {
      names.add(g.group(1));
    }
    if (!names.contains("ts") || !names.contains("msg")) {
      throw new IllegalArgumentException("option pattern: needs named groups (?<ts>...) and (?<msg>...)");
    }
    Multiline ml;
    try {
      ml = Multiline.valueOf(multiline.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("option multiline: \"" + multiline + "\" is not one of indented, all, none");
    }
    List<String> attributes = names.stream().filter(n -> !List.of("ts", "msg", "level", "host").contains(n)).toList();
    return new Compiled(p, attributes, names.contains("level"), names.contains("host"), new TimestampFormat(tsFormat), ml);
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = compiled.pattern().matcher(line);
    if (!m.matches()) {
      if (isBlank(line)) {
        return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
      }
      boolean continues =
          compiled.multiline() == Multiline.ALL || compiled.multiline() == Multiline.INDENTED && startsIndented(line);
      return continues ? continueMessage(line) : reject("line does not match the source's pattern");
    }
    String tsText = m.group("ts");
    long ts = tsText == null ? Timestamps.INVALID : compiled.tsFormat().parse(tsText, zone, year);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in group ts: \"" + tsText + "\"");
    }
    String level = compiled.hasLevel() ? m.group("level") : null;
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(level), m.group("msg"));
    ev.put("raw_level", level == null ? null : level.trim());
    if (compiled.hasHost()) {
      ev.host(m.group("host"));
    }
    for (String a : compiled.attributes()) {
      String v = m.group(a);
      ev.put(a, v == null ? null : v.trim());
    }
    return start(ev);
  }
}
