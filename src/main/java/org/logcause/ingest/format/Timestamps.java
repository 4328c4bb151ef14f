package org.logcause.ingest.format;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fast parsing of the timestamp shapes real logs use, to microseconds since the epoch (UTC). Parsers call these
 * on every line, so the common ISO-like shape is scanned by hand instead of through {@code DateTimeFormatter}.
 * Every method returns {@link #INVALID} rather than throwing: a bad timestamp is a quarantine reason, not a crash.
 */
public final class Timestamps {
  public static final long INVALID = Long.MIN_VALUE;

  private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();
  private static final ZoneId UNKNOWN_ZONE = ZoneOffset.ofHours(18);

  // Abbreviations that ZoneId does not know or resolves surprisingly; logs print them (%t/%m in PostgreSQL).
  private static final Map<String, String> ABBREVIATIONS =
      Map.ofEntries(
          Map.entry("UTC", "Z"), Map.entry("GMT", "Z"), Map.entry("UT", "Z"), Map.entry("Z", "Z"),
          Map.entry("WET", "+00:00"), Map.entry("WEST", "+01:00"), Map.entry("BST", "+01:00"),
          Map.entry("CET", "+01:00"), Map.entry("CEST", "+02:00"), Map.entry("MET", "+01:00"),
          Map.entry("MEST", "+02:00"), Map.entry("EET", "+02:00"), Map.entry("EEST", "+03:00"),
          Map.entry("MSK", "+03:00"), Map.entry("IST", "+05:30"), Map.entry("SGT", "+08:00"),
          Map.entry("HKT", "+08:00"), Map.entry("AWST", "+08:00"), Map.entry("JST", "+09:00"),
          Map.entry("KST", "+09:00"), Map.entry("ACST", "+09:30"), Map.entry("AEST", "+10:00"),
          Map.entry("AEDT", "+11:00"), Map.entry("NZST", "+12:00"), Map.entry("NZDT", "+13:00"),
          Map.entry("HST", "-10:00"), Map.entry("AKST", "-09:00"), Map.entry("AKDT", "-08:00"),
          Map.entry("PST", "-08:00"), Map.entry("PDT", "-07:00"), Map.entry("MST", "-07:00"),
          Map.entry("MDT", "-06:00"), Map.entry("CST", "-06:00"), Map.entry("CDT", "-05:00"),
          Map.entry("EST", "-05:00"), Map.entry("EDT", "-04:00"));

  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };

  private Timestamps() {}

  /** A zone from an abbreviation (CEST), an offset (+02:00) or a region id (Europe/Paris); null if unknown. */
  public static ZoneId zoneOf(String text) {
    ZoneId z = ZONES.computeIfAbsent(text, Timestamps::lookupZone);
    return z == UNKNOWN_ZONE ? null : z;
  }

  private static ZoneId lookupZone(String text) {
    String t = text.trim();
    String abbr = ABBREVIATIONS.get(t.toUpperCase(Locale.ROOT));
    try {
      if (abbr != null) {
        return ZoneOffset.of(abbr);
      }
      if (t.startsWith("+") || t.startsWith("-")) {
        String norm = t.length() == 5 ? t.substring(0, 3) + ":" + t.substring(3) : t;
        return ZoneOffset.of(norm);
      }
      return ZoneId.of(t);
    } catch (DateTimeException e) {
      return UNKNOWN_ZONE;
    }
  }

  public static long toMicros(int year, int month, int day, int hour, int minute, int second, int nanos, ZoneId zone) {
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      return INVALID;
    }
    try {
      if (second == 60) {
        second = 59; // a leap second: keep the event, one second early
      }
      long epochSecond;
      if (zone instanceof ZoneOffset offset) {
        epochSecond =
            LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second
                - offset.getTotalSeconds();
      } else {
        LocalDateTime ldt = LocalDateTime.of(year, month, day, hour, minute, second);
        // In a DST overlap the earlier offset wins; in a gap the time moves forward (java.time's rules).
        epochSecond = ldt.atZone(zone).toEpochSecond();
      }
      return epochSecond * 1_000_000L + nanos / 1_000;
    } catch (DateTimeException e) {
      return INVALID;
    }
  }

  /**
   * Parses {@code yyyy-MM-dd[T| ]H:mm:ss[.,fraction][ ][zone]} where the date separator may be '-', '/' or '.',
   * and the zone is Z, a numeric offset or an abbreviation; without a zone {@code defaultZone} applies. The whole
   * text must be consumed.
   */
  public static long parseIsoLike(String s, ZoneId defaultZone) {
    return parseIsoLike(s, 0, s.length(), defaultZone);
  }

  public static long parseIsoLike(String s, int from, int to, ZoneId defaultZone) {
    int[] pos = {from};
    int year = digits(s, pos, to, 4, 4);
    if (year < 0 || !sep(s, pos, to, "-/.")) return INVALID;
    int month = digits(s, pos, to, 1, 2);
    if (month < 0 || !sep(s, pos, to, "-/.")) return INVALID;
    int day = digits(s, pos, to, 1, 2);
    if (day < 0 || pos[0] >= to) return INVALID;
    char c = s.charAt(pos[0]);
    if (c == 'T' || c == ' ' || c == '-' || c == ':') {
      pos[0]++;
    } else {
      return INVALID;
    }
    while (pos[0] < to && s.charAt(pos[0]) == ' ') pos[0]++;
    return parseTime(s, pos, to, year, month, day, defaultZone);
  }

  /** MySQL 5.x / InnoDB {@code yyMMdd H:mm:ss} (hour space-padded). */
  public static long parseMysqlShort(String s, ZoneId zone) {
    if (s.length() < 14) return INVALID;
    int[] pos = {0};
    int yy = digits(s, pos, 2, 2, 2);
    int mm = digits(s, pos, 4, 2, 2);
    int dd = digits(s, pos, 6, 2, 2);
    if (yy < 0 || mm < 0 || dd < 0) return INVALID;
    while (pos[0] < s.length() && s.charAt(pos[0]) == ' ') pos[0]++;
    return parseTime(s, pos, s.length(), 2000 + yy, mm, dd, zone);
  }

  /** Apache/nginx {@code dd/MMM/yyyy:HH:mm:ss Z}. */
  public static long parseClf(String s) {
    if (s.length() < 20) return INVALID;
    int[] pos = {0};
    int day = digits(s, pos, s.length(), 1, 2);
    if (day < 0 || !sep(s, pos, s.length(), "/")) return INVALID;
    int month = month(s, pos[0]);
    if (month < 0) return INVALID;
    pos[0] += 3;
    if (!sep(s, pos, s.length(), "/")) return INVALID;
    int year = digits(s, pos, s.length(), 4, 4);
    if (year < 0 || !sep(s, pos, s.length(), ":")) return INVALID;
    return parseTime(s, pos, s.length(), year, month, day, ZoneOffset.UTC);
  }

  /** Syslog {@code MMM d HH:mm:ss} without a year: the caller supplies it. */
  public static long parseSyslog(String s, int year, ZoneId zone) {
    int month = month(s, 0);
    if (month < 0 || s.length() < 14) return INVALID;
    int[] pos = {3};
    while (pos[0] < s.length() && s.charAt(pos[0]) == ' ') pos[0]++;
    int day = digits(s, pos, s.length(), 1, 2);
    if (day < 0 || !sep(s, pos, s.length(), " ")) return INVALID;
    return parseTime(s, pos, s.length(), year, month, day, zone);
  }

  /** The month (1-12) of a three-letter English abbreviation at {@code at}, or -1. */
  public static int month(String s, int at) {
    if (at + 3 > s.length()) return -1;
    for (int i = 0; i < 12; i++) {
      if (s.regionMatches(true, at, MONTHS[i], 0, 3)) return i + 1;
    }
    return -1;
  }

  private static long parseTime(String s, int[] pos, int to, int year, int month, int day, ZoneId defaultZone) {
    int hour = digits(s, pos, to, 1, 2);
    if (hour < 0 || !sep(s, pos, to, ":")) return INVALID;
    int minute = digits(s, pos, to, 2, 2);
    if (minute < 0 || !sep(s, pos, to, ":")) return INVALID;
    int second = digits(s, pos, to, 2, 2);
    if (second < 0) return INVALID;
    int nanos = 0;
    if (pos[0] < to && (s.charAt(pos[0]) == '.' || s.charAt(pos[0]) == ',')) {
      pos[0]++;
      int start = pos[0];
      int scale = 100_000_000;
      while (pos[0] < to && Character.isDigit(s.charAt(pos[0]))) {
        nanos += (s.charAt(pos[0]) - '0') * scale;
        scale /= 10;
        pos[0]++;
      }
      if (pos[0] == start) return INVALID;
    }
    ZoneId zone = defaultZone;
    int p = pos[0];
    while (p < to && s.charAt(p) == ' ') p++;
    if (p < to) {
      zone = zoneOf(s.substring(p, to));
      if (zone == null) return INVALID;
    }
    return toMicros(year, month, day, hour, minute, second, nanos, zone);
  }

  private static int digits(String s, int[] pos, int to, int min, int max) {
    int p = pos[0];
    int v = 0;
    int n = 0;
    while (p < to && n < max && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
      v = v * 10 + (s.charAt(p) - '0');
      p++;
      n++;
    }
    if (n < min) return -1;
    pos[0] = p;
    return v;
  }

  private static boolean sep(String s, int[] pos, int to, String allowed) {
    if (pos[0] < to && allowed.indexOf(s.charAt(pos[0])) >= 0) {
      pos[0]++;
      return true;
    }
    return false;
  }
}
