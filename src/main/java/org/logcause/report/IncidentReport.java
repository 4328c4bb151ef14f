package org.logcause.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.logcause.attribution.core.Attributor;

/**
 * What the HTML report of one incident shows, ready for its template ({@code src/main/jte/incident.jte}): every value
 * is plain text (the template escapes it), except the chart, an SVG our own renderer drew.
 *
 * @param lines the log lines the hypotheses cite, by event id (from {@code events}, masked as there)
 */
public record IncidentReport(String job, String runId, String incidentId, String start, String end, String duration,
    String severity, List<String> components, Hypothesis rootCause, List<Hypothesis> misleading,
    List<Hypothesis> hypotheses, List<TimelineRow> timeline, Accounting accounting, String chartSvg, Page page) {

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TS_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** A log line the evidence cites. Times in epoch microseconds. */
  public record Line(String eventId, long ts, String component, String level, String category, String subcategory,
      String message, String file, long line) {}

  /** One hypothesis as the report shows it; {@code anchor} is its element id. */
  public record Hypothesis(String anchor, int rank, String verdict, String cause, String category, String component,
      double score, double confidence, String onset, String lead, String explanation, String decisiveTest,
      List<Fact> facts, List<LineRow> lines) {
    public String confidenceText() {
      return String.format(Locale.ROOT, "%.2f", confidence);
    }

    public String scoreText() {
      return String.format(Locale.ROOT, "%.3f", score);
    }

    /** The explanation, unless it begins with the decisive test (then the test box says it all). */
    public String explanationBeyondTest() {
      return decisiveTest != null && explanation.toLowerCase(Locale.ROOT).startsWith(
          decisiveTest.toLowerCase(Locale.ROOT)) ? null : explanation;
    }

    /** What the decisive-test box shows: the explanation itself when it begins with the test. */
    public String testText() {
      return explanationBeyondTest() == null ? explanation : decisiveTest;
    }

    public String verdictClass() {
      return verdict.toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One fact of a hypothesis's evidence; {@code lineAnchor} links to the log line it cites (null: none shown). */
  public record Fact(String time, String kind, String detail, String eventId, String lineAnchor) {}

  /** A cited log line under a hypothesis; {@code timelineAnchor} links back to the timeline entry it dates (or null). */
  public record LineRow(String anchor, String eventId, String time, String component, String level, String what,
      String message, String where, String timelineAnchor) {}

  /** One timeline entry; {@code link} is the anchor of its evidence (a log line, else a hypothesis; null: none). */
  public record TimelineRow(String anchor, String time, String kind, String kindLabel, String text, String link) {}

  /** What the run read: per file, and in total. */
  public record Accounting(List<FileRow> files, long lines, long events, long continuation, long quarantined) {}

  public record FileRow(String source, String file, long lines, long events, long continuation, long quarantined) {}

  /** The page's fixed parts: its style, its script and the script's hash for the content security policy. */
  public record Page(String css, String script, String scriptHash) {}

  /** The report of one incident's attribution, with the log lines its evidence cites. */
  public static IncidentReport of(String job, String runId, Attributor.Result result, Map<String, Line> lines,
      Accounting accounting, String chartSvg, Page page) {
    Attributor.Summary s = result.summary();
    Map<String, String> firstAnchorOfEvent = new HashMap<>();
    List<Hypothesis> all = new ArrayList<>();
    // Root cause and misleading leads first, so a timeline entry links to the evidence a reader looks for first.
    List<Attributor.Hypothesis> ordered = new ArrayList<>(result.hypotheses());
    ordered.sort((a, b) -> Integer.compare(priority(a), priority(b)));
    Map<Integer, Hypothesis> byRank = new HashMap<>();
    Map<String, String> timelineOfEvent = timelineOfEvents(s, result.hypotheses());
    for (Attributor.Hypothesis h : ordered) {
      byRank.put(h.rank(), hypothesis(h, lines, firstAnchorOfEvent, timelineOfEvent));
    }
    for (Attributor.Hypothesis h : result.hypotheses()) {
      all.add(byRank.get(h.rank()));
    }
    Hypothesis rc = s.rootCause() == null ? null : byRank.get(s.rootCause().rank());
    List<Hypothesis> misleading = s.misleading().stream().map(m -> byRank.get(m.rank())).toList();
    List<TimelineRow> timeline = new ArrayList<>();
    for (int i = 0; i < s.timeline().size(); i++) {
      Attributor.TimelineEntry t = s.timeline().get(i);
      timeline.add(new TimelineRow("t-" + i, Attributor.hm(t.ts()), t.kind(), kindLabel(t.kind()), t.text(),
          timelineLink(t, s, result.hypotheses(), firstAnchorOfEvent)));
    }
    return new IncidentReport(job, runId, s.incidentId(), ts(s.start()), ts(s.end()),
        Attributor.duration((s.end() - s.start()) / 1_000_000L), s.severity(), s.components(), rc, misleading, all,
        timeline, accounting, chartSvg, page);
  }

  private static int priority(Attributor.Hypothesis h) {
    return switch (h.verdict()) {
      case "ROOT_CAUSE" -> 0;
      case "MISLEADING" -> 1;
      default -> 2;
    } * 10_000 + h.rank();
  }

  private static Hypothesis hypothesis(Attributor.Hypothesis h, Map<String, Line> lines,
      Map<String, String> firstAnchorOfEvent, Map<String, String> timelineOfEvent) {
    String anchor = "h-" + h.rank();
    List<Fact> facts = new ArrayList<>();
    List<LineRow> rows = new ArrayList<>();
    Set<String> shown = new LinkedHashSet<>();
    for (Attributor.Evidence e : h.evidence()) {
      String lineAnchor = null;
      Line l = e.eventId() == null ? null : lines.get(e.eventId());
      if (l != null) {
        lineAnchor = anchor + "-" + l.eventId();
        if (shown.add(l.eventId())) {
          firstAnchorOfEvent.putIfAbsent(l.eventId(), lineAnchor);
          rows.add(new LineRow(lineAnchor, l.eventId(), TS_MS.format(instant(l.ts())), l.component(), l.level(),
              what(l), l.message(), l.file() + ":" + l.line(), timelineOfEvent.get(l.eventId())));
        }
      }
      if (!(e.kind().equals("line") && l != null)) { // a cited line is in the table of lines, in full
        facts.add(new Fact(e.ts() == null ? "" : Attributor.hm(e.ts()), e.kind(), e.detail(), e.eventId(), lineAnchor));
      }
    }
    rows.sort((a, b) -> a.time().compareTo(b.time()));
    String cause = h.cause().equals(h.category()) ? Attributor.label(h.category()) : h.cause();
    return new Hypothesis(anchor, h.rank(), h.verdict(), cause, Attributor.label(h.category()), h.component(), h.score(),
        h.confidence(), Attributor.hm(h.onset()), h.lead(), h.explanation(), decisiveTest(h), facts, rows);
  }

  /** The first discriminating test in the evidence ({@code test:*}): what settles the hypothesis. */
  private static String decisiveTest(Attributor.Hypothesis h) {
    return h.evidence().stream().filter(e -> e.kind().startsWith("test:")).map(Attributor.Evidence::detail).findFirst()
        .orElse(null);
  }

  /** The timeline entry each cited event dates: the same second as the entry, the root cause's evidence first. */
  private static Map<String, String> timelineOfEvents(Attributor.Summary s, List<Attributor.Hypothesis> hypotheses) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < s.timeline().size(); i++) {
      String id = eventOf(s.timeline().get(i), s, hypotheses);
      if (id != null) {
        out.putIfAbsent(id, "t-" + i);
      }
    }
    return out;
  }

  private static String eventOf(Attributor.TimelineEntry t, Attributor.Summary s, List<Attributor.Hypothesis> hypotheses) {
    List<Attributor.Hypothesis> order = new ArrayList<>(hypotheses);
    order.sort((a, b) -> Integer.compare(priority(a), priority(b)));
    if (t.kind().equals("misleading_lead")) {
      order = order.stream().filter(h -> h.verdict().equals("MISLEADING") && sameSecond(h.onset(), t.ts())).toList();
    } else if (t.kind().equals("root_cause_onset") && s.rootCause() != null) {
      order = List.of(s.rootCause());
    }
    for (Attributor.Hypothesis h : order) {
      for (Attributor.Evidence e : h.evidence()) {
        if (e.eventId() != null && e.ts() != null && sameSecond(e.ts(), t.ts())) {
          return e.eventId();
        }
      }
    }
    return null;
  }

  private static String timelineLink(Attributor.TimelineEntry t, Attributor.Summary s,
      List<Attributor.Hypothesis> hypotheses, Map<String, String> firstAnchorOfEvent) {
    String id = eventOf(t, s, hypotheses);
    if (id != null && firstAnchorOfEvent.containsKey(id)) {
      return firstAnchorOfEvent.get(id);
    }
    if (t.kind().equals("root_cause_onset") && s.rootCause() != null) {
      return "h-" + s.rootCause().rank();
    }
    if (t.kind().equals("misleading_lead")) {
      return s.misleading().stream().filter(m -> sameSecond(m.onset(), t.ts())).findFirst().map(m -> "h-" + m.rank())
          .orElse(null);
    }
    return null;
  }

  private static boolean sameSecond(long a, long b) {
    return Math.floorDiv(a, 1_000_000L) == Math.floorDiv(b, 1_000_000L);
  }

  private static String what(Line l) {
    String c = l.category() == null ? "" : Attributor.label(l.category());
    return l.subcategory() == null || l.subcategory().isEmpty() ? c : c + "/" + l.subcategory();
  }

  static String kindLabel(String kind) {
    return switch (kind) {
      case "first_alert" -> "first alert";
      case "root_cause_onset" -> "root cause";
      case "misleading_lead" -> "misleading lead";
      default -> kind.replace('_', ' ');
    };
  }

  public String title() {
    return "Incident " + incidentId + " — " + job;
  }

  public String summaryText() {
    return rootCause == null ? "An incident was detected, but no hypothesis could be formed from its anomalies." : null;
  }

  public String componentsText() {
    return components.isEmpty() ? "none" : String.join(", ", components);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static String ts(long micros) {
    return TS.format(instant(micros));
  }
}
