package org.logcause.attribution.core;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What attribution knows about one incident, gathered from the detect stage's tables: small data, never events.
 * Times are epoch microseconds (UTC).
 */
public record Facts(String incidentId, long start, long end, String severity, List<Anomaly> anomalies,
    List<Action> actions, List<TrafficWindow> traffic, long windowMicros, List<Line> lines, long dataEnd,
    Map<String, Line> templateFirst) implements Serializable {

  /**
   * Facts without the first lines of the incident's anomalous templates ({@code templateFirst}: template id → the
   * first event of that template in the incident's span).
   */
  public Facts(String incidentId, long start, long end, String severity, List<Anomaly> anomalies, List<Action> actions,
      List<TrafficWindow> traffic, long windowMicros, List<Line> lines, long dataEnd) {
    this(incidentId, start, end, severity, anomalies, actions, traffic, windowMicros, lines, dataEnd, Map.of());
  }

  /** Facts of data that goes on after the incident (no end of the logs in sight). */
  public Facts(String incidentId, long start, long end, String severity, List<Anomaly> anomalies, List<Action> actions,
      List<TrafficWindow> traffic, long windowMicros, List<Line> lines) {
    this(incidentId, start, end, severity, anomalies, actions, traffic, windowMicros, lines, Long.MAX_VALUE);
  }

  /**
   * Whether a recovery at {@code micros} (the end of the last anomalous window) was seen: the logs go on for at least
   * one whole healthy window after it. Logs read only up to the fix (a forensic run during the incident) end inside
   * the incident's last window, and the incident then only seems to end.
   */
  public boolean recoverySeen(long micros) {
    return dataEnd == Long.MAX_VALUE || micros + windowMicros <= dataEnd;
  }

  /** Facts without log lines to cite, over 10-second windows. */
  public Facts(String incidentId, long start, long end, String severity, List<Anomaly> anomalies, List<Action> actions,
      List<TrafficWindow> traffic) {
    this(incidentId, start, end, severity, anomalies, actions, traffic, 10_000_000L, List.of());
  }

  /**
   * A log line worth citing: one of the first events of a (component, category) in the incident's span, or one of
   * its component's slowest. {@code durationMs} is null when the line gives none.
   */
  public record Line(String eventId, long ts, String component, String category, String subcategory, Double durationMs,
      String message) implements Serializable {

    /** A message as evidence quotes it: one line, at most 120 characters. */
    public static String quoted(String message) {
      String one = message == null ? "" : message.replace('\n', ' ');
      return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
  }

  /**
   * An anomaly of the incident (see the {@code anomalies} table); {@code category}: a template signal's events'
   * category (null for other signals, or unknown).
   */
  public record Anomaly(String id, String component, String signal, long onset, long peak, long end, double peakValue,
      double baseline, double score, String category) implements Serializable {
    public Anomaly(String id, String component, String signal, long onset, long peak, long end, double peakValue,
        double baseline, double score) {
      this(id, component, signal, onset, peak, end, peakValue, baseline, score, null);
    }
  }

  /**
   * A state change someone or something made: a change record (type: config_change, deploy, restart, revert,
   * failover, scale, network, ...) or a requested shutdown in a component's own log (type restart).
   */
  public record Action(String eventId, long ts, String component, String type, String changeId, String text,
      String reverts, String parameter, String newValue, String actor) implements Serializable {

    /** "change c-64 set max_connections to '20' on db-primary (config_change by dba-bot)", or the record's text. */
    public String describe() {
      if (changeId == null || parameter == null) {
        return text;
      }
      return "change " + changeId + " set " + parameter + " to '" + (newValue == null ? "" : newValue) + "' on " + component
          + " (" + (type == null ? "change" : type) + (actor == null ? "" : " by " + actor) + ")";
    }
  }

  /** One window of an access-log component's traffic signals. */
  public record TrafficWindow(String component, long windowStart, double requests, double clients,
      double newClientShare, double retryShare) implements Serializable {}
}
