package org.logcause.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lines of one simulated log file, in the file's real format. Lines are collected with their true time and
 * rendered at the end with the host's clock skew, sorted by the time the host wrote them.
 */
final class LogSink {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter PG = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MYSQL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Renders a line given the time as the writing host saw it. */
  interface Renderer {
    String render(Instant hostTime);
  }

  /** A line: its true time, its order among lines of the same time, its truth category, and how to print it. */
  record Line(long trueMicros, long seq, String category, Renderer renderer) {}

  final String file;
  final double skewSeconds;
  private final List<Line> lines = new ArrayList<>();
  private long seq;

  LogSink(String file, double skewSeconds) {
    this.file = file;
    this.skewSeconds = skewSeconds;
  }

  void add(long trueMicros, String category, Renderer r) {
    lines.add(new Line(trueMicros, seq++, category, r));
  }

  List<Line> sorted() {
    List<Line> copy = new ArrayList<>(lines);
    copy.sort(Comparator.comparingLong(Line::trueMicros).thenComparingLong(Line::seq));
    return copy;
  }

  Instant hostTime(long trueMicros) {
    long skewed = trueMicros + Math.round(skewSeconds * 1_000_000d);
    return Instant.ofEpochSecond(Math.floorDiv(skewed, 1_000_000L), Math.floorMod(skewed, 1_000_000L) * 1000L);
  }

  // ---- PostgreSQL stderr, log_line_prefix = '%m [%p] %q%u@%d '
  static final String PG_PREFIX = "%m [%p] %q%u@%d ";

  void postgres(long t, int pid, String user, String db, Wordings.Message m, Map<String, ?> v) {
    String session = user == null ? "" : user + "@" + db + " ";
    String text = Wordings.fill(m.text(), v);
    add(t, m.category(), h -> PG.format(h) + " [" + pid + "] " + session + m.level() + ":  " + text);
    if (m.detail() != null) {
      String detail = Wordings.fill(m.detail(), v);
      add(t, m.category(), h -> PG.format(h) + " [" + pid + "] " + session + "DETAIL:  " + detail);
    }
    if (m.hint() != null) {
      String hint = Wordings.fill(m.hint(), v);
      add(t, m.category(), h -> PG.format(h) + " [" + pid + "] " + session + "HINT:  " + hint);
    }
  }

  /** A statement logged with its duration ({@code log_min_duration_statement}), as pgBadger reads them. */
  void postgresStatement(long t, int pid, String user, String db, double ms, String sql) {
    String duration = String.format(Locale.ROOT, "%.3f", ms);
    add(t, "benign", h -> PG.format(h) + " [" + pid + "] " + user + "@" + db + " LOG:  duration: " + duration
        + " ms  statement: " + sql);
  }

  // ---- MySQL 8 error log
  void mysql(long t, int thread, Wordings.Message m, Map<String, ?> v) {
    String text = Wordings.fill(m.text(), v);
    add(t, m.category(), h -> MYSQL.format(h) + " " + thread + " [" + m.level() + "] [" + m.code() + "] [" + m.subsystem() + "] " + text);
  }

  // ---- nginx combined + $request_time
  void access(long t, String ip, String method, String path, int status, int bytes, String agent, double seconds) {
    String latency = String.format(Locale.ROOT, "%.3f", seconds);
    String category = status == 504 ? "timeout" : status == 503 ? "overload" : status >= 500 ? "server_error"
        : status >= 400 ? "client_error" : "benign";
    add(t, category, h -> ip + " - - [" + CLF.format(h) + "] \"" + method + " " + path + " HTTP/1.1\" " + status + " " + bytes
        + " \"-\" \"" + agent + "\" " + latency);
  }

  // ---- application JSON lines (logback JSON encoder style)
  void app(long t, Wordings.Message m, Map<String, ?> v, String thread, String traceId) {
    String logger = Wordings.fill(m.logger(), v);
    String text = Wordings.fill(m.text(), v);
    add(t, m.category(), h -> {
      ObjectNode n = JSON.createObjectNode();
      n.put("timestamp", ISO_MS.format(h));
      n.put("level", m.level());
      n.put("logger", logger);
      n.put("thread", thread);
      n.put("message", text);
      if (traceId != null) {
        n.put("trace_id", traceId);
      }
      return n.toString();
    });
  }

  // ---- change / audit records
  void change(long t, Map<String, String> fields) {
    String type = fields.get("type");
    String category = switch (type) {
      case "deploy" -> "deploy";
      case "rollback" -> "version".equals(fields.get("parameter")) ? "deploy" : "config_change";
      case "restart" -> "restart";
      default -> "config_change";
    };
    add(t, category, h -> {
      ObjectNode n = JSON.createObjectNode();
      n.put("time", ISO_MS.format(h));
      fields.forEach((k, val) -> {
        if (val != null) {
          n.put(k, val);
        }
      });
      return n.toString();
    });
  }
}
