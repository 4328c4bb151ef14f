package org.logcause.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.logcause.attribution.core.Attributor;
import org.logcause.attribution.core.Facts;

/**
 * The postmortem draft of each incident ({@code <incident>.md}), beside it the timeline chart it shows
 * ({@code .png} and {@code .svg}) and the incident's self-contained HTML report ({@code .html}: the draft's content
 * with the log lines behind each hypothesis), written into a folder of the run's snapshot.
 */
public final class WritePostmortems {
  /** Folder of the postmortem drafts (Markdown, one per incident) in a run's snapshot. */
  public static final String FOLDER = "postmortems";

  private final String job;
  private final String runId;

  public WritePostmortems(String job, String runId) {
    this.job = job;
    this.runId = runId;
  }

  /** The charts of the incidents, planned: what series they need ({@link IncidentChart#needed}) and over when. */
  public List<IncidentChart.Plan> plans(List<Facts> facts, List<Attributor.Result> results) {
    List<IncidentChart.Plan> plans = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      plans.add(IncidentChart.plan(job, facts.get(i), results.get(i)));
    }
    return plans;
  }

  /**
   * @param values the charts' series (see {@link IncidentChart#needed}): series → window start → value
   * @param lines the log lines the evidence cites, by event id
   * @param accounting what the run read, for the reports
   * @param folder the snapshot's postmortem folder
   */
  public void apply(Configuration conf, List<Attributor.Result> results, List<IncidentChart.Plan> plans,
      Map<String, Map<Long, Double>> values, int windowSeconds, Map<String, IncidentReport.Line> lines,
      IncidentReport.Accounting accounting, Path folder) {
    for (int i = 0; i < plans.size(); i++) {
      Attributor.Result r = results.get(i);
      String id = r.summary().incidentId();
      IncidentChart.Data data = IncidentChart.fill(plans.get(i), values, windowSeconds);
      write(conf, new Path(folder, id + ".png"), ChartRenderer.png(data));
      byte[] svg = ChartRenderer.svg(data);
      write(conf, new Path(folder, id + ".svg"), svg);
      IncidentReport report = IncidentReport.of(job, runId, r, lines, accounting,
          inlineSvg(new String(svg, StandardCharsets.UTF_8)), HtmlPages.page());
      write(conf, new Path(folder, id + ".html"), HtmlPages.incident(report).getBytes(StandardCharsets.UTF_8));
      write(conf, new Path(folder, id + ".md"), Postmortem.markdown(job, runId, r, id + ".png").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The chart's SVG document as an element to place inside an HTML page (its XML prolog dropped). */
  static String inlineSvg(String svg) {
    int start = svg.indexOf("<svg");
    return start < 0 ? null : svg.substring(start);
  }

  /** The range and the series the charts of these plans read. */
  public static Set<String> needed(List<IncidentChart.Plan> plans) {
    return IncidentChart.needed(plans);
  }

  public static long from(List<IncidentChart.Plan> plans) {
    return plans.stream().mapToLong(IncidentChart.Plan::from).min().orElse(0);
  }

  public static long to(List<IncidentChart.Plan> plans) {
    return plans.stream().mapToLong(IncidentChart.Plan::to).max().orElse(0);
  }

  /** Where a draft is, relative to the run's snapshot (the {@code postmortem} column). */
  public static Function<String, String> draftPath() {
    return id -> FOLDER + "/" + id + ".md";
  }

  /** Writes a whole file of the run's snapshot (a draft, a chart, a report, a digest), replacing it. */
  public static void write(Configuration conf, Path path, byte[] bytes) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (FSDataOutputStream o = fs.create(path, true)) {
        o.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
