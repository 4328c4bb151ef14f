package org.logcause.ingest.format;

import java.time.ZoneId;

/**
 * PostgreSQL csvlog. A quoted field may hold newlines, so one record can span lines: the record is re-read as
 * its lines arrive, and the event's fields are those of the complete record.
 */
final class PostgresCsvParser extends LineParser {
  // Column positions of csvlog (PostgreSQL 13+ adds backend_type, 14+ leader_pid and query_id).
  private static final String[] ATTRIBUTES = {
    null, "user", "db", "pid", "client", "session_id", "session_line", "command_tag", null, "vxid", "txid", null,
    "sqlstate", null, "detail", "hint", "internal_query", null, "context", "statement", null, "location",
    "application", "backend_type", "leader_pid", "query_id"
  };

  private final ZoneId zone;
  private StringBuilder pending; // text of a record whose quoted field is still open

  PostgresCsvParser(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public Parsed parse(String line) {
    if (pending != null && startsRecord(line)) {
      // The open record was cut (a crash, a truncated copy): it keeps what it had, and this line starts the next.
      current().put("incomplete_record", "true");
      pending = null;
    }
    if (pending != null) {
      pending.append('\n').append(line);
      Csv csv = Csv.parse(pending);
      fill(current(), csv);
      if (csv.complete()) {
        pending = null;
      }
      return Parsed.CONTINUATION;
    }
    if (isBlank(line)) {
      return current() == null ? reject("blank line before the first event") : Parsed.CONTINUATION;
    }
    Csv csv = Csv.parse(line);
    String time = csv.get(0);
    if (time == null || csv.fields().size() < 14 && csv.complete()) {
      return reject("not a csvlog record: " + csv.fields().size() + " fields, expected at least 14");
    }
    long ts = Timestamps.parseIsoLike(time, zone);
    if (ts == Timestamps.INVALID) {
      return reject("unparseable timestamp in field log_time: \"" + time + "\"");
    }
    String severity = csv.get(11);
    ParsedEvent ev = new ParsedEvent(ts, Levels.normalize(severity), "");
    ev.put("raw_level", severity);
    Parsed started = start(ev);
    fill(ev, csv);
    if (!csv.complete()) {
      pending = new StringBuilder(line);
    }
    return started;
  }

  /** A line that opens a csvlog record: a quoted timestamp as its first field. */
  private boolean startsRecord(String line) {
    if (line.length() < 22 || line.charAt(0) != '"') return false;
    int close = line.indexOf('"', 1);
    return close > 0 && close + 1 < line.length() && line.charAt(close + 1) == ','
        && Timestamps.parseIsoLike(line.substring(1, close), zone) != Timestamps.INVALID;
  }

  private static void fill(ParsedEvent ev, Csv csv) {
    String msg = csv.get(13);
    ev.replaceMessage(msg == null ? "" : msg);
    for (int i = 0; i < ATTRIBUTES.length; i++) {
      if (ATTRIBUTES[i] != null) {
        String v = csv.get(i);
        ev.put(ATTRIBUTES[i], v == null || v.equals("[unknown]") ? null : v);
      }
    }
  }
}
