package org.logcause.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.logcause.attribution.core.Attributor;
import org.logcause.attribution.core.CausalKnowledge;
import org.logcause.attribution.core.Facts;
import org.logcause.attribution.core.ServerSettings;
import org.logcause.attribution.core.Versions;
import org.logcause.attribution.core.Topology;
import org.logcause.job.JobSpec;
import org.logcause.job.SourceSpec;

/**
 * Attribute stage: for every incident, gathers its facts (anomalies, change records and requested restarts around
 * it, the traffic of access-log components) and ranks its hypotheses with {@link Attributor}. What is collected to
 * the driver is small by construction: the anomalies, the change/restart events near incidents (capped), and a
 * few traffic gauges per window of the incidents' spans.
 */
public final class Attribute {
  /** Most change/restart events gathered per run; more would mean a change log, not an incident. */
  static final int MAX_ACTIONS = 20_000;

  private long dataEnd = Long.MAX_VALUE;
  private Map<String, String> templateCategories = Map.of();

  static final StructType EVIDENCE = new StructType().add("kind", DataTypes.StringType, false)
      .add("ts", DataTypes.TimestampType, true).add("detail", DataTypes.StringType, false)
      .add("event_id", DataTypes.StringType, true);
  public static final StructType HYPOTHESES = new StructType()
      .add("run_id", DataTypes.StringType, false).add("incident_id", DataTypes.StringType, false)
      .add("rank", DataTypes.IntegerType, false).add("component", DataTypes.StringType, false)
      .add("category", DataTypes.StringType, false).add("cause", DataTypes.StringType, false)
      .add("change_id", DataTypes.StringType, true).add("verdict", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType, false).add("confidence", DataTypes.DoubleType, false)
      .add("onset", DataTypes.TimestampType, false).add("explanation", DataTypes.StringType, false)
      .add("lead", DataTypes.StringType, true)
      .add("signals", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("evidence", DataTypes.createArrayType(EVIDENCE, false), false)
      .add("knowledge_version", DataTypes.IntegerType, false);
  static final StructType LEAD = new StructType().add("component", DataTypes.StringType, false)
      .add("category", DataTypes.StringType, false).add("lead", DataTypes.StringType, true)
      .add("explanation", DataTypes.StringType, false);
  static final StructType TIMELINE = new StructType().add("ts", DataTypes.TimestampType, false)
      .add("kind", DataTypes.StringType, false).add("text", DataTypes.StringType, false);
  public static final StructType SUMMARY = new StructType()
      .add("run_id", DataTypes.StringType, false).add("incident_id", DataTypes.StringType, false)
      .add("start", DataTypes.TimestampType, false).add("end", DataTypes.TimestampType, false)
      .add("components", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("severity", DataTypes.StringType, false)
      .add("root_cause", DataTypes.StringType, true).add("root_cause_component", DataTypes.StringType, true)
      .add("root_cause_category", DataTypes.StringType, true).add("change_id", DataTypes.StringType, true)
      .add("confidence", DataTypes.DoubleType, true).add("root_cause_onset", DataTypes.TimestampType, true)
      .add("explanation", DataTypes.StringType, true)
      .add("misleading", DataTypes.createArrayType(LEAD, false), false)
      .add("timeline", DataTypes.createArrayType(TIMELINE, false), false)
      .add("postmortem", DataTypes.StringType, true);

  /** The tables and the per-incident results (the console summary and the postmortems are written from them). */
  public record Output(Dataset<Row> hypotheses, Dataset<Row> summary, List<Attributor.Result> results, List<Facts> facts) {}

  private final JobSpec job;
  private final CausalKnowledge knowledge;
  private final String runId;
  private final long windowMicros;

  /** @param windowSeconds the signals' window (an anomaly's onset is the start of one) */
  public Attribute(JobSpec job, CausalKnowledge knowledge, String runId, int windowSeconds) {
    this.job = job;
    this.knowledge = knowledge;
    this.runId = runId;
    this.windowMicros = windowSeconds * 1_000_000L;
  }

  /** The topology of the job, with each component's kind from its sources' formats. */
  public Topology topology() {
    Map<String, List<String>> formats = new LinkedHashMap<>();
    for (SourceSpec s : job.sources()) {
      formats.computeIfAbsent(s.component(), k -> new ArrayList<>()).add(s.format());
    }
    Map<String, String> kinds = new HashMap<>();
    formats.forEach((c, f) -> kinds.put(c, knowledge.kindOf(f)));
    return new Topology(job.topology(), kinds);
  }

  /**
   * The time of the run's last event (epoch microseconds): an incident that "ends" there ended with the logs, not by
   * recovering. Unset: the data is taken to go on.
   */
  public Attribute dataEnd(long micros) {
    this.dataEnd = micros;
    return this;
  }

  /** Per template signal ({@code template:<id>}) the category of its events (the detect stage's, see BuildSignals). */
  public Attribute templateCategories(Map<String, String> categories) {
    this.templateCategories = Map.copyOf(categories);
    return this;
  }

  /**
   * @param events the classified events
   * @param signals the {@code signals} table
   * @param anomalies the {@code anomalies} table
   * @param incidents the {@code incidents} table
   * @param postmortemPath incident id → where its postmortem draft goes (null: none)
   */
  public Output apply(SparkSession spark, Dataset<Row> events, Dataset<Row> signals, Dataset<Row> anomalies,
      Dataset<Row> incidents, java.util.function.Function<String, String> postmortemPath) {
    Topology topology = topology();
    List<Row> incidentRows = incidents.select(col("incident_id"), unix_micros(col("start")), unix_micros(col("end")),
        col("severity")).orderBy("incident_id").collectAsList();
    List<Attributor.Result> results = new ArrayList<>();
    List<Facts> facts = new ArrayList<>();
    if (!incidentRows.isEmpty()) {
      long lookback = knowledge.scoring().lookbackMicros();
      long from = incidentRows.stream().mapToLong(r -> r.getLong(1)).min().orElseThrow() - lookback;
      long to = incidentRows.stream().mapToLong(r -> r.getLong(2)).max().orElseThrow() + 3_600_000_000L;
      Map<String, List<Facts.Anomaly>> byIncident = new TreeMap<>();
      for (Row r : anomalies.filter(col("incident_id").isNotNull()).select(col("incident_id"), col("anomaly_id"),
          col("component"), col("signal"), unix_micros(col("onset")), unix_micros(col("peak")), unix_micros(col("end")),
          col("peak_value"), col("baseline"), col("score")).collectAsList()) {
        byIncident.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Facts.Anomaly(r.getString(1),
            r.getString(2), r.getString(3), r.getLong(4), r.getLong(5), r.getLong(6), r.getDouble(7), r.getDouble(8), r.getDouble(9),
            templateCategories.get(r.getString(3))));
      }
      List<Facts.Action> actions = actions(events, from, to,
          60_000_000L + Math.round(knowledge.clockSkewToleranceSeconds() * 1e6));
      List<Facts.TrafficWindow> traffic = traffic(signals, topology, from, to);
      Set<String> templates = new TreeSet<>();
      byIncident.values().forEach(l -> l.forEach(a -> {
        if (a.signal().startsWith(TEMPLATE_SIGNAL)) templates.add(a.signal().substring(TEMPLATE_SIGNAL.length()));
      }));
      Cited cited = lines(events, incidentRows, lookback, templates);
      Map<String, List<Facts.Line>> lines = cited.lines();
      Attributor attributor = new Attributor(knowledge, topology);
      for (Row r : incidentRows) {
        String id = r.getString(0);
        long start = r.getLong(1);
        long end = r.getLong(2);
        List<Facts.Action> near = actions.stream()
            .filter(a -> a.ts() >= start - lookback && a.ts() <= end + 600_000_000L).toList();
        List<Facts.TrafficWindow> tw = traffic.stream()
            .filter(w -> w.windowStart() >= start - lookback && w.windowStart() <= end).toList();
        Facts f = new Facts(id, start, end, r.getString(3), byIncident.getOrDefault(id, List.of()), near, tw, windowMicros,
            lines.getOrDefault(id, List.of()), dataEnd, cited.templateFirst().getOrDefault(id, Map.of()));
        facts.add(f);
        results.add(attributor.apply(f));
      }
    }
    List<Row> hypothesisRows = new ArrayList<>();
    List<Row> summaryRows = new ArrayList<>();
    for (Attributor.Result res : results) {
      for (Attributor.Hypothesis h : res.hypotheses()) {
        hypothesisRows.add(RowFactory.create(runId, h.incidentId(), h.rank(), h.component(), h.category(), h.cause(),
            h.changeId(), h.verdict(), h.score(), h.confidence(), ts(h.onset()), h.explanation(), h.lead(),
            seq(h.signals()), seq(h.evidence().stream().map(e -> RowFactory.create(e.kind(), e.ts() == null ? null : ts(e.ts()),
                e.detail(), e.eventId())).toList()), knowledge.version()));
      }
      Attributor.Summary s = res.summary();
      Attributor.Hypothesis rc = s.rootCause();
      summaryRows.add(RowFactory.create(runId, s.incidentId(), ts(s.start()), ts(s.end()), seq(s.components()), s.severity(),
          rc == null ? null : rc.cause() + (rc.changeId() != null ? " (" + rc.category() + ")" : "") + " on " + rc.component(),
          rc == null ? null : rc.component(), rc == null ? null : rc.category(), rc == null ? null : rc.changeId(),
          rc == null ? null : rc.confidence(), rc == null ? null : ts(rc.onset()), rc == null ? null : rc.explanation(),
          seq(s.misleading().stream().map(m -> RowFactory.create(m.component(), m.category(), m.lead(), m.explanation())).toList()),
          seq(s.timeline().stream().map(t -> RowFactory.create(ts(t.ts()), t.kind(), t.text())).toList()),
          postmortemPath == null ? null : postmortemPath.apply(s.incidentId())));
    }
    return new Output(spark.createDataFrame(hypothesisRows, HYPOTHESES), spark.createDataFrame(summaryRows, SUMMARY), results, facts);
  }

  /** Lines cited per (component, category) and the slowest per component, per incident. */
  static final int LINES_PER_KIND = 3;
  private static final List<String> NOT_CITED = List.of("benign", "unknown", "client_error");
  private static final String TEMPLATE_SIGNAL = "template:";
  /** How much of a template's first line is kept: enough for the statement it runs (see Attributor's object test). */
  private static final int TEMPLATE_LINE_CHARS = 2_000;

  /**
   * The lines worth citing per incident, and per incident the first line of each of its anomalous templates
   * (template id → line; its message kept whole up to {@link #TEMPLATE_LINE_CHARS}).
   */
  record Cited(Map<String, List<Facts.Line>> lines, Map<String, Map<String, Facts.Line>> templateFirst) {}

  /**
   * The log lines worth citing, per incident: the first {@link #LINES_PER_KIND} events of every (component,
   * category) from the lookback before the incident to its end, and each component's slowest events (by the
   * {@code duration_ms} attribute) in that span; and the first event of each of {@code templates} (the incidents'
   * anomalous templates) in that span. One pass over the events: each event is tagged with the incidents whose span
   * holds it, then ranked within its groups.
   */
  static Cited lines(Dataset<Row> events, List<Row> incidentRows, long lookback, Set<String> templates) {
    org.apache.spark.sql.Column us = unix_micros(col("ts"));
    List<org.apache.spark.sql.Column> tags = new ArrayList<>();
    for (Row r : incidentRows) {
      tags.add(org.apache.spark.sql.functions.when(us.between(r.getLong(1) - lookback, r.getLong(2)), lit(r.getString(0))));
    }
    org.apache.spark.sql.Column duration = col("attributes").getItem("duration_ms").cast("double");
    Dataset<Row> tagged = events
        .filter(col("category").isNotNull().and(org.apache.spark.sql.functions.not(col("category").isin(NOT_CITED.toArray()))))
        .select(col("event_id"), us.alias("us"), col("component"), col("category"), col("subcategory"),
            duration.alias("duration_ms"), col("message"), col("template_id"),
            org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.array(tags.toArray(org.apache.spark.sql.Column[]::new)))
                .alias("incident_id"))
        .filter(col("incident_id").isNotNull());
    var first = org.apache.spark.sql.expressions.Window.partitionBy("incident_id", "component", "category").orderBy("us", "event_id");
    var slowest = org.apache.spark.sql.expressions.Window.partitionBy("incident_id", "component")
        .orderBy(col("duration_ms").desc_nulls_last(), col("us"), col("event_id"));
    org.apache.spark.sql.Column cited = col("first_rank").leq(LINES_PER_KIND)
        .or(col("slow_rank").leq(LINES_PER_KIND).and(col("duration_ms").isNotNull()));
    Dataset<Row> ranked = tagged
        .withColumn("first_rank", org.apache.spark.sql.functions.row_number().over(first))
        .withColumn("slow_rank", org.apache.spark.sql.functions.row_number().over(slowest));
    org.apache.spark.sql.Column templateFirst = lit(false);
    if (!templates.isEmpty()) {
      var ofTemplate = org.apache.spark.sql.expressions.Window.partitionBy("incident_id", "component", "template_id")
          .orderBy("us", "event_id");
      ranked = ranked.withColumn("template_rank", org.apache.spark.sql.functions.when(col("template_id").isin(templates.toArray()),
          org.apache.spark.sql.functions.row_number().over(ofTemplate)));
      templateFirst = org.apache.spark.sql.functions.coalesce(col("template_rank").equalTo(1), lit(false));
    }
    Dataset<Row> picked = ranked
        .withColumn("cited", cited).withColumn("template_first", templateFirst)
        .filter(col("cited").or(col("template_first")))
        .select("incident_id", "event_id", "us", "component", "category", "subcategory", "duration_ms", "message",
            "template_id", "cited", "template_first");
    Map<String, List<Facts.Line>> out = new TreeMap<>();
    Map<String, Map<String, Facts.Line>> firsts = new TreeMap<>();
    for (Row r : picked.collectAsList()) {
      Double ms = r.isNullAt(6) ? null : r.getDouble(6);
      if (r.getBoolean(9)) {
        out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Facts.Line(r.getString(1), r.getLong(2),
            r.getString(3), r.getString(4), r.getString(5), ms, Facts.Line.quoted(r.getString(7))));
      }
      if (r.getBoolean(10)) {
        String m = r.getString(7) == null ? "" : r.getString(7).replace('\n', ' ');
        firsts.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(8), new Facts.Line(r.getString(1),
            r.getLong(2), r.getString(3), r.getString(4), r.getString(5), ms,
            m.length() > TEMPLATE_LINE_CHARS ? m.substring(0, TEMPLATE_LINE_CHARS) : m));
      }
    }
    out.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Facts.Line::ts).thenComparing(Facts.Line::eventId)));
    return new Cited(out, firsts);
  }

  /**
   * Change records, requested shutdowns, the settings servers logged changing ({@link ServerSettings}) and the
   * releases their start and stop lines show ({@link Versions}) between {@code from} and {@code to}.
   *
   * @param sameChangeMicros how far apart a change record and a server's line of the same change may be
   */
  static List<Facts.Action> actions(Dataset<Row> events, long from, long to, long sameChangeMicros) {
    Dataset<Row> picked = events
        .filter(unix_micros(col("ts")).between(from, to))
        .filter(col("format").equalTo("changes")
            .or(col("category").equalTo("restart").and(col("subcategory").isin("shutdown", "shutdown_request", "requested",
                "terminated", "crash_recovery", "startup")))
            .or(col("category").equalTo("config_change").and(col("subcategory").equalTo("setting"))))
        .select(col("event_id"), unix_micros(col("ts")).alias("us"),
            coalesce(col("attributes").getItem("target"), col("component")).alias("component"),
            col("format"), col("attributes").getItem("change_type").alias("type"),
            col("attributes").getItem("change_id").alias("change_id"), col("message"),
            coalesce(col("attributes").getItem("reverts"), col("attributes").getItem("revert_of"),
                col("attributes").getItem("rollback_of"), lit(null).cast("string")).alias("reverts"),
            col("attributes").getItem("parameter").alias("parameter"), col("category"),
            col("attributes").getItem("new_value").alias("new_value"), col("attributes").getItem("actor").alias("actor"),
            col("subcategory"), col("host"),
            coalesce(col("attributes").getItem("version"), col("attributes").getItem("app_version"),
                col("attributes").getItem("service.version"), col("attributes").getItem("service_version"),
                lit(null).cast("string")).alias("version"))
        .orderBy("us", "event_id").limit(MAX_ACTIONS);
    List<Row> rows = picked.collectAsList();
    List<Facts.Action> out = new ArrayList<>();
    List<ServerSettings.Line> settings = new ArrayList<>();
    List<Versions.Observation> versions = new ArrayList<>();
    for (Row r : rows) {
      String sub = r.getString(12);
      boolean change = "changes".equals(r.getString(3));
      if (!change && "restart".equals(r.getString(9)) && ("startup".equals(sub) || "shutdown".equals(sub))) {
        versions.add(new Versions.Observation(r.getString(0), r.getLong(1), r.getString(2), r.getString(13),
            "startup".equals(sub), r.getString(14), r.getString(6)));
        if ("startup".equals(sub)) {
          continue; // a start-up is no one's action; it tells the version that runs
        }
      }
      if (!change && "config_change".equals(r.getString(9))) {
        settings.add(new ServerSettings.Line(r.getString(0), r.getLong(1), r.getString(2), r.getString(6)));
        continue; // the server's own record of a setting: an action unless a change record gives it (below)
      }
      if (!change && ("crash_recovery".equals(sub) || ("shutdown".equals(sub) && onItsOwn(r, rows)))) {
        continue; // the crash's own lines, and the shutdown a crash ended in: no one's action
      }
      String type = change ? (r.isNullAt(4) ? fromCategory(r.getString(9)) : r.getString(4))
          : "terminated".equals(r.getString(12)) ? "kill_sessions" : "restart";
      String text = change ? r.getString(6) : r.getString(2) + " logged \"" + Facts.Line.quoted(r.getString(6)) + "\"";
      out.add(new Facts.Action(r.getString(0), r.getLong(1), r.getString(2), type, r.getString(5), text, r.getString(7),
          r.getString(8), r.getString(10), r.getString(11)));
    }
    List<ServerSettings.Line> startups = versions.stream().filter(Versions.Observation::start)
        .map(o -> new ServerSettings.Line(o.eventId(), o.ts(), o.component(), o.message())).toList();
    return Versions.merge(ServerSettings.merge(out, settings, startups, sameChangeMicros), versions, sameChangeMicros);
  }

  /**
   * Whether a shutdown line is the server stopping on its own: its component logged crash lines in the two minutes
   * before it (a PANIC, a failed crash recovery) and nobody asked for a shutdown since (no "received fast shutdown
   * request", no restart record). A restart the on-call asks for after a crash logs its request and stays an action.
   */
  private static boolean onItsOwn(Row shutdown, List<Row> rows) {
    String component = shutdown.getString(2);
    long ts = shutdown.getLong(1);
    long crash = Long.MIN_VALUE;
    for (Row r : rows) {
      if (r.getLong(1) > ts) break;
      if (r.getLong(1) >= ts - 120_000_000L && component.equals(r.getString(2)) && "crash_recovery".equals(r.getString(12))) {
        crash = r.getLong(1);
      }
    }
    if (crash == Long.MIN_VALUE) {
      return false;
    }
    long since = crash;
    return rows.stream().noneMatch(r -> component.equals(r.getString(2)) && r.getLong(1) >= since && r.getLong(1) <= ts
        && ("shutdown_request".equals(r.getString(12)) || "requested".equals(r.getString(12))
            || ("changes".equals(r.getString(3)) && "restart".equals(r.getString(4)))));
  }

  private static String fromCategory(String category) {
    return category == null || category.equals("unknown") ? "config_change" : category;
  }

  /** Requests, clients, new-client and retry shares of access-log components, per window. */
  static List<Facts.TrafficWindow> traffic(Dataset<Row> signals, Topology topology, long from, long to) {
    Map<String, double[]> byWindow = new TreeMap<>();
    for (Row r : signals.filter(col("signal").isin("requests", "clients", "new_client_share", "retry_share")
            .and(unix_micros(col("window_start")).between(from, to)))
        .select(col("component"), unix_micros(col("window_start")), col("signal"), col("value")).collectAsList()) {
      if (!topology.kind(r.getString(0)).equals("edge")) continue;
      double[] v = byWindow.computeIfAbsent(r.getString(0) + "\u0000" + r.getLong(1), k -> new double[4]);
      int i = switch (r.getString(2)) {
        case "requests" -> 0;
        case "clients" -> 1;
        case "new_client_share" -> 2;
        default -> 3;
      };
      v[i] = r.getDouble(3);
    }
    List<Facts.TrafficWindow> out = new ArrayList<>();
    byWindow.forEach((k, v) -> {
      String[] p = k.split("\u0000");
      out.add(new Facts.TrafficWindow(p[0], Long.parseLong(p[1]), v[0], v[1], v[2], v[3]));
    });
    return out;
  }

  private static java.sql.Timestamp ts(long micros) {
    java.sql.Timestamp t = new java.sql.Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }
}
