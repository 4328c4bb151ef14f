package org.logcause.signals.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Groups anomalies into incidents (Spark-free: anomalies are few). Only a sustained anomaly of an error or
 * service signal opens an incident: an error category count, the error ratio, latency or slow
 * queries, lasting at least {@code minOpeningWindows}. Routine noise (benign events, 4xx from scanners) and rare
 * one-off events never open one, but any anomaly that starts within {@code lookbackWindows} before an incident,
 * or during it, or is still going when it begins, joins it: a configuration change a minute before the timeouts belongs
 * to their incident, and so do archive failures that began half an hour before the disk filled.
 */
public final class GroupIncidents {
  private static final Set<String> ERROR_CATEGORIES = org.logcause.classify.core.Taxonomy.ERRORS;

  /** An anomaly as grouping needs it (window indices). */
  public record Item(String id, String component, String signal, long onset, long end, double score, boolean newSignal) {}

  /** An incident: its windows, components, severity and the anomalies in it. */
  public record Incident(String id, long start, long end, List<String> components, String severity, List<String> anomalyIds) {}

  private final int minOpeningWindows;
  private final int gapWindows;
  private final int lookbackWindows;
  private final double criticalScore;
  private final double highScore;
  private final int criticalComponents;

  public GroupIncidents(int minOpeningWindows, int gapWindows, int lookbackWindows) {
    this(minOpeningWindows, gapWindows, lookbackWindows, 20, 10, 3);
  }

  /**
   * @param criticalScore a peak score that makes an incident critical
   * @param highScore a peak score that makes it high
   * @param criticalComponents components with anomalies that make it critical
   */
  public GroupIncidents(int minOpeningWindows, int gapWindows, int lookbackWindows, double criticalScore,
      double highScore, int criticalComponents) {
    this.minOpeningWindows = minOpeningWindows;
    this.gapWindows = gapWindows;
    this.lookbackWindows = lookbackWindows;
    this.criticalScore = criticalScore;
    this.highScore = highScore;
    this.criticalComponents = criticalComponents;
  }

  /** The grouping of the job spec's {@code detection.grouping}, in windows of {@code windowSeconds}. */
  public static GroupIncidents of(org.logcause.job.Detection.Grouping g, int windowSeconds) {
    return new GroupIncidents(g.minOpeningWindows(), (int) Math.max(1, g.mergeGapSeconds() / windowSeconds),
        (int) Math.max(1, g.lookbackSeconds() / windowSeconds), g.criticalScore(), g.highScore(), g.criticalComponents());
  }

  static boolean opens(Item a, int minWindows) {
    if (a.newSignal() || a.end() - a.onset() + 1 < minWindows) {
      return false;
    }
    String category = Signals.categoryOf(a.signal());
    if (category != null) {
      return ERROR_CATEGORIES.contains(category);
    }
    return Signals.SERVICE.contains(a.signal());
  }

  public List<Incident> apply(List<Item> anomalies) {
    List<Item> opening = anomalies.stream().filter(a -> opens(a, minOpeningWindows))
        .sorted(Comparator.comparingLong(Item::onset).thenComparing(Item::id)).toList();
    List<long[]> spans = new ArrayList<>();
    for (Item a : opening) {
      long[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
      if (last != null && a.onset() <= last[1] + gapWindows) {
        last[1] = Math.max(last[1], a.end());
      } else {
        spans.add(new long[] {a.onset(), a.end()});
      }
    }
    List<Incident> incidents = new ArrayList<>();
    for (long[] span : spans) {
      List<Item> members = anomalies.stream()
          .filter(a -> a.end() >= span[0] - lookbackWindows && a.onset() <= span[1]) // begun in it, or still going
          .sorted(Comparator.comparing(Item::id)).toList();
      // an opener still going from an earlier incident joins this one but does not move its start
      long start = members.stream().filter(a -> opens(a, minOpeningWindows) && a.onset() >= span[0] - lookbackWindows)
          .mapToLong(Item::onset).min().orElse(span[0]);
      Set<String> components = new TreeSet<>();
      double maxScore = 0;
      for (Item m : members) {
        components.add(m.component());
        maxScore = Math.max(maxScore, m.score());
      }
      String severity = maxScore >= criticalScore || components.size() >= criticalComponents ? "critical"
          : maxScore >= highScore ? "high" : "medium";
      incidents.add(new Incident("inc-" + Long.toHexString(span[0]), start, span[1], List.copyOf(components), severity,
          members.stream().map(Item::id).toList()));
    }
    return incidents;
  }
}
