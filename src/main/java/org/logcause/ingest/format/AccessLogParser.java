package org.logcause.ingest.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx / Apache access logs in the common and combined formats, optionally followed by the request time: a bare
 * number ({@code $request_time}, seconds, or Apache's {@code %D}, microseconds — see option
 * {@code latency_unit}) or {@code key=value} pairs such as {@code rt=0.123 uct="0.001"}.
 */
final class AccessLogParser extends LineParser {
  private static final Pattern LINE =
      Pattern.compile(
          "^(?:(?<vhost>\\S+) (?=\\S+ \\S+ \\S+ \\[))?(?<ip>\\S+) (?<ident>\\S+) (?<user>\\S+) \\[(?<ts>[^\\]]+)\\] "
              + "\"(?<req>(?:[^\"\\\\]|\\\\.)*)\" (?<status>\\d{3}) (?<bytes>\\d+|-)"
              + "(?: \"(?<ref>(?:[^\"\\\\]|\\\\.)*)\" \"(?<ua>(?:[^\"\\\\]|\\\\.)*)\")?(?<rest>.*)$");
  private static final Pattern KV = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"?([^\"\\s]*)\"?");
  private static final Pattern NUMBER = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)(?:\\s|$).*");

  private final double latencyToMillis;

  AccessLogParser(double latencyToMillis) {
    this.latencyToMillis = latencyToMillis;
  }

  /**
   * One line, one event; the only state between lines is the open event, into which blank lines fold (also after a
   * rejected line). A line that parses to an event closes it, whatever came before.
   */
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
      if (isBlank(line)) {
        return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
      }
      return reject("not an access-log line (common/combined format expected)");
    }
    long ts = Timestamps.parseClf(m.group("ts"));
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field time_local: \"" + m.group("ts") + "\"");
    }
    int status = Integer.parseInt(m.group("status"));
    String request = m.group("req");
    String method = null;
    String path = request;
    String protocol = null;
    String[] parts = request.split(" ");
    if (parts.length == 3 && parts[0].chars().allMatch(Character::isUpperCase)) {
      method = parts[0];
      path = parts[1];
      protocol = parts[2];
    } else if (parts.length == 2 && parts[0].chars().allMatch(Character::isUpperCase)) {
      method = parts[0];
      path = parts[1];
    }
    String level = status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO";
    String message = (method == null ? request : method + " " + path) + " " + status;
    ParsedEvent ev = new ParsedEvent(ts, level, message);
    ev.put("client_ip", m.group("ip")).put("status", m.group("status")).put("method", method).put("path", path)
        .put("protocol", protocol).put("vhost", m.group("vhost"));
    String user = m.group("user");
    if (!"-".equals(user)) ev.put("user", user);
    if (!"-".equals(m.group("bytes"))) ev.put("bytes", m.group("bytes"));
    String ref = m.group("ref");
    if (ref != null && !ref.equals("-")) ev.put("referer", ref);
    ev.put("user_agent", m.group("ua"));
    rest(m.group("rest"), ev);
    return start(ev);
  }

  private void rest(String rest, ParsedEvent ev) {
    if (rest == null || rest.isBlank()) {
      return;
    }
    Matcher n = NUMBER.matcher(rest);
    if (n.matches()) {
      ev.put("latency_ms", millis(Double.parseDouble(n.group(1)) * latencyToMillis));
    }
    Matcher kv = KV.matcher(rest);
    while (kv.find()) {
      String key = kv.group(1);
      String value = kv.group(2);
      if ((key.equals("rt") || key.equals("request_time")) && !value.isEmpty() && !value.equals("-")) {
        try {
          ev.put("latency_ms", millis(Double.parseDouble(value) * latencyToMillis));
        } catch (NumberFormatException e) {
          ev.put(key, value);
        }
      } else {
        ev.put(key, value);
      }
    }
  }

  private static String millis(double ms) {
    return String.valueOf(Math.round(ms * 1000d) / 1000d);
  }
}
