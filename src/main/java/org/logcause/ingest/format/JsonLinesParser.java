package org.logcause.ingest.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One JSON object per line: application logs, PostgreSQL's jsonlog, Docker's json-file, and change/audit
 * records. Which field holds the time, level and message is configurable, since every team names them
 * differently; the other fields become attributes (nested objects flattened with dotted keys).
 */
final class JsonLinesParser extends LineParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ATTRIBUTES = 64;

  /** Where to find each part of an event; each entry is a list of candidate dotted paths, first present wins. */
  record Mapping(
      List<String> time,
      List<String> level,
      List<String> message,
      List<String> host,
      TimestampFormat timeFormat,
      Map<String, String> renames,
      ChangeFields change) {}

  /** The fields of a change record, mapped to canonical attribute names; null for plain logs. */
  record ChangeFields(
      List<String> id, List<String> type, List<String> parameter, List<String> oldValue, List<String> newValue,
      List<String> actor, List<String> target) {}

  private final Mapping mapping;
  private final ZoneId zone;
  private TimestampFormat.Year year; // swapped for a probe while testing a line in startsEvent

  JsonLinesParser(Mapping mapping, ZoneId zone, int defaultYear) {
    this.mapping = mapping;
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  /**
   * One line, one event; between lines there is the open event, into which blank lines fold (also after a rejected
   * line), and the year given to year-less timestamps. A line that parses to an event with a full timestamp starts
   * one whatever came before. (A file mixing full and year-less timestamps across a December to January wrap may
   * give its year-less lines after a cut another year; a file of year-less timestamps only is read in one piece.)
   */
  @Override
  public boolean splittable() {
    return true;
  }

  @Override
  public boolean startsEvent(String line) {
    TimestampFormat.Year kept = year;
    TimestampFormat.Year probe = new TimestampFormat.Year(kept.forProbe());
    year = probe;
    try {
      return parsesToEvent(line) && !probe.consulted();
    } finally {
      year = kept;
    }
  }

  @Override
  public Parsed parse(String line) {
    if (isBlank(line)) {
      return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
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
    String timeKey = firstPresent(root, mapping.time());
    if (timeKey == null) {
      return reject("no time field (looked for " + String.join(", ", mapping.time()) + ")");
    }
    JsonNode timeNode = at(root, timeKey);
    long ts = timeNode.isNumber() ? epochGuess(timeNode.asDouble()) : mapping.timeFormat().parse(timeNode.asText(), zone, year);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field " + timeKey + ": \"" + timeNode.asText() + "\"");
    }
    String levelKey = firstPresent(root, mapping.level());
    String rawLevel = levelKey == null ? null : at(root, levelKey).asText();
    String messageKey = firstPresent(root, mapping.message());
    String hostKey = firstPresent(root, mapping.host());

    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(rawLevel), "");
    ev.put("raw_level", rawLevel);
    if (hostKey != null) {
      ev.host(at(root, hostKey).asText());
    }
    flatten(root, "", ev, Set3.of(timeKey, levelKey, messageKey));
    String message = messageKey == null ? null : at(root, messageKey).asText();
    if (mapping.change() != null) {
      message = change(root, ev, message);
    }
    if (message == null) {
      message = "";
    }
    // Docker's json-file keeps the newline of the wrapped line; a message must not end in one.
    ev.replaceMessage(message.endsWith("\n") ? message.stripTrailing() : message);
    return start(ev);
  }

  private String change(JsonNode root, ParsedEvent ev, String message) {
    ChangeFields c = mapping.change();
    String id = text(root, c.id());
    String type = normalizeChangeType(text(root, c.type()));
    String parameter = text(root, c.parameter());
    String oldValue = text(root, c.oldValue());
    String newValue = text(root, c.newValue());
    String actor = text(root, c.actor());
    String target = text(root, c.target());
    ev.put("change_id", id).put("change_type", type).put("parameter", parameter).put("old_value", oldValue)
        .put("new_value", newValue).put("actor", actor).put("target", target);
    if (message != null && !message.isBlank()) {
      return message;
    }
    StringBuilder b = new StringBuilder(type == null ? "change" : type);
    if (id != null) b.append(' ').append(id);
    if (parameter != null) {
      b.append(": ").append(parameter);
      if (oldValue != null || newValue != null) {
        b.append(' ').append(oldValue == null ? "?" : oldValue).append(" -> ").append(newValue == null ? "?" : newValue);
      }
    }
    if (target != null) b.append(" on ").append(target);
    if (actor != null) b.append(" by ").append(actor);
    return b.toString();
  }

  /** Deploys, config changes, restarts and reverts are spelled many ways; the stages downstream need one. */
  static String normalizeChangeType(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String t = raw.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    if (t.contains("revert") || t.contains("rollback") || t.contains("roll_back")) return "revert";
    if (t.contains("deploy") || t.contains("release") || t.contains("rollout")) return "deploy";
    if (t.contains("restart") || t.contains("reboot") || t.contains("bounce")) return "restart";
    // killing sessions or queries ("kill-sessions", "terminate_backend"), not terminating a machine or a pod
    if ((t.contains("kill") || t.contains("terminat"))
        && (t.equals("kill") || t.contains("session") || t.contains("connection") || t.contains("quer")
            || t.contains("backend"))) return "kill_sessions";
    if (t.contains("config") || t.contains("setting") || t.contains("param") || t.contains("flag")) return "config_change";
    if (t.contains("scale")) return "scale";
    if (t.contains("failover") || t.contains("switchover") || t.contains("promot")) return "failover";
    return t;
  }

  private static long epochGuess(double v) {
    double abs = Math.abs(v);
    double micros = abs > 1e14 ? v : abs > 1e11 ? v * 1_000d : v * 1_000_000d;
    return Math.round(micros);
  }

  private static String text(JsonNode root, List<String> keys) {
    String k = firstPresent(root, keys);
    return k == null ? null : at(root, k).asText();
  }

  /** The first of the dotted paths present with a value (not null, not an empty text), or null. */
  static String firstPresent(JsonNode root, List<String> keys) {
    for (String k : keys) {
      JsonNode n = at(root, k);
      if (n != null && !n.isNull() && !n.isMissingNode() && !(n.isTextual() && n.asText().isEmpty())) {
        return k;
      }
    }
    return null;
  }

  /** The node at a key, or at a dotted path through nested objects when no key has the dots in its name. */
  static JsonNode at(JsonNode root, String dotted) {
    JsonNode direct = root.get(dotted);
    if (direct != null || dotted.indexOf('.') < 0) {
      return direct;
    }
    JsonNode n = root;
    for (String part : dotted.split("\\.")) {
      n = n == null ? null : n.get(part);
    }
    return n;
  }

  private void flatten(JsonNode node, String prefix, ParsedEvent ev, Set3 skip) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext() && ev.attributes().size() < MAX_ATTRIBUTES) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      if (skip.contains(key)) {
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(v, key + ".", ev, skip);
      } else if (!v.isNull()) {
        String name = mapping.renames().getOrDefault(key, key);
        ev.put(name, v.isValueNode() ? v.asText() : v.toString());
      }
    }
  }

  /** Three keys to skip while flattening (time, level, message), without allocating a set per line. */
  private record Set3(String a, String b, String c) {
    static Set3 of(String a, String b, String c) {
      return new Set3(a, b, c);
    }

    boolean contains(String k) {
      return k.equals(a) || k.equals(b) || k.equals(c);
    }
  }
}
