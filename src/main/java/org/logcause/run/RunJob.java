package org.logcause.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
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
import org.apache.spark.sql.Column;
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
  private Window window;
  private java.util.function.Consumer<String> notes = n -> {};

  /**
   * The span a run analyses. Events in [{@code from}, {@code to}) are written; events in [{@code baselineFrom},
   * {@code from}) only feed the baseline; the rest of the files' lines are counted as out of the window. A nightly run
   * has a {@code date}: every table gets it as its partition column, and a rerun replaces that date only.
   */
  public record Window(long from, long to, long baselineFrom, java.time.LocalDate date) {
    public static Window night(java.time.LocalDate date) {
      long from = date.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
      return new Window(from, from + 86_400_000_000L, from, date);
    }
  }

  /** Score against an earlier run's {@code signals} (same hours of day) instead of the start of this run's data. */
  public RunJob withBaselineHistory(String outputDir) {
    this.baselineHistory = outputDir;
    return this;
  }

  /** Analyse only this window (see {@link Window}). */
  public RunJob withWindow(Window window) {
    this.window = window;
    return this;
  }

  /** Where to report what the commit protocol found on opening the folder (a stale lock, a half commit undone). */
  public RunJob withNotes(java.util.function.Consumer<String> notes) {
    this.notes = notes;
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
    try (OutputCommit commit = OutputCommit.open(spark.sparkContext().hadoopConfiguration(), out, runId)) {
      commit.notes().forEach(notes);
      return apply(spark, commit);
    }
  }

  private Outcome apply(SparkSession spark, OutputCommit commit) {
    Instant started = Instant.now();
    List<RunManifest.StageEntry> stages = new ArrayList<>();
    boolean nightly = window != null && window.date() != null;

    Progress.Stage stage = progress.begin("ingest");
    // Classification runs in the ingest pass (one pass over the lines); the classify stage reports its counts.
    ReadSources.Ingested ingested =
        new ReadSources(job, runId).classifyingWith(Rules.withOverrides(job.spec().rules())).apply(spark);
    List<FileStat> reader = ingested.readerStats();
    Dataset<Row> allEvents = ingested.events();
    Map<String, Long> outOfWindow = Map.of();
    if (window != null) {
      Column inSpan = unix_micros(col("ts")).geq(window.baselineFrom()).and(unix_micros(col("ts")).lt(window.to()));
      outOfWindow = outOfWindowLines(spark, allEvents, unix_micros(col("ts")).geq(window.from()).and(unix_micros(col("ts")).lt(window.to())));
      allEvents = allEvents.filter(inSpan);
    }
    long events = reader.stream().mapToLong(FileStat::events).sum();
    long quarantined = reader.stream().mapToLong(FileStat::quarantined).sum();
    long lines = reader.stream().mapToLong(FileStat::linesRead).sum();
    long outside = outOfWindow.values().stream().mapToLong(Long::longValue).sum();
    stages.add(stage.end(events, String.format("%,d lines from %d files in %d tasks: %,d events, %,d quarantined%s",
        lines, reader.size(), ingested.tasks(), events, quarantined,
        window == null ? "" : String.format(", %,d lines outside the window", outside))));

    stage = progress.begin("classify");
    spark.sparkContext().setJobDescription("classify events");
    Dataset<Row> classified = allEvents;
    Row counts = classified.agg(org.apache.spark.sql.functions.count(lit(1)),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("category").equalTo("unknown"), 1))).first();
    long classifiedCount = counts.getLong(0); // one pass over the ingest cache for both counts
    long unknown = counts.getLong(1);
    stages.add(stage.end(classifiedCount, String.format("%,d events classified, %,d matched no rule", classifiedCount, unknown)));

    stage = progress.begin("templates");
    spark.sparkContext().setJobDescription("mine templates");
    // Mined from the masked messages of the events analysed: in a window, those of keys its events hold.
    Dataset<Row> messages = window == null ? ingested.templates() : ingested.templates()
        .join(classified.select(ClassifyEvents.TEMPLATE_KEY).distinct(), ClassifyEvents.TEMPLATE_KEY, "left_semi");
    Dataset<Row> mapping = new MineTemplates(new TemplateMiner()).templates(messages).persist(StorageLevel.MEMORY_AND_DISK());
    long templates = mapping.select("template").distinct().count();
    stages.add(stage.end(templates, String.format("%,d templates", templates)));

    // Not cached: each use scans the ingest cache (only the columns it needs) and joins the small mapping.
    Dataset<Row> templated = MineTemplates.apply(classified, mapping).select(Tables.EVENT_COLUMNS);

    stage = progress.begin("detect");
    spark.sparkContext().setJobDescription("signals, anomalies, incidents");
    Row range = classified.agg(min(unix_micros(col("ts"))), max(unix_micros(col("ts")))).first(); // the same rows, no join
    long fromMicros = range.isNullAt(0) ? 0 : range.getLong(0);
    long toMicros = range.isNullAt(1) ? 0 : range.getLong(1);
    int configured = nightly ? job.spec().windows().nightlySeconds() : job.spec().windows().forensicSeconds();
    int windowSeconds = windowFor(configured, toMicros - fromMicros);
    long w = windowSeconds * 1_000_000L;
    long first = Math.floorDiv(fromMicros, w);
    long last = Math.floorDiv(toMicros, w);
    long baselineEnd;
    if (window != null && window.from() > window.baselineFrom() && Math.floorDiv(window.from(), w) > first) {
      baselineEnd = Math.floorDiv(window.from(), w); // a forensic window: the baseline is what came before it
    } else {
      // The first 30 minutes of the data, or its first 40% when it spans less than 75 minutes.
      baselineEnd = first + Math.max(1, Math.min(1800L / windowSeconds, (long) ((last - first + 1) * 0.4)));
    }
    Dataset<Row> signals = new BuildSignals(windowSeconds, baselineEnd * w).apply(classified, templated);
    DetectAnomalies detect = new DetectAnomalies(first, last, baselineEnd, AnomalyFinder.Settings.defaults());
    Dataset<Row> past = history(spark, windowSeconds, first, last);
    Dataset<Row> scored;
    long historyWindows = past == null ? 0 : past.select("window_start").distinct().count();
    String baseline;
    if (historyWindows == 0) {
      scored = detect.apply(spark, signals);
      baseline = String.format(window != null && window.from() > window.baselineFrom() && baselineEnd == Math.floorDiv(window.from(), w)
          ? "the %d windows before the window" : "this run's first %d windows", baselineEnd - first);
    } else {
      scored = detect.apply(spark, signals, past.select("component", "signal", "value"), historyWindows);
      baseline = baselineHistory != null ? String.format("%,d windows of %s", historyWindows, baselineHistory)
          : String.format("%,d windows of %d earlier nights, their incidents left out", historyWindows,
              past.select("date").distinct().count());
    }
    scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
    WriteDetections.Tables detections = WriteDetections.apply(spark, scored, windowSeconds,
        new GroupIncidents(3, (int) Math.max(1, 300 / windowSeconds), (int) Math.max(1, 600 / windowSeconds)));
    stages.add(stage.end(detections.incidentList().size(), String.format("%,d anomalies, %d incidents (windows of %d s; baseline: %s)",
        detections.anomalyCount(), detections.incidentList().size(), windowSeconds, baseline)));

    stage = progress.begin("attribute");
    spark.sparkContext().setJobDescription("attribute: hypotheses per incident");
    boolean drafts = mode.equals("forensic");
    Attribute.Output attribution = new Attribute(job.spec(), knowledge, runId).apply(spark, templated,
        detections.signals(), detections.anomalies(), detections.incidents(),
        drafts ? id -> new Path(new Path(out, POSTMORTEMS), id + ".md").toString() : null);
    long hypotheses = attribution.results().stream().mapToLong(r -> r.hypotheses().size()).sum();
    stages.add(stage.end(hypotheses, String.format("%,d hypotheses over %d incidents", hypotheses, attribution.results().size())));

    stage = progress.begin("write");
    Dataset<Row> written = window == null ? templated
        : templated.filter(unix_micros(col("ts")).geq(window.from()).and(unix_micros(col("ts")).lt(window.to())));
    write(spark, commit, written, Tables.EVENTS);
    write(spark, commit, detections.signals(), Tables.SIGNALS);
    write(spark, commit, detections.anomalies(), Tables.ANOMALIES);
    write(spark, commit, detections.incidents(), Tables.INCIDENTS);
    write(spark, commit, attribution.hypotheses(), Tables.HYPOTHESES);
    write(spark, commit, attribution.summary(), Tables.INCIDENT_SUMMARY);
    if (drafts) {
      writePostmortems(spark, commit, attribution, detections.signals(), windowSeconds);
    }
    scored.unpersist();
    write(spark, commit, ingested.quarantine(), Tables.QUARANTINE);
    List<FileStat> files = reconcile(spark, commit, reader, outOfWindow);
    mapping.unpersist();
    ingested.release();
    long eventsWritten = files.stream().mapToLong(FileStat::events).sum();
    stages.add(stage.end(eventsWritten + quarantined, String.format("staged: %,d quarantined lines, events of %,d lines",
        quarantined, files.stream().mapToLong(FileStat::eventLinesWritten).sum())));

    for (FileStat f : files) {
      if (!f.reconciled()) {
        // A bug, not bad input: the run must not claim outputs that lost lines.
        throw new IllegalStateException(
            "line accounting mismatch for " + f.file() + ": read " + f.linesRead() + " lines, but events hold "
                + f.eventLinesWritten() + ", " + f.outOfWindowLines() + " are outside the window and quarantine holds "
                + f.quarantineRowsWritten());
      }
    }
    boolean fileErrors = files.stream().anyMatch(f -> f.error() != null);
    int exit = fileErrors ? FILE_ERRORS : OK;

    stage = progress.begin("commit");
    for (String table : List.of(Tables.EVENTS, Tables.QUARANTINE, Tables.SIGNALS, Tables.ANOMALIES, Tables.INCIDENTS,
        Tables.HYPOTHESES, Tables.INCIDENT_SUMMARY)) {
      commit.commitTable(table, partitionOf(table));
    }
    for (String f : commit.stagedFiles(POSTMORTEMS)) {
      commit.commitFile(f);
    }
    stages.add(stage.end(0, "tables moved into place"));
    RunManifest manifest =
        new RunManifest(runId, mode, job.spec().job(), job.specHash(), codeVersion(), started.toString(),
            Instant.now().toString(), fileErrors ? "completed_with_file_errors" : "succeeded", exit,
            window == null ? null : micros(window.from()), window == null ? null : micros(window.to()), baseline,
            files.stream().mapToLong(FileStat::maskedValues).sum(), RunManifest.SourceEntry.of(files),
            files.stream().map(RunManifest.FileEntry::of).toList(), stages);
    writeManifest(spark, commit, manifest);
    return new Outcome(exit, manifest, files, attribution.results());
  }

  private static String micros(long us) {
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L).toString();
  }

  /** Lines per file ({@code source \0 file}) of the events outside the window: read, counted, not written. */
  private static Map<String, Long> outOfWindowLines(SparkSession spark, Dataset<Row> events, Column inWindow) {
    spark.sparkContext().setJobDescription("ingest: lines outside the window");
    Map<String, Long> out = new HashMap<>();
    for (Row r : events.filter(org.apache.spark.sql.functions.not(inWindow)).groupBy("source", "file").agg(sum("line_count"))
        .collectAsList()) {
      out.put(r.getString(0) + "\u0000" + r.getString(1), r.getLong(2));
    }
    return out;
  }

  /**
   * Earlier signals to score against, same window size and hours of day: those of {@code --baseline-history}, or for
   * a nightly run the previous nights (up to {@link #HISTORY_NIGHTS}) in this output folder. Null when there are none.
   */
  private Dataset<Row> history(SparkSession spark, int windowSeconds, long first, long last) {
    Dataset<Row> past;
    if (baselineHistory != null) {
      past = spark.read().parquet(new Path(baselineHistory, Tables.SIGNALS).toString());
    } else if (window != null && window.date() != null && Tables.committed(spark, out, Tables.SIGNALS)) {
      Column nights = col("date").geq(lit(java.sql.Date.valueOf(window.date().minusDays(HISTORY_NIGHTS))))
          .and(col("date").lt(lit(java.sql.Date.valueOf(window.date()))));
      past = spark.read().parquet(new Path(out, Tables.SIGNALS).toString()).filter(nights);
      if (Tables.committed(spark, out, Tables.INCIDENTS)) {
        // Earlier incidents are not normal behaviour: an outage that recurs at the same hour must not become the
        // baseline that hides it. Their windows, with 10 minutes either side, are left out of the history.
        Dataset<Row> incidents = spark.read().parquet(new Path(out, Tables.INCIDENTS).toString()).filter(nights)
            .select(col("start").minus(org.apache.spark.sql.functions.expr("INTERVAL 10 MINUTES")).alias("inc_from"),
                col("end").plus(org.apache.spark.sql.functions.expr("INTERVAL 10 MINUTES")).alias("inc_to"));
        past = past.join(org.apache.spark.sql.functions.broadcast(incidents),
            col("window_start").geq(col("inc_from")).and(col("window_start").leq(col("inc_to"))), "left_anti");
      }
    } else {
      return null;
    }
    return past.filter(col("window_seconds").equalTo(windowSeconds)
        .and(hour(col("window_start")).isin(hoursOfDay(first, last, windowSeconds).toArray())));
  }

  /** Nights of signal history a nightly run scores against. */
  public static final int HISTORY_NIGHTS = 7;

  /** Folder of the postmortem drafts (Markdown, one per incident) under the output folder. */
  public static final String POSTMORTEMS = "postmortems";

  /** The postmortem draft of each incident, and beside it the timeline chart it shows (PNG and SVG). */
  private void writePostmortems(SparkSession spark, OutputCommit commit, Attribute.Output attribution, Dataset<Row> signals, int window) {
    List<IncidentChart.Plan> plans = new ArrayList<>();
    for (int i = 0; i < attribution.results().size(); i++) {
      plans.add(IncidentChart.plan(job.spec().job(), attribution.facts().get(i), attribution.results().get(i)));
    }
    Map<String, Map<Long, Double>> values = chartValues(spark, signals, plans);
    Path folder = new Path(commit.staged(POSTMORTEMS));
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
  private List<FileStat> reconcile(SparkSession spark, OutputCommit commit, List<FileStat> reader, Map<String, Long> outOfWindow) {
    spark.sparkContext().setJobDescription("reconcile: line accounting of the written tables");
    Map<String, long[]> written = new HashMap<>();
    for (Row r : spark.read().parquet(commit.staged(Tables.EVENTS))
        .groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[0] = r.getLong(2);
    }
    for (Row r : spark.read().parquet(commit.staged(Tables.QUARANTINE))
        .groupBy("source", "file").count().collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[1] = r.getLong(2);
    }
    List<FileStat> files = new ArrayList<>();
    for (FileStat f : reader) {
      long[] w = written.getOrDefault(f.source() + "\u0000" + f.file(), new long[2]);
      files.add(f.withWritten(w[0], outOfWindow.getOrDefault(f.source() + "\u0000" + f.file(), 0L), w[1]));
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

  /** Nightly runs partition every table by the night's date; forensic runs partition only {@code events}, by day. */
  private String partitionOf(String table) {
    return window != null && window.date() != null || table.equals(Tables.EVENTS) ? "date" : null;
  }

  private void write(SparkSession spark, OutputCommit commit, Dataset<Row> rows, String table) {
    spark.sparkContext().setJobDescription("write " + table);
    if (window != null && window.date() != null) {
      // One night, one partition: written straight into date=D (a quiet night still gets a file with the schema).
      rows = java.util.Arrays.asList(rows.columns()).contains("date") ? rows.drop("date") : rows;
      rows.write().mode(SaveMode.Overwrite).parquet(commit.staged(table) + "/date=" + window.date());
      return;
    }
    var writer = rows.write().mode(SaveMode.Overwrite);
    String partition = partitionOf(table);
    if (partition != null) {
      writer = writer.partitionBy(partition);
    }
    writer.parquet(commit.staged(table));
  }

  private void writeManifest(SparkSession spark, OutputCommit commit, RunManifest manifest) {
    String json = manifest.toJson();
    spark.sparkContext().setJobDescription("write " + Tables.RUN_MANIFEST);
    Dataset<String> one = spark.createDataset(List.of(json.replace('\n', ' ')), Encoders.STRING());
    write(spark, commit, spark.read().json(one).coalesce(1), Tables.RUN_MANIFEST);
    commit.commitTable(Tables.RUN_MANIFEST, partitionOf(Tables.RUN_MANIFEST));
    writeText(spark, new Path(commit.staged(Tables.MANIFEST_JSON)), json);
    commit.commitFile(Tables.MANIFEST_JSON);
    if (window != null && window.date() != null) {
      String each = MANIFESTS + "/" + runId + ".json";
      writeText(spark, new Path(commit.staged(each)), json);
      commit.commitFile(each);
    }
  }

  /** Folder of every nightly run's manifest JSON ({@code run_manifest.json} is the latest run's). */
  public static final String MANIFESTS = "manifests";

  static String codeVersion() {
    String v = RunJob.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
