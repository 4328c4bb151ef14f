package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Syslog as files hold it: RFC 5424 ({@code <165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg}) and
 * RFC 3164 / BSD ({@code [<pri>]Jun 14 15:16:01 host tag[pid]: msg}, also with rsyslog's ISO timestamps).
 * Year-less timestamps take the file's year and roll over at New Year. The line's host wins over the source's;
 * the level comes from the priority when the line has one. Indented lines continue the open event.
 */
final class SyslogParser extends LineParser {
  static final Pattern RFC5424 =
      Pattern.compile(
          "^<(?<pri>\\d{1,3})>1 (?<ts>\\S+) (?<host>\\S+) (?<app>\\S+) (?<procid>\\S+) (?<msgid>\\S+) "
              + "(?<sd>-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+) ?(?<msg>.*)$",
          Pattern.DOTALL);
  static final Pattern RFC3164 =
      Pattern.compile(
          "^(?:<(?<pri>\\d{1,3})>)?(?<ts>[A-Za-z]{3} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d"
              + "|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?) +(?<host>\\S+) +"
              + "(?:(?<tag>[^:\\[\\s]+)(?:\\[(?<pid>[^\\]]*)\\])?: ?)?(?<msg>.*)$",
          Pattern.DOTALL);
  static final String[] SEVERITY = {"EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"};

  private final ZoneId zone;
  private final TimestampFormat.Year year;

  SyslogParser(ZoneId zone, int defaultYear) {
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = RFC5424.matcher(line);
    boolean structured = m.matches();
    if (!structured) {
      m = RFC3164.matcher(line);
      if (!m.matches()) {
        if (isBlank(line)) {
          return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
        }
        if (startsIndented(line)) {
          return continueMessage(line.strip());
        }
        return reject("not a syslog line (RFC 3164 or 5424)");
      }
    }
    String tsText = m.group("ts");
    long ts = TimestampFormat.auto(tsText, zone, year);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp: \"" + tsText + "\"");
    }
    String pri = m.group("pri");
    String rawLevel = pri == null ? null : SEVERITY[Integer.parseInt(pri) % 8];
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(rawLevel), m.group("msg"));
    ev.host(m.group("host")).put("raw_level", rawLevel);
    if (pri != null) {
      ev.put("facility", String.valueOf(Integer.parseInt(pri) / 8));
    }
    if (structured) {
      ev.put("app", dash(m.group("app"))).put("pid", dash(m.group("procid"))).put("msgid", dash(m.group("msgid")))
          .put("structured_data", dash(m.group("sd")));
    } else {
      ev.put("app", m.group("tag")).put("pid", m.group("pid"));
    }
    return start(ev);
  }

  private static String dash(String v) {
    return "-".equals(v) ? null : v;
  }
}
