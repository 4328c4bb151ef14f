package org.logcause.ingest.format;

import static org.logcause.ingest.format.JsonLinesParser.at;
import static org.logcause.ingest.format.JsonLinesParser.firstPresent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An access log written as JSON lines, one request per line: nginx's {@code log_format ... escape=json} with its
 * variables' names ({@code time_iso8601} or {@code time_local}, {@code remote_addr}, {@code request}, {@code status},
 * {@code request_time}, ...), Caddy's access log (the request nested under {@code request}), Traefik's and Envoy's. A record becomes the
 * same event its common-log line would: the message {@code METHOD path status}, the attributes {@code client_ip},
 * {@code status}, {@code method}, {@code path}, {@code protocol}, {@code latency_ms}, {@code bytes}, {@code referer},
 * {@code user_agent}, {@code vhost}; any other scalar field keeps its own name. Which field holds each part is
 * configurable (the options {@code time_field}, {@code client_field}, {@code status_field}, {@code latency_field}),
 * since every site names them its own way; the names given are tried before the built-in ones.
 */
public final class AccessJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ATTRIBUTES = 64;

  /** Times: nginx's variables, common names, Traefik's start of the request (its {@code time} is when it logged). */
  static final List<String> TIME = List.of("time_iso8601", "time_local", "@timestamp", "timestamp", "StartUTC", "date",
      "time", "ts", "start_time", "msec");
  /** Clients: nginx's, Caddy's resolved client before the peer, Envoy's, Traefik's. */
  static final List<String> CLIENT = List.of("remote_addr", "client_ip", "client", "ip", "request.client_ip",
      "request.remote_ip", "downstream_remote_address", "remote_ip", "ClientHost");
  static final List<String> STATUS = List.of("status", "status_code", "response_code", "response_status",
      "DownstreamStatus");
  /** Latency fields in seconds (nginx's {@code $request_time}, Caddy's {@code duration}) unless the unit says otherwise. */
  static final List<String> LATENCY = List.of("request_time", "duration", "response_time", "latency");
  /** Latency fields whose names give their unit. */
  static final List<Map.Entry<String, Double>> LATENCY_MS = List.of(Map.entry("request_time_ms", 1d),
      Map.entry("duration_ms", 1d), Map.entry("latency_ms", 1d), Map.entry("response_time_ms", 1d),
      Map.entry("request_time_us", 0.001d), Map.entry("duration_us", 0.001d),
      Map.entry("Duration", 0.000_001d)); // Traefik's, in nanoseconds
  static final List<String> REQUEST = List.of("request", "request_line");
  static final List<String> METHOD = List.of("request_method", "method", "request.method", "RequestMethod");
  static final List<String> PATH = List.of("request_uri", "uri", "path", "request.uri", "url", "RequestPath");
  static final List<String> PROTOCOL = List.of("server_protocol", "protocol", "request.proto", "RequestProtocol");
  static final List<String> BYTES = List.of("body_bytes_sent", "bytes_sent", "bytes", "size", "response_size",
      "length", "DownstreamContentSize");
  static final List<String> REFERER = List.of("http_referer", "http_referrer", "referer", "referrer",
      "request.headers.Referer", "request_Referer");
  static final List<String> AGENT = List.of("http_user_agent", "user_agent", "request.headers.User-Agent",
      "request_User-Agent");
  static final List<String> VHOST = List.of("server_name", "host", "http_host", "request.host", "RequestHost");
  static final List<String> USER = List.of("remote_user", "user");
  static final List<String> FORWARDED = List.of("http_x_forwarded_for", "x_forwarded_for", "forwarded_for",
      "request.headers.X-Forwarded-For");

  /** Fields given by name in the options, tried before the built-in ones. */
  record Names(List<String> time, List<String> client, List<String> status, List<String> latency) {
    static final Names DEFAULT = new Names(TIME, CLIENT, STATUS, LATENCY);

    static Names of(String time, String client, String status, String latency) {
      return new Names(first(time, TIME), first(client, CLIENT), first(status, STATUS), first(latency, LATENCY));
    }

    private static List<String> first(String given, List<String> builtIn) {
      if (given == null || given.isBlank()) return builtIn;
      List<String> out = new ArrayList<>();
      for (String s : given.split(",")) {
        if (!s.isBlank()) out.add(s.trim());
      }
      out.addAll(builtIn);
      return List.copyOf(out);
    }
  }

  private AccessJson() {}

  /**
   * Whether a parsed JSON record reads as an access record by its fields' built-in names: an HTTP status, the request
   * (a request line, or a path) and the client's address, and no message of its own unless the logger that wrote it
   * is an access logger (Caddy's {@code http.log.access}). An application's JSON log has a message on every line.
   */
  public static boolean looksLikeAccessRecord(JsonNode o) {
    if (o == null || !o.isObject()) return false;
    String status = text(o, STATUS);
    if (status == null || status.length() != 3 || !status.chars().allMatch(Character::isDigit)) return false;
    JsonNode request = at(o, firstPresentOr(o, REQUEST));
    boolean hasRequest = (request != null && request.isValueNode()) || firstPresent(o, PATH) != null;
    if (!hasRequest || firstPresent(o, CLIENT) == null || firstPresent(o, TIME) == null) return false;
    boolean message = !o.path("message").asText().isEmpty() || !o.path("msg").asText().isEmpty();
    return !message || o.path("logger").asText().contains("access");
  }

  private static String firstPresentOr(JsonNode o, List<String> keys) {
    String k = firstPresent(o, keys);
    return k == null ? keys.get(0) : k;
  }

  private static String text(JsonNode o, List<String> keys) {
    String k = firstPresent(o, keys);
    return k == null ? null : at(o, k).asText().trim();
  }

  /** Whether a line is meant as a JSON record (its first non-blank character opens an object). */
  static boolean looksLikeJson(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!Character.isWhitespace(c)) return c == '{';
    }
    return false;
  }

  /** The event of one record, or the reason it is not an access record (a {@link String}). */
  static Object parse(String line, Names names, double latencyToMillis, ZoneId zone) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return "not valid JSON: " + e.getOriginalMessage().split("\n")[0];
    }
    if (root == null || !root.isObject()) {
      return "not a JSON object";
    }
    String timeKey = firstPresent(root, names.time());
    if (timeKey == null) {
      return "no time field (looked for " + String.join(", ", names.time()) + ")";
    }
    JsonNode timeNode = at(root, timeKey);
    String timeText = timeNode.asText().trim();
    long ts = timeNode.isNumber() ? epoch(timeText) : time(timeText, zone);
    if (ts == Timestamps.INVALID) {
      return "unparseable timestamp in field " + timeKey + ": \"" + timeText + "\"";
    }
    String statusKey = firstPresent(root, names.status());
    String status = statusKey == null ? null : at(root, statusKey).asText().trim();
    if (status == null || status.length() != 3 || !status.chars().allMatch(Character::isDigit)) {
      return statusKey == null ? "no status field (looked for " + String.join(", ", names.status()) + ")"
          : "not an HTTP status in field " + statusKey + ": \"" + status + "\"";
    }
    String requestKey = firstPresent(root, REQUEST);
    JsonNode requestNode = requestKey == null ? null : at(root, requestKey);
    String request = requestNode != null && requestNode.isValueNode() ? requestNode.asText() : null;
    String methodKey = firstPresent(root, METHOD);
    String pathKey = firstPresent(root, PATH);
    String protocolKey = firstPresent(root, PROTOCOL);
    String method = methodKey == null ? null : at(root, methodKey).asText();
    String path = pathKey == null ? null : at(root, pathKey).asText();
    String protocol = protocolKey == null ? null : at(root, protocolKey).asText();
    if (request != null) {
      String[] parts = request.split(" ");
      if ((parts.length == 3 || parts.length == 2) && parts[0].chars().allMatch(Character::isUpperCase)) {
        method = method == null ? parts[0] : method;
        path = path == null ? parts[1] : path;
        protocol = protocol == null && parts.length == 3 ? parts[2] : protocol;
      } else if (path == null) {
        path = request;
      }
    }
    if (path == null) {
      return "no request field (looked for " + String.join(", ", REQUEST) + ", " + String.join(", ", PATH) + ")";
    }
    int code = Integer.parseInt(status);
    String level = code >= 500 ? "ERROR" : code >= 400 ? "WARN" : "INFO";
    ParsedEvent ev = new ParsedEvent(ts, level, (method == null ? path : method + " " + path) + " " + status);
    Set<String> used = new HashSet<>(List.of(timeKey, statusKey));
    for (String k : new String[] {request == null ? null : requestKey, methodKey, pathKey, protocolKey}) {
      if (k != null) used.add(k);
    }
    ev.put("client_ip", client(root, names.client(), used)).put("status", status).put("method", method)
        .put("path", path).put("protocol", protocol).put("vhost", take(root, VHOST, used));
    AccessLogParser.forwardedFor(take(root, FORWARDED, used), ev);
    ev.put("user", take(root, USER, used));
    String bytes = take(root, BYTES, used);
    if (bytes != null && !bytes.equals("-")) ev.put("bytes", bytes);
    String referer = take(root, REFERER, used);
    if (referer != null && !referer.equals("-")) ev.put("referer", referer);
    ev.put("user_agent", take(root, AGENT, used));
    String latency = latency(root, names.latency(), latencyToMillis, used);
    if (latency != null) ev.put("latency_ms", latency);
    rest(root, "", ev, used);
    return ev;
  }

  private static long time(String t, ZoneId zone) {
    if (!t.isEmpty() && t.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return epoch(t); // nginx's $msec: seconds, with milliseconds
    }
    long v = Timestamps.parseIsoLike(t, zone);
    return v != Timestamps.INVALID ? v : Timestamps.parseClf(t);
  }

  /** Epoch seconds, milliseconds or microseconds, told apart by magnitude, read exactly as written. */
  private static long epoch(String t) {
    try {
      BigDecimal v = new BigDecimal(t);
      double abs = Math.abs(v.doubleValue());
      BigDecimal micros = abs > 1e14 ? v : v.movePointRight(abs > 1e11 ? 3 : 6);
      return micros.setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return Timestamps.INVALID;
    }
  }

  /** The client's address; Envoy's {@code downstream_remote_address} carries the port too. */
  private static String client(JsonNode root, List<String> keys, Set<String> used) {
    String c = take(root, keys, used);
    if (c != null && c.indexOf(':') > 0 && c.indexOf(':') == c.lastIndexOf(':') && c.indexOf('.') > 0) {
      return c.substring(0, c.indexOf(':'));
    }
    return c;
  }

  private static String latency(JsonNode root, List<String> keys, double toMillis, Set<String> used) {
    for (Map.Entry<String, Double> e : LATENCY_MS) {
      Double v = number(root, e.getKey());
      if (v != null) {
        used.add(e.getKey());
        return millis(v * e.getValue());
      }
    }
    for (String k : keys) {
      Double v = number(root, k);
      if (v != null) {
        used.add(k);
        return millis(v * toMillis);
      }
    }
    return null;
  }

  private static Double number(JsonNode root, String key) {
    JsonNode n = at(root, key);
    if (n == null || n.isNull() || n.isMissingNode() || !n.isValueNode()) return null;
    if (n.isNumber()) return n.asDouble();
    String t = n.asText().trim();
    if (t.isEmpty() || t.equals("-")) return null;
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null; // "0.010, 0.002": two upstreams; the field stays an attribute
    }
  }

  private static String take(JsonNode root, List<String> keys, Set<String> used) {
    String k = firstPresent(root, keys);
    if (k == null) return null;
    used.add(k);
    JsonNode n = at(root, k);
    return n.isArray() ? (n.size() == 0 ? null : n.get(0).asText()) : n.asText(); // Caddy's headers are lists
  }

  private static void rest(JsonNode node, String prefix, ParsedEvent ev, Set<String> used) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext() && ev.attributes().size() < MAX_ATTRIBUTES) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      JsonNode v = e.getValue();
      if (used.contains(key) || v.isNull()) continue;
      if (v.isObject()) {
        rest(v, key + ".", ev, used);
      } else if (!(v.isTextual() && (v.asText().isEmpty() || v.asText().equals("-")))) {
        ev.put(key, v.isValueNode() ? v.asText() : v.toString());
      }
    }
  }

  private static String millis(double ms) {
    return String.valueOf(Math.round(ms * 1000d) / 1000d);
  }
}
