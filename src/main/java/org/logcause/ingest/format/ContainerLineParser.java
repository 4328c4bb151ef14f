package org.logcause.ingest.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container runtime's log file around any line format: Docker's {@code json-file} driver
 * ({@code {"log":"line\n","stream":"stdout","time":"..."}}) or the Kubernetes CRI format that containerd and CRI-O
 * write ({@code 2024-05-01T10:00:00.123456789Z stdout F line}). The runtime splits a long line into partial records
 * (Docker: a {@code log} without its final newline; CRI: tag {@code P}); they are joined before the line reaches the
 * wrapped format, and their physical lines belong to the event the joined line makes.
 *
 * <p>The wrapped format parses the line as usual, with its own time. A line it cannot read at all (a plain-text line
 * of an application that writes no time) becomes an event at the runtime's time, with the line as its message.
 */
final class ContainerLineParser extends LineParser {
  static final String OPTION = "container";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CRI = Pattern.compile("^(\\S+) (stdout|stderr) ([PF])(?::\\S*)?(?: (.*))?$", Pattern.DOTALL);

  /** The runtimes whose files this reads, by the option value that names them. */
  enum Runtime {
    DOCKER,
    CRI;

    static Runtime of(String name) {
      return switch (name) {
        case "docker" -> DOCKER;
        case "cri", "containerd", "cri-o", "kubernetes" -> CRI;
        default -> throw new IllegalArgumentException(
            "option container: \"" + name + "\" is not one of docker, cri (containerd, CRI-O, Kubernetes)");
      };
    }
  }

  private final Runtime runtime;
  private final LineParser inner;
  private final ZoneId zone;
  private final StringBuilder joined = new StringBuilder();
  private long joinedTs = Timestamps.INVALID;
  private boolean joining;

  ContainerLineParser(Runtime runtime, LineParser inner, ZoneId zone) {
    this.runtime = runtime;
    this.inner = inner;
    this.zone = zone;
  }

  @Override
  public String waitingAtEnd() {
    return "partial line: " + super.waitingAtEnd();
  }

  @Override
  public LineParser maxEventChars(int chars) {
    inner.maxEventChars(chars);
    return super.maxEventChars(chars);
  }

  /** One record of the runtime's file: the text it carries, the stream, its time, and whether the line ends here. */
  private record Record(String text, String stream, long ts, boolean complete) {}

  @Override
  public Parsed parse(String line) {
    if (isBlank(line)) {
      return joining ? Parsed.PENDING : inner.parse(line);
    }
    Record r;
    try {
      r = runtime == Runtime.DOCKER ? docker(line) : cri(line);
    } catch (IllegalArgumentException e) {
      return reject(e.getMessage());
    }
    if (!joining) {
      joinedTs = r.ts();
    }
    if (!r.complete()) {
      joined.append(r.text());
      joining = true;
      return Parsed.PENDING;
    }
    String text = joining ? joined.append(r.text()).toString() : r.text();
    long ts = joinedTs;
    joined.setLength(0);
    joining = false;
    Parsed parsed = inner.parse(text);
    if (parsed instanceof Parsed.Start start) {
      start.event().put("stream", r.stream());
      return parsed;
    }
    if (parsed instanceof Parsed.Rejected && ts != Timestamps.INVALID && !text.isBlank()) {
      ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(null), text);
      return start(ev.put("stream", r.stream()));
    }
    return parsed;
  }

  private Record docker(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a Docker json-file record: " + e.getOriginalMessage().split("\n")[0]);
    }
    JsonNode log = root == null ? null : root.get("log");
    if (log == null || !log.isTextual()) {
      throw new IllegalArgumentException("not a Docker json-file record: no \"log\" field");
    }
    String text = log.asText();
    boolean complete = text.endsWith("\n");
    if (complete) {
      text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
    }
    JsonNode time = root.get("time");
    long ts = time == null ? Timestamps.INVALID : Timestamps.parseIsoLike(time.asText(), zone);
    JsonNode stream = root.get("stream");
    return new Record(text, stream == null ? null : stream.asText(), ts, complete);
  }

  private Record cri(String line) {
    Matcher m = CRI.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a CRI container log line (time stream P|F message)");
    }
    long ts = Timestamps.parseIsoLike(m.group(1), zone);
    if (ts == Timestamps.INVALID) {
      throw new IllegalArgumentException("unparseable timestamp in CRI container log line: \"" + m.group(1) + "\"");
    }
    String text = m.group(4) == null ? "" : m.group(4);
    return new Record(text, m.group(2), ts, m.group(3).equals("F"));
  }
}
