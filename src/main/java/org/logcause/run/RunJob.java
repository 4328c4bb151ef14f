package org.logcause.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.logcause.attribution.Attribute;
import org.logcause.attribution.Attributor;
import org.logcause.attribution.CausalKnowledge;
import org.logcause.attribution.Postmortem;
import org.logcause.classify.ClassifyEvents;
import org.logcause.classify.MineTemplates;
import org.logcause.classify.Rules;
import org.logcause.classify.TemplateMiner;
import org.logcause.ingest.FileStat;
import org.logcause.signals.AnomalyFinder;
import org.logcause.signals.BuildSignals;
import org.logcause.signals.DetectAnomalies;
import org.logcause.signals.GroupIncidents;
import org.logcause.signals.WriteDetections;
import org.logcause.ingest.ReadSources;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.output.RunManifest;
import org.logcause.output.Tables;
import org.logcause.report.ChartRenderer;
import org.logcause.report.IncidentChart;

/**
 * One run of the pipeline over a job's sources, written under one output folder. The body reads like the
 * pipeline: ingest, write, account for every line, write the manifest.
 */
public final class RunJob {
  /** Exit codes: documented in the README. */
  public static final int OK = 0;
  public static final int FILE_ERRORS = 1;

  private final LoadedJob job;
  private final String mode;
  private final String runId;
  private final String out;
  private final Progress progress;

  private String baselineHistory;
  private CausalKnowledge knowledge = CausalKnowledge.builtIn();

  /** Score against an earlier run's {@code signals} (same hours of day) instead of the start of this run's data. */
  public RunJob withBaselineHistory(String outputDir) {
    this.baselineHistory = outputDir;
    return this;
  }

  public RunJob(LoadedJob job, String mode, String runId, String out, Progress progress) {
    this.job = job;
    this.mode = mode;
    this.runId = runId;
    this.out = out;
    this.progress = progress;
  }

  /** How the run ended, and where its numbers are. */
  public record Outcome(int exitCode, RunManifest manifest, List<FileStat> files, List<Attributor.Result> attribution) {}

  public Outcome apply(SparkSession spark) {
    Instant started = Instant.now();
    List<RunManifest.StageEntry> stages = new ArrayList<>();

    Progress.Stage stage = progress.begin("ingest");
    ReadSources.Ingested ingested = new ReadSources(job, runId).apply(spark);
    List<FileStat> reader = ingested.readerStats();
    long events = reader.stream().mapToLong(FileStat::events).sum();
    long quarantined = reader.stream().mapToLong(FileStat::quarantined).sum();
    long lines = reader.stream().mapToLong(FileStat::linesRead).sum();
    stages.add(stage.end(events, String.format("%,d lines from %d files: %,d events, %,d quarantined",
        lines, reader.size(), events, quarantined)));

    stage = progress.begin("classify");
    spark.sparkContext().setJobDescription("classify events");
    Dataset<Row> classified = new ClassifyEvents(Rules.withOverrides(job.spec().rules())).apply(ingested.events())
        .persist(StorageLevel.MEMORY_AND_DISK());
    long unknown = classified.filter(col("category").equalTo("unknown")).count();
    stages.add(stage.end(events, String.format("%,d events classified, %,d matched no rule", events, unknown)));

    stage = progress.begin("templates");
    spark.sparkContext().setJobDescription("mine templates");
    Dataset<Row> mapping = new MineTemplates(new TemplateMiner()).templates(classified).persist(StorageLevel.MEMORY_AND_DISK());
    long templates = mapping.select("template").distinct().count();
    stages.add(stage.end(templates, String.format("%,d templates", templates)));

    Dataset<Row> templated = MineTemplates.apply(classified, mapping).select(Tables.EVENT_COLUMNS)
        .persist(StorageLevel.MEMORY_AND_DISK());

    stage = progress.begin("detect");
    spark.sparkContext().setJobDescription("signals, anomalies, incidents");
    Row range = templated.agg(min(unix_micros(col("ts"))), max(unix_micros(col("ts")))).first();
    long fromMicros = range.isNullAt(0) ? 0 : range.getLong(0);
    long toMicros = range.isNullAt(1) ? 0 : range.getLong(1);
    int window = windowFor(job.spec().windows().forensicSeconds(), toMicros - fromMicros);
    long w = window * 1_000_000L;
    long first = Math.floorDiv(fromMicros, w);
    long last = Math.floorDiv(toMicros, w);
    // Forensic baseline: the first 30 minutes of the data, or its first 40% when it spans less than 75 minutes.
    long baselineEnd = first + Math.max(1, Math.min(1800L / window, (long) ((last - first + 1) * 0.4)));
    Dataset<Row> signals = new BuildSignals(window, baselineEnd * w).apply(templated);
    DetectAnomalies detect = new DetectAnomalies(first, last, baselineEnd, AnomalyFinder.Settings.defaults());
    Dataset<Row> scored;
    if (baselineHistory == null) {
      scored = detect.apply(spark, signals);
    } else {
      // Nightly-style baseline: earlier windows of the same hours of day, of the same window size.
      Dataset<Row> past = spark.read().parquet(new Path(baselineHistory, Tables.SIGNALS).toString())
          .filter(col("window_seconds").equalTo(window)
              .and(hour(col("window_start")).isin(hoursOfDay(first, last, window).toArray())));
      long historyWindows = past.select("window_start").distinct().count();
      scored = detect.apply(spark, signals, past.select("component", "signal", "value"), historyWindows);
    }
    scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
    WriteDetections.Tables detections = WriteDetections.apply(spark, scored, window,
        new GroupIncidents(3, (int) Math.max(1, 300 / window), (int) Math.max(1, 600 / window)));
    stages.add(stage.end(detections.incidentList().size(), String.format("%,d anomalies, %d incidents (windows of %d s)",
        detections.anomalyCount(), detections.incidentList().size(), window)));

    stage = progress.begin("attribute");
    spark.sparkContext().setJobDescription("attribute: hypotheses per incident");
    boolean drafts = mode.equals("forensic");
    Attribute.Output attribution = new Attribute(job.spec(), knowledge, runId).apply(spark, templated,
        detections.signals(), detections.anomalies(), detections.incidents(),
        drafts ? id -> new Path(new Path(out, POSTMORTEMS), id + ".md").toString() : null);
    long hypotheses = attribution.results().stream().mapToLong(r -> r.hypotheses().size()).sum();
    stages.add(stage.end(hypotheses, String.format("%,d hypotheses over %d incidents", hypotheses, attribution.results().size())));

    stage = progress.begin("write");
    write(spark, templated, Tables.EVENTS, "date");
    write(spark, detections.signals(), Tables.SIGNALS, null);
    write(spark, detections.anomalies(), Tables.ANOMALIES, null);
    write(spark, detections.incidents(), Tables.INCIDENTS, null);
    write(spark, attribution.hypotheses(), Tables.HYPOTHESES, null);
    write(spark, attribution.summary(), Tables.INCIDENT_SUMMARY, null);
    if (drafts) {
      writePostmortems(spark, attribution, detections.signals(), window);
    }
    scored.unpersist();
    write(spark, ingested.quarantine(), Tables.QUARANTINE, null);
    List<FileStat> files = reconcile(spark, reader);
    templated.unpersist();
    mapping.unpersist();
    classified.unpersist();
    ingested.release();
    stages.add(stage.end(events + quarantined, String.format("%,d events, %,d quarantined lines", events, quarantined)));

    for (FileStat f : files) {
      if (!f.reconciled()) {
        // A bug, not bad input: the run must not claim outputs that lost lines.
        throw new IllegalStateException(
            "line accounting mismatch for " + f.file() + ": read " + f.linesRead() + " lines, but events hold "
                + f.eventLinesWritten() + " and quarantine " + f.quarantineRowsWritten());
      }
    }
    boolean fileErrors = files.stream().anyMatch(f -> f.error() != null);
    int exit = fileErrors ? FILE_ERRORS : OK;
    RunManifest manifest =
        new RunManifest(runId, mode, job.spec().job(), job.specHash(), codeVersion(), started.toString(),
            Instant.now().toString(), fileErrors ? "completed_with_file_errors" : "succeeded", exit,
            files.stream().mapToLong(FileStat::maskedValues).sum(), files.stream().map(RunManifest.FileEntry::of).toList(), stages);
    writeManifest(spark, manifest);
    return new Outcome(exit, manifest, files, attribution.results());
  }

  /** Folder of the postmortem drafts (Markdown, one per incident) under the output folder. */
  public static final String POSTMORTEMS = "postmortems";

  /** The postmortem draft of each incident, and beside it the timeline chart it shows (PNG and SVG). */
  private void writePostmortems(SparkSession spark, Attribute.Output attribution, Dataset<Row> signals, int window) {
    List<IncidentChart.Plan> plans = new ArrayList<>();
    for (int i = 0; i < attribution.results().size(); i++) {
      plans.add(IncidentChart.plan(job.spec().job(), attribution.facts().get(i), attribution.results().get(i)));
    }
    Map<String, Map<Long, Double>> values = chartValues(spark, signals, plans);
    Path folder = new Path(out, POSTMORTEMS);
    for (int i = 0; i < plans.size(); i++) {
      Attributor.Result r = attribution.results().get(i);
      String id = r.summary().incidentId();
      IncidentChart.Data data = IncidentChart.fill(plans.get(i), values, window);
      writeBytes(spark, new Path(folder, id + ".png"), ChartRenderer.png(data));
      writeBytes(spark, new Path(folder, id + ".svg"), ChartRenderer.svg(data));
      writeText(spark, new Path(folder, id + ".md"), Postmortem.markdown(job.spec().job(), runId, r, id + ".png"));
    }
  }

  /** The values of the charts' key signals over their ranges: a few series of a few hundred windows each. */
  private static Map<String, Map<Long, Double>> chartValues(SparkSession spark, Dataset<Row> signals, List<IncidentChart.Plan> plans) {
    Map<String, Map<Long, Double>> values = new HashMap<>();
    java.util.Set<String> needed = IncidentChart.needed(plans);
    if (needed.isEmpty()) {
      return values;
    }
    spark.sparkContext().setJobDescription("chart series");
    long from = plans.stream().mapToLong(IncidentChart.Plan::from).min().orElseThrow();
    long to = plans.stream().mapToLong(IncidentChart.Plan::to).max().orElseThrow();
    List<String> names = needed.stream().map(k -> k.substring(k.indexOf('\u0000') + 1)).distinct().toList();
    for (Row r : signals.filter(col("signal").isin(names.toArray()).and(unix_micros(col("window_start")).between(from, to)))
        .select(col("component"), col("signal"), unix_micros(col("window_start")), col("value")).collectAsList()) {
      String key = r.getString(0) + "\u0000" + r.getString(1);
      if (needed.contains(key)) {
        values.computeIfAbsent(key, k -> new HashMap<>()).put(r.getLong(2), r.getDouble(3));
      }
    }
    return values;
  }

  private static void writeText(SparkSession spark, Path path, String text) {
    writeBytes(spark, path, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeBytes(SparkSession spark, Path path, byte[] bytes) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (FSDataOutputStream o = fs.create(path, true)) {
        o.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /**
   * Reads the written tables back (three narrow columns) and sets, per file, the lines its events span and its
   * quarantine rows: the second, independent count that {@link FileStat#reconciled()} compares with the reader's.
   */
  private List<FileStat> reconcile(SparkSession spark, List<FileStat> reader) {
    spark.sparkContext().setJobDescription("reconcile: line accounting of the written tables");
    Map<String, long[]> written = new HashMap<>();
    for (Row r : spark.read().parquet(new Path(out, Tables.EVENTS).toString())
        .groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[0] = r.getLong(2);
    }
    for (Row r : spark.read().parquet(new Path(out, Tables.QUARANTINE).toString())
        .groupBy("source", "file").count().collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[1] = r.getLong(2);
    }
    List<FileStat> files = new ArrayList<>();
    for (FileStat f : reader) {
      long[] w = written.getOrDefault(f.source() + "\u0000" + f.file(), new long[2]);
      files.add(f.withWritten(w[0], w[1]));
    }
    return files;
  }

  /** Most windows one run analyses; a longer span gets wider windows (series are dense arrays in memory). */
  static final long MAX_WINDOWS = 200_000;

  /** The configured window, or the smallest wider standard window that keeps the run within {@link #MAX_WINDOWS}. */
  static int windowFor(int configured, long spanMicros) {
    long spanSeconds = spanMicros / 1_000_000L + 1;
    if (spanSeconds / configured < MAX_WINDOWS) {
      return configured;
    }
    for (int candidate : new int[] {60, 300, 900, 3600, 21_600, 86_400, 604_800}) {
      if (candidate > configured && spanSeconds / candidate < MAX_WINDOWS) {
        return candidate;
      }
    }
    return (int) Math.max(604_800, spanSeconds / MAX_WINDOWS + 1);
  }

  /** The UTC hours of day the analysed windows fall in. */
  static java.util.List<Integer> hoursOfDay(long firstWindow, long lastWindow, int windowSeconds) {
    java.util.TreeSet<Integer> hours = new java.util.TreeSet<>();
    for (long s = firstWindow * windowSeconds; s <= lastWindow * windowSeconds && hours.size() < 24; s += 3600) {
      hours.add((int) Math.floorMod(s / 3600, 24L));
    }
    hours.add((int) Math.floorMod(lastWindow * windowSeconds / 3600, 24L));
    return java.util.List.copyOf(hours);
  }

  private void write(SparkSession spark, Dataset<Row> rows, String table, String partitionColumn) {
    spark.sparkContext().setJobDescription("write " + table);
    var writer = rows.write().mode(SaveMode.Overwrite);
    if (partitionColumn != null) {
      writer = writer.partitionBy(partitionColumn);
    }
    writer.parquet(new Path(out, table).toString());
  }

  private void writeManifest(SparkSession spark, RunManifest manifest) {
    String json = manifest.toJson();
    writeText(spark, new Path(out, Tables.MANIFEST_JSON), json);
    spark.sparkContext().setJobDescription("write " + Tables.RUN_MANIFEST);
    Dataset<String> one = spark.createDataset(List.of(json.replace('\n', ' ')), Encoders.STRING());
    spark.read().json(one).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(new Path(out, Tables.RUN_MANIFEST).toString());
  }

  static String codeVersion() {
    String v = RunJob.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
