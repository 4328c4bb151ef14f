package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx's error log: {@code 2024/12/05 08:10:01 [error] 1234#1234: *5 connect() failed (111: Connection refused)
 * while connecting to upstream, client: 10.0.0.7, server: shop, request: "GET /cart HTTP/1.1", upstream:
 * "http://10.0.0.9:8080/cart", host: "shop.example"}. The time is the server's local time (the source's
 * {@code timezone}); the level is nginx's ({@code debug} to {@code emerg}). The trailing {@code key: value} context
 * becomes attributes: {@code client_ip}, {@code server}, {@code method}, {@code path}, {@code upstream},
 * {@code http_host}, {@code referrer}, beside {@code pid}, {@code thread} and {@code connection_id}; the message
 * keeps the text before it. Lines without the time (a Lua stack trace, a module's multi-line report) continue the
 * entry before them.
 */
final class NginxErrorParser extends LineParser {
  private static final Pattern LINE =
      Pattern.compile(
          "^(?<ts>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) \\[(?<level>[a-z]+)\\] (?<pid>\\d+)#(?<tid>\\d+): "
              + "(?:\\*(?<conn>\\d+) )?(?<msg>.*)$",
          Pattern.DOTALL);
  /** The context nginx appends: {@code , client: ..., server: ..., request: "...", upstream: "...", host: "..."}. */
  private static final Pattern CONTEXT =
      Pattern.compile(", (client|server|request|subrequest|upstream|host|referrer): (\"(?:[^\"\\\\]|\\\\.)*\"|[^,]*)");
  private static final Pattern REQUEST = Pattern.compile("^(\\S+) (\\S+)(?: \\S+)?$");

  private final ZoneId zone;

  NginxErrorParser(ZoneId zone) {
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
      return continuesEntry(line, "not an nginx error log line (yyyy/MM/dd HH:mm:ss [level] pid#tid: ...)");
    }
    long ts = Timestamps.parseIsoLike(m.group("ts").replace('/', '-'), zone);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp: \"" + m.group("ts") + "\"");
    }
    String msg = m.group("msg");
    Matcher c = CONTEXT.matcher(msg);
    int cut = -1;
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(m.group("level")), "");
    while (c.find()) {
      if (cut < 0) {
        cut = c.start();
      }
      String value = unquote(c.group(2));
      switch (c.group(1)) {
        case "client" -> ev.put("client_ip", value);
        case "host" -> ev.put("http_host", value);
        case "request" -> {
          Matcher r = REQUEST.matcher(value);
          if (r.matches()) {
            ev.put("method", r.group(1)).put("path", r.group(2));
          }
          ev.put("request", value);
        }
        default -> ev.put(c.group(1), value);
      }
    }
    ev.replaceMessage(cut < 0 ? msg : msg.substring(0, cut));
    ev.put("raw_level", m.group("level")).put("pid", m.group("pid")).put("thread", m.group("tid"))
        .put("connection_id", m.group("conn"));
    return start(ev);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }
}
