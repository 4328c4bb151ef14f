package org.logcause.ingest.format;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache httpd's error log, 2.4's default layout ({@code [Mon Dec 07 22:40:01.123456 2026] [proxy:error] [pid
 * 1234:tid 5678] (111)Connection refused: [client 10.0.0.7:53422] AH00957: http: attempt to connect to
 * 127.0.0.1:8080 (127.0.0.1:8080) failed}) and 2.2's ({@code [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4]
 * File does not exist: ...}). The time is the server's local time (the source's {@code timezone}); the level is
 * httpd's ({@code trace1}..{@code trace8} and {@code debug} to {@code emerg}). Attributes: {@code module},
 * {@code pid}, {@code thread}, {@code client_ip} and {@code client_port}, {@code error_code} (httpd's
 * {@code AHnnnnn}), {@code referer}; the message keeps the rest, the operating system's error ({@code
 * (111)Connection refused}) included. Lines without the time continue the entry before them.
 */
final class ApacheErrorParser extends LineParser {
  private static final Pattern LINE = Pattern.compile(
      "^\\[(?<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\d{4})\\] "
          + "\\[(?:(?<module>[^:\\]\\s]+):)?(?<level>[a-z]+\\d?)\\] (?:\\[pid (?<pid>\\d+)(?::tid (?<tid>\\d+))?\\] )?"
          + "(?<msg>.*)$", Pattern.DOTALL);
  private static final Pattern CLIENT = Pattern.compile("\\[client (?<addr>[^\\]]+)\\] ");
  private static final Pattern CODE = Pattern.compile("\\b(AH\\d{5})\\b");
  private static final Pattern REFERER = Pattern.compile(", referer: (\\S*)$");
  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendPattern("EEE MMM ppd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd().appendPattern(" yyyy")
      .toFormatter(Locale.ROOT);

  private final ZoneId zone;

  ApacheErrorParser(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public boolean splittable() {
    return true;
  }

  @Override
  public boolean startsEvent(String line) {
    return parsesToEvent(line);
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return continuesEntry(line, "not an Apache error log line ([time] [module:level] [pid ...] ...)");
    }
    long ts;
    try {
      LocalDateTime t = LocalDateTime.parse(m.group("ts"), TIME);
      ts = Timestamps.toMicros(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
          t.getSecond(), t.getNano(), zone);
    } catch (DateTimeException e) {
      return reject("unparseable timestamp: \"" + m.group("ts") + "\"");
    }
    String rawLevel = m.group("level");
    String level = rawLevel.startsWith("trace") ? "DEBUG" : Levels.normalize(rawLevel);
    String msg = m.group("msg");
    String client = null;
    Matcher c = CLIENT.matcher(msg);
    if (c.find()) {
      client = c.group("addr");
      msg = msg.substring(0, c.start()) + msg.substring(c.end());
    }
    String referer = null;
    Matcher r = REFERER.matcher(msg);
    if (r.find()) {
      referer = r.group(1);
      msg = msg.substring(0, r.start());
    }
    ParsedEvent ev = new ParsedEvent(ts, level, msg);
    ev.put("raw_level", rawLevel).put("module", m.group("module")).put("pid", m.group("pid"))
        .put("thread", m.group("tid")).put("referer", referer);
    if (client != null) {
      int colon = client.lastIndexOf(':');
      boolean port = colon > 0 && client.indexOf('.') > 0 && client.indexOf(':') == colon
          || client.startsWith("[") && client.contains("]:");
      ev.put("client_ip", port ? client.substring(0, colon).replace("[", "").replace("]", "") : client)
          .put("client_port", port ? client.substring(colon + 1) : null);
    }
    Matcher code = CODE.matcher(msg);
    if (code.find()) {
      ev.put("error_code", code.group(1));
    }
    return start(ev);
  }
}
