package org.logcause.attribution.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How attribution words categories, signals, values, times and durations in its explanations and evidence. */
final class Wording {
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private Wording() {}

  static String label(String category) {
    return switch (category) {
      case "errors" -> "error rate";
      case "latency" -> "latency";
      case "traffic_spike" -> "traffic spike";
      case "traffic_surge" -> "external traffic surge";
      case "restart" -> "restart";
      default -> category.replace('_', ' ');
    };
  }

  static String signalText(String signal) {
    if (signal.startsWith("category:")) {
      return signal.substring("category:".length()).replace('_', ' ') + " events per window";
    }
    return switch (signal) {
      case "error_ratio" -> "the share of error events";
      case "latency_p50_ms" -> "median latency";
      case "latency_p95_ms" -> "p95 latency";
      case "latency_p99_ms" -> "p99 latency";
      case "requests" -> "requests per window";
      case "slow_query_p95_ms" -> "p95 of slow query durations";
      default -> signal;
    };
  }

  static String value(String signal, double v) {
    if (signal.equals("error_ratio") || signal.endsWith("_share")) {
      return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }
    if (signal.endsWith("_ms")) {
      return v >= 10_000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
    }
    return num(v);
  }

  static String hm(long micros) {
    return HM.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)));
  }

  static String duration(long seconds) {
    if (seconds < 120) return seconds + " s";
    if (seconds < 7200) return (seconds / 60) + " min";
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
  }

  static String capitalise(String s) {
    return s == null || s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
