package org.logcause.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.logcause.attribution.core.Attributor;

/** The incident's HTML report: log text is untrusted and stays text; the report links its timeline to its evidence. */
class IncidentReportTest {
  static final String PLANTED = "x\"'><script>alert('pwned')</script><img src=x onerror=alert(2)>";

  static long micros(String ts) {
    Instant i = Instant.parse(ts);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  static Attributor.Result result() {
    long change = micros("2026-03-01T02:00:05Z");
    var rc = new Attributor.Hypothesis("inc-1", 1, "db-primary", "config_change", "c-1", "c-1", "ROOT_CAUSE", 1.2, 0.9,
        change, "Change c-1 set synchronous_commit " + PLANTED, List.of(
            new Attributor.Evidence("change", change, "change c-1 " + PLANTED, "ev-change"),
            new Attributor.Evidence("test:parameter", change, "synchronous_commit governs commits", "ev-change"),
            new Attributor.Evidence("line", micros("2026-03-01T02:00:30Z"), "first wait", "ev-wait"),
            new Attributor.Evidence("explains", null, "explains 3 of 4 signals", null)),
        null, List.of());
    long spike = micros("2026-03-01T02:01:00Z");
    var ddos = new Attributor.Hypothesis("inc-1", 2, "web", "traffic_spike", "traffic_spike", null, "MISLEADING", 0.3,
        0.8, spike, "Traffic rose but 98% were clients seen before: a retry storm.", List.of(
            new Attributor.Evidence("test:clients", spike, "98% of the requests came from clients seen before", "ev-req")),
        "it is an attack (DDoS)", List.of());
    var symptom = new Attributor.Hypothesis("inc-1", 3, "app", "timeout", "timeout", null, "SYMPTOM", 0.2, 0.5,
        micros("2026-03-01T02:00:40Z"), "A consequence of c-1.", List.of(), null, List.of());
    var summary = new Attributor.Summary("inc-1", micros("2026-03-01T02:00:30Z"), micros("2026-03-01T02:30:00Z"),
        List.of("db-primary", "web"), "critical", rc, List.of(ddos), List.of(
            new Attributor.TimelineEntry(change, "root_cause_onset", "Change c-1 " + PLANTED),
            new Attributor.TimelineEntry(spike, "misleading_lead", "\"it is an attack (DDoS)\"?"),
            new Attributor.TimelineEntry(micros("2026-03-01T02:30:00Z"), "recovery", "the incident ends")));
    return new Attributor.Result(List.of(rc, ddos, symptom), summary);
  }

  static Map<String, IncidentReport.Line> lines() {
    return Map.of(
        "ev-change", new IncidentReport.Line("ev-change", micros("2026-03-01T02:00:05.120Z"), "changes", "INFO",
            "config_change", "setting", "config_change c-1 " + PLANTED, "changes.jsonl", 3),
        "ev-wait", new IncidentReport.Line("ev-wait", micros("2026-03-01T02:00:30Z"), "db-primary", "LOG",
            "replication_fault", "sync_commit_wait", "canceling wait for synchronous replication " + PLANTED, "pg.log", 41));
  }

  static Document render() {
    var accounting = new IncidentReport.Accounting(List.of(new IncidentReport.FileRow("db", "pg.log" + PLANTED, 10, 9, 1, 0)),
        10, 9, 1, 0);
    String html = HtmlPages.incident(IncidentReport.of("shop", "run-1", result(), lines(), accounting, null, HtmlPages.page()));
    return Jsoup.parse(html);
  }

  @Test
  void loggedMarkupIsTextNotCode() throws Exception {
    Document doc = render();
    assertThat(doc.select("script")).as("only the page's own script").hasSize(1);
    assertThat(doc.select("img")).isEmpty();
    assertThat(doc.getAllElements().stream().flatMap(e -> e.attributes().asList().stream())
        .filter(a -> a.getKey().startsWith("on"))).as("no event handler attribute").isEmpty();
    assertThat(doc.select("td.msg").eachText()).anyMatch(t -> t.contains("<script>alert('pwned')</script>"));
    assertThat(doc.text()).contains("pg.log" + PLANTED);

    String script = doc.selectFirst("script").data();
    String hash = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
    String csp = doc.selectFirst("meta[http-equiv=Content-Security-Policy]").attr("content");
    assertThat(csp).contains("default-src 'none'").contains("script-src 'sha256-" + hash + "'");
  }

  @Test
  void evidenceIsCollapsedAndTheTimelineLinksToIt() {
    Document doc = render();
    Element rc = doc.getElementById("h-1");
    assertThat(rc.selectFirst("details.evidence").hasAttr("open")).isFalse();
    assertThat(rc.select("table.lines tr[id]").eachAttr("id")).containsExactly("h-1-ev-change", "h-1-ev-wait");
    assertThat(rc.selectFirst(".test").text()).contains("synchronous_commit governs commits");
    assertThat(rc.select("ul.facts li").eachText()).as("a cited line is in the table, not repeated as a fact")
        .noneMatch(t -> t.contains("first wait")).anyMatch(t -> t.contains("explains 3 of 4 signals"));

    Element rootCauseEntry = doc.getElementById("t-0");
    assertThat(rootCauseEntry.selectFirst("a.evidence-link").attr("href")).isEqualTo("#h-1-ev-change");
    assertThat(doc.getElementById("h-1-ev-change").select("a").eachAttr("href")).contains("#t-0");
    assertThat(doc.getElementById("t-1").selectFirst("a.evidence-link").attr("href"))
        .as("a misleading lead with no cited line links to its hypothesis").isEqualTo("#h-2");
    assertThat(doc.getElementById("t-2").select("a.evidence-link")).isEmpty();

    Element ddos = doc.getElementById("h-2");
    assertThat(ddos.text()).contains("it is an attack (DDoS)").contains("Decisive test");
    assertThat(doc.select("#hypothesis-table tbody tr")).hasSize(3);
    assertThat(doc.select("#hypotheses .others article").eachAttr("id")).containsExactly("h-3");
  }
}
