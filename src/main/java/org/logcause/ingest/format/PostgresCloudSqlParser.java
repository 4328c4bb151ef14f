package org.logcause.ingest.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google Cloud SQL for PostgreSQL as Cloud Logging exports it: one JSON entry per line, the server's line in
 * {@code textPayload} ({@code [24667]: [3-1] db=app,user=web LOG:  ...}, Cloud SQL's fixed prefix after its record
 * numbering), the time in {@code timestamp}. Each further line of a record (a statement's next line, an autovacuum
 * report) is an entry of its own without the numbering; it continues the record as in {@code postgres}. The
 * instance ({@code resource.labels.database_id}) is the host.
 */
final class PostgresCloudSqlParser extends LineParser {
  /** Cloud SQL's {@code log_line_prefix} after its {@code [pid]: [n-m] } (not configurable there). */
  static final String PREFIX = "db=%d,user=%u ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NUMBERED = Pattern.compile("^\\[(\\d+)\\]: \\[(\\d+)-(\\d+)\\] ?");

  private final PostgresStderrParser server;
  private final ZoneId zone;

  PostgresCloudSqlParser(PostgresStderrParser.Prefix prefix, ZoneId zone) {
    this.server = new PostgresStderrParser(prefix, zone);
    this.zone = zone;
  }

  @Override
  public LineParser maxEventChars(int chars) {
    server.maxEventChars(chars);
    return super.maxEventChars(chars);
  }

  @Override
  public Parsed parse(String line) {
    if (isBlank(line)) {
      return server.parse(line);
    }
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return reject("not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
    }
    if (root == null || !root.isObject()) {
      return reject("not a JSON object");
    }
    JsonNode payload = root.get("textPayload");
    if (payload == null || !payload.isTextual()) {
      return reject("no textPayload field (not a Cloud SQL PostgreSQL log entry)");
    }
    JsonNode time = root.get("timestamp");
    long ts = time == null ? Timestamps.INVALID : Timestamps.parseIsoLike(time.asText(), zone);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field timestamp: \"" + (time == null ? "" : time.asText()) + "\"");
    }
    String text = payload.asText();
    if (text.endsWith("\n")) {
      text = text.stripTrailing();
    }
    Matcher n = NUMBERED.matcher(text);
    boolean numbered = n.lookingAt();
    Parsed parsed = server.parseRecord(numbered ? text.substring(n.end()) : text, ts, numbered && n.group(3).equals("1"));
    if (parsed instanceof Parsed.Start start) {
      JsonNode instance = root.path("resource").path("labels").path("database_id");
      if (instance.isTextual()) {
        start.event().host(instance.asText());
      }
      if (numbered) {
        start.event().put("pid", n.group(1));
      }
      JsonNode severity = root.get("severity");
      if (severity != null) {
        start.event().put("cloud_severity", severity.asText());
      }
    }
    return parsed;
  }
}
