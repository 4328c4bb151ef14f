package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL / MariaDB / Percona error log, every generation of it:
 * <ul>
 *   <li>8.x: {@code 2020-08-06T14:25:02.835618Z 0 [Warning] [MY-010068] [Server] msg}</li>
 *   <li>5.7 / Galera: {@code 2019-01-01T10:00:00.123456Z 0 [Note] WSREP: msg}</li>
 *   <li>MariaDB 10: {@code 2024-01-01 12:00:00 0 [Note] InnoDB: msg}</li>
 *   <li>5.0/5.1: {@code 080721  3:04:00 [ERROR] msg}, {@code 080721 03:03:57  mysqld started}, and InnoDB lines
 *       glued to the time ({@code 091119 22:27:11InnoDB: Warning: ...})</li>
 * </ul>
 * Lines without a timestamp (crash reports, status dumps, wrapped statements) continue the open event.
 */
final class MysqlErrorParser extends LineParser {
  private static final Pattern LINE =
      Pattern.compile(
          "^(?<ts>\\d{4}-\\d\\d-\\d\\d[T ] ?\\d{1,2}:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?"
              + "|\\d{6} {1,2}\\d{1,2}:\\d\\d:\\d\\d)"
              + " *(?:(?<thread>\\d+) +)?(?:\\[(?<level>[A-Za-z]+)\\] *)?(?:\\[(?<code>MY-\\d+)\\] *)?"
              + "(?:\\[(?<subsystem>[A-Za-z]+)\\] *)?(?<msg>.*)$",
          Pattern.DOTALL);
  // 5.x InnoDB lines carry their level in the text: "InnoDB: Warning: ...", "InnoDB: Error: ...".
  private static final Pattern INLINE_LEVEL = Pattern.compile("^(?:InnoDB: )?(Warning|Error|ERROR|Note)[: ]");
  private static final Pattern ERROR_CODE = Pattern.compile("(?:Error_code|error|Error)[: ]+(?:MY-0*)?(\\d{4,6})");

  private final ZoneId zone;

  MysqlErrorParser(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public Parsed parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      if (isBlank(line)) {
        return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
      }
      return continueMessage(line);
    }
    String tsText = m.group("ts");
    long ts =
        Character.isDigit(tsText.charAt(4))
            ? Timestamps.parseMysqlShort(tsText, zone)
            : Timestamps.parseIsoLike(tsText, zone);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp: \"" + tsText + "\"");
    }
    String rawLevel = m.group("level");
    String msg = m.group("msg");
    if (rawLevel == null) {
      Matcher inline = INLINE_LEVEL.matcher(msg);
      rawLevel = inline.find() ? inline.group(1) : null;
    }
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(rawLevel), msg);
    ev.put("raw_level", rawLevel).put("thread", m.group("thread")).put("subsystem", m.group("subsystem"));
    String code = m.group("code");
    if (code != null) {
      ev.put("error_code", code);
    } else {
      Matcher c = ERROR_CODE.matcher(msg);
      if (c.find()) {
        ev.put("error_code", "MY-" + "0".repeat(Math.max(0, 6 - c.group(1).length())) + c.group(1));
      }
    }
    return start(ev);
  }
}
