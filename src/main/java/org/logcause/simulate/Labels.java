package org.logcause.simulate;

import java.util.List;
import java.util.Map;

/**
 * The ground truth of a simulated scenario, written as {@code labels.json}. Times are true UTC times (ISO-8601);
 * the logs themselves carry each host's clock skew ({@link #clockSkewSeconds}).
 */
public record Labels(
    String scenario,
    String family,
    long seed,
    String flavour,
    Window incident,
    RootCause rootCause,
    List<Signal> misleading,
    List<Remediation> remediation,
    Map<String, String> components,
    Map<String, Double> clockSkewSeconds,
    List<CorruptLine> corruptedLines) {

  /** The incident window; null in no-incident scenarios. */
  public record Window(String start, String end) {}

  /** What really caused it: component and category must both match for a hit; changeId when a change did it. */
  public record RootCause(String component, String category, String onset, String changeId, String description) {}

  /** A loud signal that looks like a cause but is not. */
  public record Signal(String category, String component, String time, String why) {}

  /** An action responders took and what it did. */
  public record Remediation(String action, String component, String time, String effect) {}

  /** A line the scenario corrupts on purpose (it must be quarantined). */
  public record CorruptLine(String file, long line) {}
}
