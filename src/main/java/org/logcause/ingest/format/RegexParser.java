package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.List;
import org.logcause.text.BoundedRegex;

/**
 * Any line-oriented log, described by a regex with named groups: {@code ts} and {@code msg} are required,
 * {@code level} and {@code host} are used when present, every other named group becomes an attribute. This is
 * how logcause reads a stack it has no dedicated parser for. The pattern runs in linear time (RE2/J); one that needs
 * lookaround or backreferences runs on java.util.regex within a step budget, and a line on which it exceeds the
 * budget is quarantined with the reason, so that no line can stall the run.
 */
final class RegexParser extends LineParser {
  /** What to do with a line the pattern does not match. */
  enum Multiline {
    /** indented lines continue the open event, others are quarantined */
    INDENTED,
    /** every unmatched line continues the open event */
    ALL,
    /** every unmatched line is quarantined */
    NONE
  }

  record Compiled(BoundedRegex pattern, List<String> attributes, boolean hasLevel, boolean hasHost,
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
    BoundedRegex p;
    try {
      p = BoundedRegex.compile(regex, true, true);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("option pattern: " + e.getMessage());
    }
    List<String> names = p.groupNames();
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
    BoundedRegex.Groups m;
    try {
      m = compiled.pattern().matchWhole(line);
    } catch (BoundedRegex.BudgetExceeded e) {
      return reject("the source's pattern exceeded its matching budget on this line of " + line.length()
          + " characters (it backtracks catastrophically; write it without nested repetition)");
    }
    if (m == null) {
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
