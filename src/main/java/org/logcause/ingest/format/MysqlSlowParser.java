package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slow query log of MySQL 5.x/8.x, MariaDB and Percona Server: one entry per statement,
 *
 * <pre>
 * # Time: 2016-07-20T18:13:25.698433Z          (MySQL 5.7+; 5.1 and MariaDB: 071218 11:48:27, only when the second changes)
 * # User@Host: web[web] @ app-1 [10.0.0.7]  Id:     3
 * # Query_time: 2.003464  Lock_time: 0.000324 Rows_sent: 1  Rows_examined: 2000
 * use shop;
 * SET timestamp=1469038405;
 * SELECT ... ;                                  (the statement, over as many lines as it has)
 * </pre>
 *
 * <p>An entry is one event, dated by its {@code # Time:} (when the server logged it, at the statement's end), else by
 * {@code SET timestamp=} (the statement's start), else by the last {@code # Time:} before it. Its message reads
 * {@code duration: <ms> ms  statement: <sql>}, the words PostgreSQL uses, so the slow-query signal reads both;
 * {@code # key: value} pairs become attributes ({@code duration_ms}, {@code lock_ms}, {@code rows_sent},
 * {@code rows_examined}, {@code user}, {@code client}, {@code thread_id}, {@code db}, and the others as written).
 * The banner a server writes when it (re)opens the file ({@code mysqld, Version: ... started with:}) belongs to the
 * entry after it.
 */
final class MysqlSlowParser extends LineParser {
  private static final Pattern TIME = Pattern.compile("^# Time: (.+?)\\s*(?:# (User@Host: .*))?$");
  private static final Pattern USER_HOST =
      Pattern.compile("^# User(?:@Host)?: (\\S*?)\\[[^\\]]*\\] @ *(\\S*) *\\[([^\\]]*)\\](?:\\s+Id:\\s*(\\d+))?.*$");
  private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*): +(\\S*[^:\\s])(?=\\s|$)");
  private static final Pattern BANNER =
      Pattern.compile("^(?:.*\\S, Version: .*started with:|Tcp port: \\d+.*|Time\\s+Id\\s+Command\\s+Argument)$",
          Pattern.CASE_INSENSITIVE);
  private static final String UNDATED =
      "slow log entry without a time (no \"# Time:\" line before it and no \"SET timestamp=\")";
  private static final Pattern SET_TIMESTAMP = Pattern.compile("^SET timestamp=(\\d+)(?:\\.\\d+)?;\\s*$");
  private static final Pattern USE = Pattern.compile("^use ([^;]+);\\s*$", Pattern.CASE_INSENSITIVE);

  private final ZoneId zone;
  private final TimestampFormat.Year year;
  private long lastTime = Timestamps.INVALID;
  private ParsedEvent entry; // the entry being read; started (handed to the ingestor) once it has a time
  private boolean started;
  private boolean timedByHeader; // dated by its own # Time: line (kept even when SET timestamp follows)
  private boolean userSeen;
  private final StringBuilder statement = new StringBuilder();
  private String durationMs;

  MysqlSlowParser(ZoneId zone, int defaultYear) {
    this.zone = zone;
    this.year = new TimestampFormat.Year(defaultYear);
  }

  @Override
  public Parsed parse(String line) {
    if (line.startsWith("# Time:")) {
      Matcher m = TIME.matcher(line);
      long ts = m.matches() ? TimestampFormat.auto(m.group(1).trim(), zone, year) : Timestamps.INVALID;
      if (ts == Timestamps.INVALID) {
        return reject("unparseable time in \"# Time:\" line");
      }
      lastTime = ts;
      Parsed p = begin(ts, true);
      if (m.group(2) != null) {
        user("# " + m.group(2)); // MySQL 5.0 put both on one line
      }
      return p;
    }
    if (line.startsWith("# User@Host:") || line.startsWith("# User:")) {
      Parsed p = entry != null && !userSeen && durationMs == null && statement.length() == 0 ? more() : begin(lastTime, false);
      user(line);
      return p;
    }
    if (line.startsWith("# Query_time:") && (entry == null || durationMs != null || statement.length() > 0)) {
      // an entry without its User@Host line (some servers, hand-cut files)
      Parsed p = begin(lastTime, false);
      Matcher pair = PAIR.matcher(line);
      while (pair.find()) {
        attribute(pair.group(1), pair.group(2));
      }
      return p;
    }
    if (BANNER.matcher(line).matches()) {
      // Before the next entry: it belongs to that one (Pending), never to the statement before it.
      String drop = entry != null && !started ? UNDATED : null;
      closeEntry();
      return drop == null ? Parsed.PENDING : new Parsed.Pending(drop);
    }
    if (entry == null) {
      return isBlank(line) ? reject("blank line before the first entry") : reject("not a slow query log entry");
    }
    if (line.startsWith("# ") && statement.length() == 0 && !line.startsWith("# administrator command:")) {
      Matcher pair = PAIR.matcher(line);
      while (pair.find()) {
        attribute(pair.group(1), pair.group(2));
      }
      return more();
    }
    Matcher set = SET_TIMESTAMP.matcher(line);
    if (set.matches() && statement.length() == 0) {
      long ts = Long.parseLong(set.group(1)) * 1_000_000L;
      if (!started) {
        entry.retime(ts);
        return startEntry();
      }
      if (!timedByHeader) {
        entry.retime(ts);
      }
      return more();
    }
    Matcher use = USE.matcher(line);
    if (use.matches() && statement.length() == 0) {
      entry.put("db", use.group(1).replace("`", "").trim());
      return more();
    }
    if (statement.length() > 0) {
      statement.append('\n');
    }
    statement.append(line.strip());
    entry.put("statement", statement.toString());
    entry.replaceMessage(message());
    return more();
  }

  @Override
  public String waitingAtEnd() {
    return entry != null && !started ? UNDATED
        : "server banner with no entry after it to date it (the server started and logged no slow query)";
  }

  private Parsed begin(long ts, boolean byHeader) {
    String drop = entry != null && !started ? UNDATED : null;
    closeEntry();
    entry = new ParsedEvent(ts == Timestamps.INVALID ? 0 : ts, "INFO", "");
    timedByHeader = byHeader;
    userSeen = false;
    statement.setLength(0);
    durationMs = null;
    if (ts == Timestamps.INVALID) {
      return drop == null ? Parsed.PENDING : new Parsed.Pending(drop);
    }
    started = true;
    Parsed p = start(entry);
    return drop == null ? p : new Parsed.Start(((Parsed.Start) p).event(), drop);
  }

  private Parsed startEntry() {
    started = true;
    return start(entry);
  }

  /** A further line of the entry: a continuation once started, else part of the entry still waiting for a time. */
  private Parsed more() {
    return started ? Parsed.CONTINUATION : Parsed.PENDING;
  }

  private void closeEntry() {
    entry = null;
    started = false;
  }

  private void user(String line) {
    userSeen = true;
    Matcher m = USER_HOST.matcher(line);
    if (m.matches()) {
      entry.put("user", m.group(1)).put("client", m.group(3).isEmpty() ? m.group(2) : m.group(3))
          .put("thread_id", m.group(4));
    }
  }

  private void attribute(String key, String value) {
    switch (key) {
      case "Query_time" -> {
        durationMs = millis(value);
        entry.put("duration_ms", durationMs);
        entry.replaceMessage(message());
      }
      case "Lock_time" -> entry.put("lock_ms", millis(value));
      case "Thread_id", "Id" -> entry.put("thread_id", value);
      case "Schema" -> entry.put("db", value);
      default -> entry.put(key.toLowerCase(Locale.ROOT), value);
    }
  }

  private String message() {
    String d = durationMs == null ? "slow query" : "duration: " + durationMs + " ms";
    return statement.length() == 0 ? d : d + "  statement: " + statement;
  }

  private static String millis(String seconds) {
    try {
      return String.format(Locale.ROOT, "%.3f", Double.parseDouble(seconds) * 1000d);
    } catch (NumberFormatException e) {
      return seconds;
    }
  }
}
