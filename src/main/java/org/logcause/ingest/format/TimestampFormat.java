package org.logcause.ingest.format;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * A timestamp format named in a source's options: {@code auto} (ISO-like, Apache, syslog), {@code epoch_s},
 * {@code epoch_ms}, {@code epoch_us}, or a {@link DateTimeFormatter} pattern. Patterns without a year get the
 * file's year, rolled forward when the month wraps from December to January.
 */
final class TimestampFormat {
  private final String spec;
  private final DateTimeFormatter formatter;
  private final boolean hasYear;

  TimestampFormat(String spec) {
    this.spec = spec;
    if (spec.equals("auto") || spec.startsWith("epoch_")) {
      if (!spec.equals("auto") && !spec.equals("epoch_s") && !spec.equals("epoch_ms") && !spec.equals("epoch_us")) {
        throw new IllegalArgumentException("unknown timestamp format \"" + spec + "\" (auto, epoch_s, epoch_ms, epoch_us or a pattern)");
      }
      this.formatter = null;
      this.hasYear = true;
    } else {
      this.hasYear = spec.replaceAll("'[^']*'", "").matches(".*[yu].*");
      try {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(spec);
        if (!hasYear) {
          b.parseDefaulting(ChronoField.YEAR_OF_ERA, 2000); // replaced per line by the file's year
        }
        this.formatter = b.toFormatter(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad timestamp pattern \"" + spec + "\": " + e.getMessage());
      }
    }
  }

  /** Tracks the year of year-less timestamps through one file. */
  static final class Year {
    private int year;
    private int lastMonth = -1;

    Year(int year) {
      this.year = year;
    }

    private boolean consulted;

    /** The year, for a probe tracker. */
    int forProbe() {
      return year;
    }

    /** Whether a year-less timestamp asked this tracker for its year. */
    boolean consulted() {
      return consulted;
    }

    int forMonth(int month) {
      consulted = true;
      if (lastMonth > 0 && month + 6 <= lastMonth) {
        year++; // December → January
      }
      lastMonth = month;
      return year;
    }
  }

  long parse(String text, ZoneId zone, Year year) {
    String t = text.trim();
    switch (spec) {
      case "auto":
        return auto(t, zone, year);
      case "epoch_s":
        return epoch(t, 1_000_000d);
      case "epoch_ms":
        return epoch(t, 1_000d);
      case "epoch_us":
        return epoch(t, 1d);
      default:
        return pattern(t, zone, year);
    }
  }

  static long auto(String t, ZoneId zone, Year year) {
    long v = Timestamps.parseIsoLike(t, zone);
    if (v != Timestamps.INVALID) return v;
    v = Timestamps.parseClf(t);
    if (v != Timestamps.INVALID) return v;
    if (t.length() >= 13 && t.charAt(6) == ' ' && t.chars().limit(6).allMatch(Character::isDigit)) {
      return Timestamps.parseMysqlShort(t, zone); // MySQL 5.x yyMMdd H:mm:ss
    }
    int month = Timestamps.month(t, 0);
    if (month > 0) {
      return Timestamps.parseSyslog(t, year.forMonth(month), zone);
    }
    return Timestamps.INVALID;
  }

  private static long epoch(String t, double microsPerUnit) {
    try {
      return Math.round(Double.parseDouble(t) * microsPerUnit);
    } catch (NumberFormatException e) {
      return Timestamps.INVALID;
    }
  }

  private long pattern(String t, ZoneId zone, Year year) {
    try {
      TemporalAccessor parsed = formatter.parse(t);
      LocalDateTime ldt = LocalDateTime.from(parsed);
      if (!hasYear) {
        ldt = ldt.withYear(year.forMonth(ldt.getMonthValue()));
      }
      ZoneId z = parsed.query(TemporalQueries.zone());
      return Timestamps.toMicros(
          ldt.getYear(), ldt.getMonthValue(), ldt.getDayOfMonth(), ldt.getHour(), ldt.getMinute(),
          ldt.getSecond(), ldt.getNano(), z == null ? zone : z);
    } catch (DateTimeException e) {
      return Timestamps.INVALID;
    }
  }
}
