package org.logcause.findings;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.logcause.output.Tables;
import org.logcause.report.FindingsDigest;
import org.logcause.report.HtmlPages;
import org.logcause.report.WritePostmortems;

/** The nightly findings digest, {@code findings/<date>.html}, beside the night's partition of the findings table. */
public final class WriteDigest {
  /** Earlier nights compared with when the job's baseline is not the earlier nights. */
  public static final int DEFAULT_NIGHTS = 7;
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String job;
  private final String runId;

  public WriteDigest(String job, String runId) {
    this.job = job;
    this.runId = runId;
  }

  /** Where a night's digest is, relative to the run's snapshot. */
  public static String path(LocalDate date) {
    return Tables.FINDINGS + "/" + date + ".html";
  }

  /**
   * @param rows the night's findings ({@link Findings#apply}: its columns and {@code examples}), most severe first
   * @param folder the snapshot's findings folder
   */
  public void apply(Configuration conf, LocalDate date, int nights, List<Row> rows, Path folder) {
    String html = HtmlPages.digest(digest(job, runId, date, nights, rows));
    WritePostmortems.write(conf, new Path(folder, date + ".html"), html.getBytes(StandardCharsets.UTF_8));
  }

  static FindingsDigest digest(String job, String runId, LocalDate date, int nights, List<Row> rows) {
    List<FindingsDigest.Row> findings = new ArrayList<>();
    List<FindingsDigest.Row> routine = new ArrayList<>();
    for (Row r : rows) {
      FindingsDigest.Row f = row(r);
      (f.severity().equals(Findings.ROUTINE) ? routine : findings).add(f);
    }
    return new FindingsDigest(job, runId, date.toString(), nights, findings, routine, HtmlPages.page());
  }

  private static FindingsDigest.Row row(Row r) {
    List<FindingsDigest.Example> examples = new ArrayList<>();
    List<Row> lines = r.isNullAt(r.fieldIndex("examples")) ? List.of() : r.getList(r.fieldIndex("examples"));
    for (Row e : lines) {
      examples.add(new FindingsDigest.Example(e.getAs("event_id"), TIME.format(((Timestamp) e.getAs("ts")).toInstant()),
          e.getAs("component"), e.getAs("level"), e.getAs("message")));
    }
    return new FindingsDigest.Row(r.getAs("finding_id"), r.getAs("kind"), r.getAs("severity"), r.getAs("component"),
        r.getAs("subject"), r.getAs("title"), r.getAs("detail"), ts(r.getAs("first_seen")), ts(r.getAs("last_seen")),
        r.<Long>getAs("count"), r.<Integer>getAs("nights_seen"), examples);
  }

  private static String ts(Timestamp t) {
    return t == null ? "" : TS.format(t.toInstant());
  }
}
