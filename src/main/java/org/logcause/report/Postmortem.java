package org.logcause.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.logcause.attribution.core.Attributor;

/** A postmortem draft of one incident in Markdown, in the shape responders write them. */
public final class Postmortem {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Postmortem() {}

  public static String markdown(String job, String runId, Attributor.Result result, String chart) {
    Attributor.Summary s = result.summary();
    Attributor.Hypothesis rc = s.rootCause();
    StringBuilder b = new StringBuilder();
    b.append("# Postmortem draft: ").append(job).append(", incident ").append(s.incidentId()).append("\n\n");
    b.append("_Drafted by logcause (run ").append(runId).append(") from the logs alone. Check every claim against the "
        + "evidence below before you publish it._\n\n");
    b.append("## Summary\n\n");
    if (rc == null) {
      b.append("An incident was detected, but no hypothesis could be formed from its anomalies.\n\n");
    } else {
      b.append(String.format(Locale.ROOT, "From %s to %s (%s), %s. Root cause (confidence %.2f): **%s**.%n%n",
          ts(s.start()), ts(s.end()), Attributor.duration((s.end() - s.start()) / 1_000_000L),
          s.components().isEmpty() ? "the service was degraded" : String.join(", ", s.components()) + " showed anomalies",
          rc.confidence(), rc.cause() + " (" + Attributor.label(rc.category()) + ") on " + rc.component()));
      b.append(rc.explanation()).append("\n\n");
    }
    if (chart != null) {
      b.append("![Key signals of the incident](").append(chart).append(")\n\n");
    }
    b.append("## Impact\n\n");
    b.append(String.format(Locale.ROOT, "- Duration: %s (%s – %s), severity %s.%n", Attributor.duration((s.end() - s.start()) / 1_000_000L),
        ts(s.start()), ts(s.end()), s.severity()));
    b.append("- Components with anomalies: ").append(s.components().isEmpty() ? "none" : String.join(", ", s.components())).append(".\n");
    for (Attributor.Hypothesis h : result.hypotheses()) {
      if (h.category().equals("errors") || h.category().equals("latency")) {
        h.evidence().stream().filter(e -> e.kind().equals("onset")).findFirst()
            .ifPresent(e -> b.append("- ").append(capitalise(e.detail())).append(".\n"));
      }
    }
    b.append("\n## Root cause\n\n");
    if (rc != null) {
      b.append(rc.explanation()).append("\n\n");
      evidence(b, rc.evidence());
    }
    if (!s.misleading().isEmpty()) {
      b.append("\n## Misleading leads\n\n");
      for (Attributor.Hypothesis m : s.misleading()) {
        b.append("- **\"").append(m.lead()).append("\"** (").append(Attributor.label(m.category())).append(" on ")
            .append(m.component()).append(", from ").append(Attributor.hm(m.onset())).append("): ").append(m.explanation()).append("\n");
      }
    }
    b.append("\n## Timeline (UTC)\n\n| time | what |\n|---|---|\n");
    for (Attributor.TimelineEntry t : s.timeline()) {
      b.append("| ").append(Attributor.hm(t.ts())).append(" | ").append(kindText(t.kind())).append(": ")
          .append(t.text().replace("|", "\\|")).append(" |\n");
    }
    b.append("\n## All hypotheses\n\n| rank | verdict | cause | component | score | confidence | onset |\n|---|---|---|---|---|---|---|\n");
    for (Attributor.Hypothesis h : result.hypotheses()) {
      b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.3f | %.2f | %s |%n", h.rank(), h.verdict(),
          h.cause().equals(h.category()) ? Attributor.label(h.category()) : h.cause() + " (" + Attributor.label(h.category()) + ")",
          h.component(), h.score(), h.confidence(), Attributor.hm(h.onset())));
    }
    b.append("\n## Follow-ups to consider\n\n");
    if (rc != null && rc.changeId() != null) {
      b.append("- How did change ").append(rc.changeId()).append(" pass review, and what check would have caught it?\n");
    }
    for (Attributor.Hypothesis m : s.misleading()) {
      b.append("- Add the discriminating check for \"").append(m.lead()).append("\" to the runbook of ").append(m.component()).append(".\n");
    }
    b.append("- Alert on the earliest signal of the root cause, not only on its symptoms.\n");
    return b.toString();
  }

  private static void evidence(StringBuilder b, List<Attributor.Evidence> evidence) {
    b.append("Evidence:\n\n");
    for (Attributor.Evidence e : evidence) {
      b.append("- ").append(e.ts() == null ? "" : Attributor.hm(e.ts()) + " ").append("[").append(e.kind()).append("] ")
          .append(e.detail()).append(e.eventId() == null ? "" : " (event " + e.eventId() + ")")
          .append("\n");
    }
  }

  private static String kindText(String kind) {
    return switch (kind) {
      case "first_alert" -> "**first alert**";
      case "root_cause_onset" -> "**root cause**";
      case "misleading_lead" -> "misleading lead";
      case "remediation" -> "remediation";
      case "recovery" -> "**recovery**";
      default -> kind;
    };
  }

  private static String ts(long micros) {
    return TS.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)));
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
