package org.logcause.attribution.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Releases as the software logs them itself: the version a program names when it starts or stops ("starting
 * PostgreSQL 15.18", "mysqld 8.0.36 starting as process 1", "Starting OrderService v2.4.1 using Java 17", "shop-svc
 * v1.8.2 shutting down") or gives as a field of those lines ({@code version}). When one host of a component runs
 * another version after a restart than before it, that restart put a release in place: a deploy, or a rollback when
 * the component ran that version before. So a run without a change feed, or with one that missed a release, still has
 * the deploy to attribute. A change feed's deploy or revert of the same component near the same time already gives it.
 */
public final class Versions {
  /**
   * A version in a start or stop line: {@code v1.9} or {@code v1.9.0-rc1}; three or more numbers ({@code 8.0.36},
   * not an IPv4 address); or two right after a product's capitalised name ({@code PostgreSQL 15.18}), so that a
   * duration ("in 3.2 seconds") is none.
   */
  private static final Pattern VERSION = Pattern.compile(
      "(?<![\\w.])(v\\d+(?:\\.\\d+)+(?:[-+~][0-9A-Za-z.+~-]*[0-9A-Za-z])?|\\d+\\.\\d+\\.\\d+(?:[-+~][0-9A-Za-z.+~-]*[0-9A-Za-z])?)(?![\\w.])"
          + "|(?<=\\b[A-Z][A-Za-z]{2,30} )(\\d+\\.\\d+)(?![\\w.]|\\s*(?:s|ms|sec|secs|seconds|%)\\b)");
  /** How long one release takes to reach every host of a component: a host changing to it later is the same one. */
  private static final long ROLLOUT_MICROS = 30 * 60 * 1_000_000L;
  private static final Pattern IPV4 = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

  private Versions() {}

  /**
   * A start or stop line of one host of a component: its event, time (epoch µs), whether it starts (else stops) the
   * program, its {@code version} field (null when none) and its message.
   */
  public record Observation(String eventId, long ts, String component, String host, boolean start, String field,
      String message) {}

  /** The version a start or stop line names: its field, else the first version in its message; null when none. */
  static String read(String field, String message) {
    if (field != null && !field.isBlank()) {
      return field.trim();
    }
    if (message == null) {
      return null;
    }
    Matcher m = VERSION.matcher(message);
    while (m.find()) {
      String v = m.group(1) != null ? m.group(1) : m.group(2);
      if (!IPV4.matcher(v).matches()) {
        return v;
      }
    }
    return null;
  }

  /**
   * {@code recorded} (change records and restarts, in time order) with the releases the start and stop lines show
   * that no record already gives, in time order. A release is dated by the restart that put it in place: the stop
   * line before the first line naming the new version, or that line when it is a start.
   *
   * @param sameMicros how far apart a record and the restart of the same release may be
   */
  public static List<Facts.Action> merge(List<Facts.Action> recorded, List<Observation> lines, long sameMicros) {
    if (lines.isEmpty()) {
      return recorded;
    }
    List<Observation> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparingLong(Observation::ts).thenComparing(Observation::eventId));
    Map<String, Observation> lastSeen = new LinkedHashMap<>(); // per component and host: its last line with a version
    Map<String, Set<String>> ran = new LinkedHashMap<>(); // per component and host: the versions it ran
    Map<String, Release> lastRelease = new LinkedHashMap<>(); // per component: the last release found
    List<Facts.Action> out = new ArrayList<>(recorded);
    for (Observation o : sorted) {
      String version = read(o.field(), o.message());
      if (version == null) {
        continue;
      }
      String key = o.component() + "\u0000" + o.host();
      Observation before = lastSeen.put(key, o);
      Set<String> versions = ran.computeIfAbsent(key, k -> new HashSet<>());
      String was = before == null ? null : read(before.field(), before.message());
      boolean ranBefore = !versions.add(version);
      if (was == null || was.equals(version)) {
        continue;
      }
      Observation dating = o.start() ? o : !before.start() ? before : null;
      if (dating == null) {
        continue; // started with the old version, stopped with the new: the restart between left no line to date it
      }
      Release last = lastRelease.get(o.component());
      if (last != null && version.equals(last.version()) && dating.ts() - last.ts() <= ROLLOUT_MICROS) {
        continue; // the same release reaching another host of the component
      }
      lastRelease.put(o.component(), new Release(version, dating.ts()));
      if (inFeed(recorded, o.component(), dating.ts(), sameMicros)) {
        continue;
      }
      String text = String.format(java.util.Locale.ROOT, "%s ran %s after its restart at %s and %s before it (\"%s\")",
          o.component(), version, Wording.hm(dating.ts()), was, Facts.Line.quoted(o.message()));
      Facts.Action release = new Facts.Action(o.eventId(), dating.ts(), o.component(), ranBefore ? "revert" : "deploy", null,
          text, null, "version", version, null);
      out.add(release);
    }
    out.sort(Comparator.comparingLong(Facts.Action::ts).thenComparing(a -> String.valueOf(a.eventId())));
    return out;
  }

  private record Release(String version, long ts) {}

  /** Whether a change record already gives a release of this component at this time: a deploy or revert near it. */
  private static boolean inFeed(List<Facts.Action> recorded, String component, long ts, long sameMicros) {
    for (Facts.Action a : recorded) {
      String type = a.type() == null ? "" : a.type();
      if ((type.equals("deploy") || type.equals("revert") || "version".equals(a.parameter()))
          && a.component().equals(component) && Math.abs(a.ts() - ts) <= sameMicros) {
        return true;
      }
    }
    return false;
  }
}
