package org.logcause.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.logcause.job.SpecException;

/** Times and dates given on the command line: UTC, ISO-8601 or with a space, seconds optional. */
final class Times {
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private Times() {}

  /** Epoch microseconds of {@code 2024-06-20T13:30:00Z}, {@code 2024-06-20T13:30}, {@code 2024-06-20 13:30:15}. */
  static long parse(String option, String text) {
    String t = text.trim().replace(' ', 'T');
    try {
      Instant i = t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$") ? Instant.parse(t.endsWith("Z") ? t : java.time.OffsetDateTime.parse(t).toInstant().toString())
          : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000L;
    } catch (DateTimeParseException e) {
      throw new SpecException(option + ": not a time: \"" + text + "\" (use UTC, e.g. 2024-06-20T13:30:00Z or '2024-06-20 13:30')");
    }
  }

  static LocalDate date(String option, String text) {
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new SpecException(option + ": not a date: \"" + text + "\" (use YYYY-MM-DD)");
    }
  }

  /** {@code 20240620T133000}: for run ids. */
  static String compact(long micros) {
    return COMPACT.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)));
  }
}
