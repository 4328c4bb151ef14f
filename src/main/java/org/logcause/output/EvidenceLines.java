package org.logcause.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.logcause.attribution.core.Attributor;
import org.logcause.report.IncidentReport;

/** The log lines the hypotheses' evidence cites, read from the events by id in one pass, for the HTML reports. */
public final class EvidenceLines {
  private EvidenceLines() {}

  /** Every event id the evidence of these results cites. */
  public static Set<String> cited(List<Attributor.Result> results) {
    Set<String> ids = new TreeSet<>();
    for (Attributor.Result r : results) {
      for (Attributor.Hypothesis h : r.hypotheses()) {
        h.evidence().stream().map(Attributor.Evidence::eventId).filter(id -> id != null).forEach(ids::add);
      }
    }
    return ids;
  }

  /** @param events rows with the columns of {@code events} (the template columns are not needed) */
  public static Map<String, IncidentReport.Line> collect(Dataset<Row> events, Set<String> ids) {
    Map<String, IncidentReport.Line> lines = new HashMap<>();
    if (ids.isEmpty()) {
      return lines;
    }
    events.sparkSession().sparkContext().setJobDescription("evidence lines");
    for (Row r : events.filter(col("event_id").isin(ids.toArray()))
        .select(col("event_id"), unix_micros(col("ts")), col("component"), col("level"), col("category"),
            col("subcategory"), col("message"), col("file"), col("line")).collectAsList()) {
      lines.put(r.getString(0), new IncidentReport.Line(r.getString(0), r.getLong(1), r.getString(2), r.getString(3),
          r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.isNullAt(8) ? 0 : ((Number) r.get(8)).longValue()));
    }
    return lines;
  }
}
