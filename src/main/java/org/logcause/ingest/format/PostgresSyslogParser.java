package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL logging through syslog ({@code log_destination = syslog}), as the syslog daemon writes it to a file, RFC
 * 3164 or 5424: {@code Feb 11 13:15:40 host postgres[10819]: [7-1] db=app,user=web LOG:  duration: ...}. The server
 * numbers its records ({@code [7-1]}) and the lines of a record ({@code [7-2]}, ... : a multi-line statement, the
 * DETAIL and HINT of an error, a message split at {@code syslog_split_messages}' length); syslog escapes tabs as
 * {@code #011}. The text after the numbering is what the server's stderr line would hold, read with its
 * {@code log_line_prefix} as in {@code postgres}; the severity is the server's own, never the syslog priority. The
 * syslog header gives the time (when the prefix has none), the host and the pid.
 *
 * <p>Lines of other programs in the same file (systemd, the kernel) are events of their own, as {@code syslog} reads
 * them.
 */
final class PostgresSyslogParser extends LineParser {
  private static final Pattern NUMBERED = Pattern.compile("^\\[(\\d+)-(\\d+)\\] ?");

  private final PostgresStderrParser server;
  private final SyslogParser other;
  private final ZoneId zone;
  private final TimestampFormat.Year year;
  private boolean inRecord; // the last line was the server's: an indented syslog-less line continues its record

  PostgresSyslogParser(PostgresStderrParser.Prefix prefix, ZoneId zone, int defaultYear) {
    this.server = new PostgresStderrParser(prefix, zone);
    this.other = new SyslogParser(zone, defaultYear);
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  @Override
  public LineParser maxEventChars(int chars) {
    server.maxEventChars(chars);
    other.maxEventChars(chars);
    return super.maxEventChars(chars);
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = SyslogParser.RFC5424.matcher(line);
    boolean structured = m.matches();
    if (!structured) {
      m = SyslogParser.RFC3164.matcher(line);
    }
    if (!structured && !m.matches()) {
      return inRecord ? server.parse(line) : other.parse(line);
    }
    String msg = m.group("msg");
    Matcher n = NUMBERED.matcher(msg);
    if (!n.lookingAt()) {
      inRecord = false;
      return other.parse(line);
    }
    String tsText = m.group("ts");
    long ts = TimestampFormat.auto(tsText, zone, year);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp: \"" + tsText + "\"");
    }
    boolean recordStart = n.group(2).equals("1");
    String text = msg.substring(n.end()).replace("#011", "\t");
    inRecord = true;
    Parsed parsed = server.parseRecord(text, ts, recordStart);
    if (parsed instanceof Parsed.Start start) {
      String pid = structured ? m.group("procid") : m.group("pid");
      start.event().host(m.group("host")).put("app", structured ? m.group("app") : m.group("tag"))
          .put("syslog_sequence", n.group(1));
      if (pid != null && !pid.equals("-") && !start.event().attributes().containsKey("pid")) {
        start.event().put("pid", pid);
      }
    }
    return parsed;
  }
}
