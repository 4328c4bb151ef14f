package org.logcause.ingest.format;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The options of one source's format, checked against the keys that format knows. */
final class Options {
  /**
   * Options every format takes: {@code year}, the year of timestamps that have none (syslog, logcat), and
   * {@code container}, the container runtime whose files wrap the lines ({@link ContainerLineParser}).
   */
  static final Set<String> COMMON = Set.of("year", ContainerLineParser.OPTION);

  private final String format;
  private final Map<String, String> values;

  Options(String format, Map<String, String> values, Set<String> known) {
    this.format = format;
    this.values = values;
    for (String key : values.keySet()) {
      if (!known.contains(key) && !COMMON.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option \"" + key + "\" for format " + format + " (known: " + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  String get(String key, String fallback) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? fallback : v;
  }

  String require(String key) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("format " + format + " needs option \"" + key + "\"");
    }
    return v;
  }


  IllegalArgumentException bad(String key, String problem) {
    return new IllegalArgumentException("option " + key + ": " + problem);
  }
}
