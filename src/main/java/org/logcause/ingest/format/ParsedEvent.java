package org.logcause.ingest.format;

import java.util.Map;
import java.util.TreeMap;

/**
 * An event as a parser builds it: opened by the line that starts it, then grown by its continuation lines
 * (stack traces, PostgreSQL DETAIL/STATEMENT lines, tab-indented SQL). Mutable, and owned by one parser.
 */
public final class ParsedEvent {
  private long tsMicros;
  private final String level;
  private final StringBuilder message;
  private final Map<String, String> attributes = new TreeMap<>();
  private String host;
  private int maxChars = Integer.MAX_VALUE;
  private boolean truncated;

  public ParsedEvent(long tsMicros, String level, String message) {
    this.tsMicros = tsMicros;
    this.level = level;
    this.message = new StringBuilder(message == null ? "" : message);
  }

  public long tsMicros() {
    return tsMicros;
  }

  /** Dates the event anew (a slow-log entry learns its statement's time from a line after its first). */
  void retime(long micros) {
    this.tsMicros = micros;
  }

  public String level() {
    return level;
  }

  public String message() {
    int end = message.length();
    while (end > 0 && Character.isWhitespace(message.charAt(end - 1))) {
      end--;
    }
    return message.substring(0, end);
  }

  public Map<String, String> attributes() {
    return attributes;
  }

  /** The host named on the line itself (syslog), or null to keep the source's host. */
  public String host() {
    return host;
  }

  public ParsedEvent host(String lineHost) {
    this.host = lineHost;
    return this;
  }

  public boolean truncated() {
    return truncated;
  }

  /** Sets an attribute unless the value is null or empty. */
  public ParsedEvent put(String key, String value) {
    if (value != null && !value.isEmpty()) {
      attributes.put(key, value);
    }
    return this;
  }

  /** Appends a value to an attribute, one line per continuation (e.g. a DETAIL spread over lines). */
  public void appendTo(String key, String value) {
    String old = attributes.get(key);
    String joined = old == null ? value : old + "\n" + value;
    if (joined.length() > maxChars) {
      joined = joined.substring(0, maxChars);
      truncated = true;
    }
    attributes.put(key, joined);
  }

  /** Appends a continuation line to the message; past the cap the text is dropped (the line is still counted). */
  public void appendLine(String line) {
    if (message.length() + 1 + line.length() > maxChars) {
      int room = Math.max(0, maxChars - message.length() - 1);
      if (room > 0) {
        message.append('\n').append(line, 0, room);
      }
      truncated = true;
      return;
    }
    message.append('\n').append(line);
  }

  /** Replaces the message (a CSV record whose quoted field spanned lines, re-read once complete). */
  public void replaceMessage(String text) {
    message.setLength(0);
    message.append(text.length() > maxChars ? text.substring(0, maxChars) : text);
    truncated |= text.length() > maxChars;
  }

  void capAt(int chars) {
    this.maxChars = chars;
  }
}
