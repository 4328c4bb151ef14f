package org.logcause.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.logcause.attribution.core.Attributor;
import org.logcause.attribution.core.Facts;

/**
 * What the incident timeline chart shows, decided without drawing anything: which signals get a strip (the root
 * cause's first, then each misleading lead's, then the symptoms by rank), their onsets, the change and restart
 * markers, and the time range. {@link ChartRenderer} draws it; tests check this plan.
 */
public final class IncidentChart {
  /** Most strips in one chart: more would be unreadable at a glance. */
  public static final int MAX_STRIPS = 7;
  /** Context shown before the first onset or change and after the incident's end. */
  static final long MARGIN_US = 10 * 60 * 1_000_000L;

  private IncidentChart() {}

  /** A signal to draw: whose, which, what role it plays, and when it began (epoch microseconds). */
  public record Key(String component, String signal, String role, String label, long onset) {}

  /** A vertical marker: a change record, a restart or a revert, at its time (epoch microseconds). */
  public record Marker(long ts, String kind, String label, boolean rootCause) {}

  /** One point of a strip: window start (epoch microseconds) and value. */
  public record Point(long ts, double value) {}

  /** A strip of the chart: the key signal and its values over the chart's range. */
  public record Strip(Key key, String unit, List<Point> points) {}

  /** The plan: title, range (epoch microseconds), the incident's window, the strips to fill and the markers. */
  public record Plan(String title, String subtitle, long from, long to, long incidentStart, long incidentEnd,
      List<Key> keys, List<Marker> markers) {}

  /** The plan with the strips' values filled in. */
  public record Data(Plan plan, List<Strip> strips, int windowSeconds) {}

  /** Decides what one incident's chart shows. */
  public static Plan plan(String job, Facts facts, Attributor.Result result) {
    Attributor.Summary s = result.summary();
    Attributor.Hypothesis rc = s.rootCause();
    Map<String, Facts.Anomaly> bySignal = new LinkedHashMap<>();
    for (Facts.Anomaly a : facts.anomalies()) {
      bySignal.merge(a.component() + "\u0000" + a.signal(), a, (x, y) -> x.score() >= y.score() ? x : y);
    }
    Map<String, Key> keys = new LinkedHashMap<>();
    List<Attributor.Hypothesis> ordered = new ArrayList<>();
    if (rc != null) ordered.add(rc);
    ordered.addAll(s.misleading());
    result.hypotheses().stream().filter(h -> h.verdict().equals("SYMPTOM") || h.verdict().equals("CONTRIBUTING"))
        .sorted(Comparator.comparingInt(Attributor.Hypothesis::rank)).forEach(ordered::add);
    // A root cause without its own signal (a change record): its component's earliest symptom stands for it.
    if (rc != null && rc.signals().isEmpty()) {
      result.hypotheses().stream().filter(h -> h != rc && h.component().equals(rc.component()) && !h.signals().isEmpty()
              && !h.verdict().equals("MISLEADING"))
          .min(Comparator.comparingLong(Attributor.Hypothesis::onset))
          .ifPresent(h -> add(keys, h, bySignal, "root_cause", "first effect of " + rc.cause()));
    }
    for (Attributor.Hypothesis h : ordered) {
      if (keys.size() >= MAX_STRIPS) break;
      String role = h == rc ? "root_cause" : h.verdict().equals("MISLEADING") ? "misleading" : "symptom";
      String label = switch (role) {
        case "root_cause" -> "root cause";
        case "misleading" -> "misleading: \"" + h.lead() + "\"";
        default -> "symptom";
      };
      add(keys, h, bySignal, role, label);
    }
    List<Key> chosen = keys.values().stream().limit(MAX_STRIPS).toList();

    List<Marker> markers = markers(facts.actions(), rc == null ? null : rc.changeId());
    long first = facts.start();
    for (Key k : chosen) first = Math.min(first, k.onset());
    for (Marker m : markers) if (m.rootCause()) first = Math.min(first, m.ts());
    long from = first - MARGIN_US;
    long to = facts.end() + MARGIN_US;
    List<Marker> shown = markers.stream().filter(m -> m.ts() >= from && m.ts() <= to).toList();
    String title = job + " — incident " + s.incidentId() + " (" + s.severity() + ")";
    String subtitle = rc == null ? "no root cause found"
        : String.format(Locale.ROOT, "root cause: %s on %s (confidence %.2f)",
            rc.cause().equals(rc.category()) ? rc.category() : rc.cause() + " (" + rc.category() + ")", rc.component(), rc.confidence());
    return new Plan(title, subtitle, from, to, facts.start(), facts.end(), chosen, shown);
  }

  /** Restart events of one component this close together are one restart (a shutdown logs several lines). */
  static final long RESTART_MERGE_US = 120 * 1_000_000L;

  /**
   * One marker per change, revert and restart, in time order. The lines a shutdown logs and the change record that
   * requested it become one restart marker, labelled with the record's id when there is one.
   */
  static List<Marker> markers(List<Facts.Action> actions, String rootChangeId) {
    List<Facts.Action> sorted = actions.stream().sorted(Comparator.comparingLong(Facts.Action::ts)).toList();
    List<Marker> out = new ArrayList<>();
    for (Facts.Action a : sorted) {
      String kind = "restart".equals(a.type()) ? "restart" : a.reverts() != null ? "revert" : "change";
      boolean isRoot = rootChangeId != null && rootChangeId.equals(a.changeId());
      if (kind.equals("restart") && !out.isEmpty()) {
        Marker last = out.get(out.size() - 1);
        if (last.kind().equals("restart") && a.ts() - last.ts() <= RESTART_MERGE_US && last.label().endsWith(" " + a.component())) {
          if (a.changeId() != null && !last.label().startsWith(a.changeId() + " ")) {
            out.set(out.size() - 1, new Marker(last.ts(), kind, a.changeId() + " restart " + a.component(), last.rootCause() || isRoot));
          }
          continue;
        }
      }
      out.add(new Marker(a.ts(), kind, (a.changeId() == null ? "" : a.changeId() + " ") + kind + " " + a.component(), isRoot));
    }
    return out;
  }

  private static void add(Map<String, Key> keys, Attributor.Hypothesis h, Map<String, Facts.Anomaly> bySignal, String role,
      String label) {
    String signal = pick(h, bySignal);
    if (signal == null) return;
    Facts.Anomaly a = bySignal.get(h.component() + "\u0000" + signal);
    keys.putIfAbsent(h.component() + "\u0000" + signal,
        new Key(h.component(), signal, role, label, a == null ? h.onset() : a.onset()));
  }

  /**
   * The signal that shows a hypothesis best: requests for traffic, p95 for latency, else its highest-scoring one,
   * a named signal before a mined template's (a template id means nothing on a chart).
   */
  static String pick(Attributor.Hypothesis h, Map<String, Facts.Anomaly> bySignal) {
    List<String> named = h.signals().stream().filter(sig -> !sig.startsWith("template:")).toList();
    List<String> signals = named.isEmpty() ? h.signals() : named;
    if (signals.isEmpty()) return null;
    for (String preferred : List.of("requests", "latency_p95_ms")) {
      if (signals.contains(preferred)) return preferred;
    }
    return signals.stream().max(Comparator.comparingDouble((String sig) -> {
      Facts.Anomaly a = bySignal.get(h.component() + "\u0000" + sig);
      return a == null ? Double.NEGATIVE_INFINITY : a.score();
    }).thenComparing(Comparator.reverseOrder())).orElseThrow();
  }

  /** Signals whose missing windows mean zero (counts); gauges (ratios, shares, latencies) are left with gaps. */
  static boolean isCount(String signal) {
    return !(signal.endsWith("_ms") || signal.endsWith("_share") || signal.endsWith("_ratio"));
  }

  /** The unit of a signal's values, for the strip's axis. */
  static String unit(String signal, int windowSeconds) {
    if (signal.endsWith("_ms")) return "ms";
    if (signal.endsWith("_share") || signal.endsWith("_ratio")) return "share";
    return "per " + windowSeconds + " s";
  }

  /** Readable signal name: {@code category:timeout} → {@code timeout}. */
  static String signalName(String signal) {
    return signal.startsWith("category:") ? signal.substring("category:".length()) : signal;
  }

  /**
   * Fills the plan's strips from the signal values (component, signal, window start → value); count signals get
   * zeros in windows without data.
   */
  public static Data fill(Plan plan, Map<String, Map<Long, Double>> values, int windowSeconds) {
    long w = windowSeconds * 1_000_000L;
    List<Strip> strips = new ArrayList<>();
    for (Key k : plan.keys()) {
      Map<Long, Double> v = values.getOrDefault(k.component() + "\u0000" + k.signal(), Map.of());
      List<Point> points = new ArrayList<>();
      for (long t = Math.floorDiv(plan.from(), w) * w; t <= plan.to(); t += w) {
        Double value = v.get(t);
        if (value != null) {
          points.add(new Point(t, value));
        } else if (isCount(k.signal())) {
          points.add(new Point(t, 0));
        }
      }
      strips.add(new Strip(k, unit(k.signal(), windowSeconds), points));
    }
    return new Data(plan, strips, windowSeconds);
  }

  /** The (component, signal) pairs whose values the plans need, as {@code component + "\0" + signal}. */
  public static Set<String> needed(List<Plan> plans) {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (Plan p : plans) for (Key k : p.keys()) out.add(k.component() + "\u0000" + k.signal());
    return out;
  }
}
