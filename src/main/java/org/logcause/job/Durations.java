package org.logcause.job;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations of job specs: {@code 10s}, {@code -2.5s}, {@code 150ms}, {@code 5m}, {@code 1h}, {@code 365d}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: \"" + text + "\" (expected a number and a unit ms, s, m, h or d, e.g. 10s or -2.5s)");
    }
    double value = Double.parseDouble(m.group(1));
    long unitMillis =
        switch (m.group(2)) {
          case "ms" -> 1L;
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 86_400_000L;
        };
    return Duration.ofNanos(Math.round(value * unitMillis * 1_000_000d));
  }
}
