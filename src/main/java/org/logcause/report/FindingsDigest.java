package org.logcause.report;

import java.util.List;

/**
 * What a nightly findings digest ({@code findings/<date>.html}) shows: the night's findings, most severe first, and
 * the routine jobs seen. Plain text throughout; the template escapes it.
 *
 * @param nights how many earlier nights the findings were compared with (those the output folder holds, up to the
 *     job's history)
 */
public record FindingsDigest(String job, String runId, String date, int nights, List<Row> findings, List<Row> routine,
    IncidentReport.Page page) {

  /** One finding. {@code examples}: example log lines, each "time component level message (event id)". */
  public record Row(String findingId, String kind, String severity, String component, String subject, String title,
      String detail, String firstSeen, String lastSeen, long count, int nightsSeen, List<Example> examples) {}

  public record Example(String eventId, String time, String component, String level, String message) {}

  /** True when nothing needs attention: the digest says so. */
  public boolean quiet() {
    return findings.isEmpty();
  }

  public String nightsText() {
    return nights + (nights == 1 ? " earlier night" : " earlier nights");
  }

  public String title() {
    return "Nightly findings " + date + " — " + job;
  }

  public long count(String severity) {
    return findings.stream().filter(f -> f.severity().equals(severity)).count();
  }
}
