package org.logcause.ingest.format;

import java.util.Locale;

/** Normalises the many spellings of a log level to DEBUG, INFO, WARN, ERROR or FATAL. */
public final class Levels {
  private Levels() {}

  public static String normalize(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "INFO";
    }
    String l = raw.trim().toUpperCase(Locale.ROOT);
    if (l.startsWith("DEBUG") || l.equals("TRACE") || l.equals("FINE") || l.equals("FINER") || l.equals("FINEST")
        || l.equals("VERBOSE") || l.equals("V") || l.equals("D") || l.equals("7")) {
      return "DEBUG";
    }
    return switch (l) {
      case "WARN", "WARNING", "W", "4" -> "WARN";
      case "ERROR", "ERR", "E", "SEVERE", "3" -> "ERROR";
      case "FATAL", "PANIC", "ALERT", "CRITICAL", "CRIT", "EMERG", "EMERGENCY", "F", "0", "1", "2" -> "FATAL";
      default -> "INFO"; // LOG, INFO, NOTICE, NOTE, SYSTEM, DEFAULT, I, 5, 6 ...
    };
  }
}
