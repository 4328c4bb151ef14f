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
 * HAProxy's log as syslog writes it to a file ({@code Feb 25 16:19:49 lb-1 haproxy[7]: ...}). A request logged in
 * HAProxy's HTTP format ({@code option httplog}: client, accept date, frontend, backend/server, timers, status, bytes,
 * cookies, termination state, connection counts, queues, captured headers, request line) becomes a request like an
 * access-log line: the message {@code METHOD path status}, the attributes {@code client_ip}, {@code status},
 * {@code method}, {@code path}, {@code protocol}, {@code bytes}, {@code latency_ms} (the last timer: the request's
 * total active time, {@code Ta}, or {@code Tt} before HAProxy 2), and {@code frontend}, {@code backend},
 * {@code server}, {@code termination_state}, {@code timers}. Its time is when the answer ended (the accept date, in
 * the source's zone, plus that timer), as an access log's. HAProxy's other lines (a server going down, a proxy
 * starting) are syslog events.
 */
final class HaproxyParser extends LineParser {
  static final Pattern HTTP_LOG = Pattern.compile(
      "^(?<ip>\\S+):(?<port>\\d+) \\[(?<accept>\\d\\d/[A-Za-z]{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\] "
          + "(?<fe>\\S+) (?<be>[^/\\s]+)/(?<srv>\\S+) (?<timers>-?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?(?<total>-?\\d+)) "
          + "(?<status>-?\\d+) \\+?(?<bytes>\\d+) \\S+ \\S+ (?<term>\\S+) \\S+ \\S+((?: \\{[^}]*\\})*) "
          + "\"(?<req>(?:[^\"\\\\]|\\\\.)*)\"?.*$", Pattern.DOTALL);
  private static final DateTimeFormatter ACCEPT = new DateTimeFormatterBuilder().appendPattern("dd/MMM/yyyy:HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd().toFormatter(Locale.ROOT);

  private final SyslogParser syslog;
  private final ZoneId zone;

  HaproxyParser(ZoneId zone, int defaultYear) {
    this.syslog = new SyslogParser(zone, defaultYear);
    this.zone = zone;
  }

  @Override
  public Parsed parse(String line) {
    if (isBlank(line)) {
      return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
    }
    if (startsIndented(line)) {
      return continueMessage(line.strip());
    }
    Parsed p = syslog.parse(line);
    if (!(p instanceof Parsed.Start s)) {
      return p;
    }
    ParsedEvent header = s.event();
    Matcher m = HTTP_LOG.matcher(header.message());
    if (!m.matches()) {
      return start(header);
    }
    long total = Long.parseLong(m.group("total"));
    long ts = acceptMicros(m.group("accept"));
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field accept_date: \"" + m.group("accept") + "\"");
    }
    ts += Math.max(0, total) * 1000L;
    String status = m.group("status");
    int code = Integer.parseInt(status);
    String request = m.group("req");
    String method = null;
    String path = request;
    String protocol = null;
    String[] parts = request.split(" ");
    if ((parts.length == 3 || parts.length == 2) && parts[0].chars().allMatch(Character::isUpperCase)) {
      method = parts[0];
      path = parts[1];
      protocol = parts.length == 3 ? parts[2] : null;
    }
    String level = code >= 500 ? "ERROR" : code >= 400 || code < 0 ? "WARN" : "INFO";
    ParsedEvent ev = new ParsedEvent(ts, level, (method == null ? request : method + " " + path) + " " + status);
    ev.host(header.host());
    ev.put("client_ip", m.group("ip")).put("client_port", m.group("port")).put("status", status)
        .put("method", method).put("path", path).put("protocol", protocol).put("bytes", m.group("bytes"))
        .put("frontend", m.group("fe")).put("backend", m.group("be")).put("server", m.group("srv"))
        .put("termination_state", m.group("term")).put("timers", m.group("timers"))
        .put("app", header.attributes().get("app")).put("pid", header.attributes().get("pid"));
    if (total >= 0) {
      ev.put("latency_ms", total + ".0");
    }
    return start(ev);
  }

  private long acceptMicros(String text) {
    try {
      LocalDateTime t = LocalDateTime.parse(text, ACCEPT);
      return Timestamps.toMicros(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
          t.getSecond(), t.getNano(), zone);
    } catch (DateTimeException e) {
      return Timestamps.INVALID;
    }
  }
}
