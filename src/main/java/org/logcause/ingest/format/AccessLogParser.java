package org.logcause.ingest.format;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx / Apache access logs in the common and combined formats, optionally followed by the request time: a bare
 * number ({@code $request_time}, seconds, or Apache's {@code %D}, microseconds — see option
 * {@code latency_unit}) or {@code key=value} pairs such as {@code rt=0.123 uct="0.001"}. A line that opens a JSON
 * object is an access record written as JSON ({@link AccessJson}).
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
  private final AccessJson.Names jsonNames;
  private final java.time.ZoneId zone;

  AccessLogParser(double latencyToMillis) {
    this(latencyToMillis, AccessJson.Names.DEFAULT, java.time.ZoneOffset.UTC);
  }

  /** @param zone the zone of a JSON record's time that carries none */
  AccessLogParser(double latencyToMillis, AccessJson.Names jsonNames, java.time.ZoneId zone) {
    this.latencyToMillis = latencyToMillis;
    this.jsonNames = jsonNames;
    this.zone = zone;
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

  /** The fields of a line, as {@link #LINE} names them. */
  private record Fields(String vhost, String ip, String user, String ts, String req, String status, String bytes,
      String ref, String ua, String rest) {
    static Fields of(Matcher m) {
      return new Fields(m.group("vhost"), m.group("ip"), m.group("user"), m.group("ts"), m.group("req"),
          m.group("status"), m.group("bytes"), m.group("ref"), m.group("ua"), m.group("rest"));
    }
  }

  /**
   * The fields of a line (vhost, ip, user, time, request, status, bytes, referer, user agent, rest): read by
   * {@link #scan} first (one pass, no backtracking) when asked, else or when it does not take the line by
   * {@link #LINE}; null when the line is not an access-log line. For tests: both must read a line the same way.
   */
  static List<String> fields(String line, boolean scanFirst) {
    Fields f = scanFirst ? scan(line) : null;
    if (f == null) {
      Matcher m = LINE.matcher(line);
      f = m.matches() ? Fields.of(m) : null;
    }
    return f == null ? null
        : java.util.Arrays.asList(f.vhost(), f.ip(), f.user(), f.ts(), f.req(), f.status(), f.bytes(), f.ref(), f.ua(), f.rest());
  }

  @Override
  public Parsed parse(String line) {
    if (AccessJson.looksLikeJson(line)) {
      Object r = AccessJson.parse(line, jsonNames, latencyToMillis, zone);
      return r instanceof ParsedEvent ev ? start(ev) : reject((String) r);
    }
    Fields f = scan(line);
    if (f == null) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        if (isBlank(line)) {
          return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
        }
        return reject("not an access-log line (common/combined format expected)");
      }
      f = Fields.of(m);
    }
    long ts = Timestamps.parseClf(f.ts());
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field time_local: \"" + f.ts() + "\"");
    }
    int status = Integer.parseInt(f.status());
    String request = f.req();
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
    ev.put("client_ip", f.ip()).put("status", f.status()).put("method", method).put("path", path)
        .put("protocol", protocol).put("vhost", f.vhost());
    String user = f.user();
    if (!"-".equals(user)) ev.put("user", user);
    if (!"-".equals(f.bytes())) ev.put("bytes", f.bytes());
    String ref = f.ref();
    if (ref != null && !ref.equals("-")) ev.put("referer", ref);
    ev.put("user_agent", f.ua());
    rest(f.rest(), ev);
    return start(ev);
  }

  /**
   * The common case of {@link #LINE} in one pass: three or four space-separated fields, {@code [time]}, the quoted
   * request, status, bytes, optionally quoted referer and user agent, the rest. Null for anything else (the regex
   * then decides): an empty field, a tab or line terminator, a missing piece.
   */
  static Fields scan(String line) {
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return null;
      }
    }
    String[] lead = new String[4];
    int count = 0;
    int at = 0;
    while (true) {
      if (at >= n) return null;
      if (line.charAt(at) == '[') break;
      int sp = line.indexOf(' ', at);
      if (sp <= at || count == 4) return null; // an empty field, no space, or too many fields
      lead[count++] = line.substring(at, sp);
      at = sp + 1;
    }
    if (count < 3) return null;
    int v = count - 3; // a fourth leading field is the virtual host
    int close = line.indexOf(']', at + 1);
    if (close <= at + 1 || !line.startsWith(" \"", close + 1)) return null;
    String ts = line.substring(at + 1, close);
    if (ts.indexOf('[') >= 0) return null; // the regex could read the leading fields another way
    int reqStart = close + 3;
    int reqEnd = quoteEnd(line, reqStart);
    if (reqEnd < 0 || reqEnd + 5 > n || line.charAt(reqEnd + 1) != ' ') return null;
    int st = reqEnd + 2;
    if (!isDigit(line.charAt(st)) || !isDigit(line.charAt(st + 1)) || !isDigit(line.charAt(st + 2))
        || st + 3 >= n || line.charAt(st + 3) != ' ') {
      return null;
    }
    int b = st + 4;
    int bEnd = b;
    if (b < n && line.charAt(b) == '-') {
      bEnd = b + 1;
    } else {
      while (bEnd < n && isDigit(line.charAt(bEnd))) bEnd++;
      if (bEnd == b) return null;
    }
    String ref = null;
    String ua = null;
    int restStart = bEnd;
    if (line.startsWith(" \"", bEnd)) {
      int refEnd = quoteEnd(line, bEnd + 2);
      if (refEnd >= 0 && line.startsWith("\" \"", refEnd)) {
        int uaEnd = quoteEnd(line, refEnd + 3);
        if (uaEnd >= 0) {
          ref = line.substring(bEnd + 2, refEnd);
          ua = line.substring(refEnd + 3, uaEnd);
          restStart = uaEnd + 1;
        }
      }
    }
    return new Fields(v == 1 ? lead[0] : null, lead[v], lead[v + 2], ts, line.substring(reqStart, reqEnd),
        line.substring(st, st + 3), line.substring(b, bEnd), ref, ua, line.substring(restStart));
  }

  /** The index of the quote closing a field that starts at {@code from} ({@code \\} escapes a character), or -1. */
  private static int quoteEnd(String line, int from) {
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') return i;
      if (c == '\\') i++;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void rest(String rest, ParsedEvent ev) {
    if (rest == null || rest.isBlank()) {
      return;
    }
    // quoted fields before the numbers: nginx's default "main" format ends with "$http_x_forwarded_for", and sites
    // add $request_time after it
    int at = 0;
    while (true) {
      int i = at;
      while (i < rest.length() && rest.charAt(i) == ' ') i++;
      if (i >= rest.length() || rest.charAt(i) != '"') break;
      int end = quoteEnd(rest, i + 1);
      if (end < 0) break;
      forwardedFor(rest.substring(i + 1, end), ev);
      at = end + 1;
    }
    Matcher n = NUMBER.matcher(rest.substring(at));
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

  private static final Pattern ADDRESS =
      Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\\d{1,3}(?:\\.\\d{1,3}){3})?");

  /**
   * An X-Forwarded-For value (a list of addresses, the client's first) behind a load balancer or proxy: the client is
   * its first address, and the address that reached the server stays as {@code remote_addr}. Without it every request
   * would come from the balancer's few addresses, and the surge test could not tell new clients from old ones.
   * Anything else ({@code -}, empty, a text) is left alone. Only the first list found counts.
   */
  static void forwardedFor(String value, ParsedEvent ev) {
    if (value == null || value.isBlank() || value.equals("-") || ev.attributes().containsKey("forwarded_for")) return;
    String[] parts = value.split(",");
    for (String p : parts) {
      String a = p.trim();
      // an IPv6 address is compressed (::) or has all eight groups: a time such as 12:30:45 is not one
      boolean v6 = a.indexOf(':') >= 0 && (a.contains("::") || a.chars().filter(c -> c == ':').count() >= 6);
      if (!ADDRESS.matcher(a).matches() || (a.indexOf(':') >= 0 && !v6)) return;
    }
    String first = parts[0].trim();
    String peer = ev.attributes().get("client_ip");
    ev.put("forwarded_for", value.trim());
    if (peer != null && !peer.equals(first)) ev.put("remote_addr", peer);
    ev.put("client_ip", first);
  }

  private static String millis(double ms) {
    return String.valueOf(Math.round(ms * 1000d) / 1000d);
  }
}
