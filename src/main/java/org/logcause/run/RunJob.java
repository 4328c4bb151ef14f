package org.logcause.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;

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
import org.apache.spark.sql.functions;
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
import org.logcause.ingest.ReadSources;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.output.OutputFolder;
import org.logcause.output.Pointer;
import org.logcause.output.RunManifest;
import org.logcause.output.SnapshotCommit;
import org.logcause.output.Tables;
import org.logcause.report.ChartRenderer;
import org.logcause.report.IncidentChart;
import org.logcause.signals.AnomalyFinder;
import org.logcause.signals.BuildSignals;
import org.logcause.signals.DetectAnomalies;
import org.logcause.signals.GroupIncidents;
import org.logcause.signals.WriteDetections;

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
    org.logcause.job.SourcePaths.checkOutput(job, out); // inputs are sacred: refused before anything is touched
    try (SnapshotCommit commit = SnapshotCommit.open(spark.sparkContext().hadoopConfiguration(), out, runId,
        mode, job.spec().keepRuns())) {
      commit.notes().forEach(notes);
      return apply(spark, commit);
    }
  }

  private Outcome apply(SparkSession spark, SnapshotCommit commit) {
    Instant started = Instant.now();
    List<RunManifest.StageEntry> stages = new ArrayList<>();
    boolean nightly = window != null && window.date() != null;

    Progress.Stage stage = progress.begin("ingest");
    // Classification runs in the ingest pass (one pass over the lines); the classify stage reports its counts.
    ReadSources.Ingested ingested =
        new ReadSources(job, runId).classifyingWith(Rules.withOverrides(job.spec().rules())).apply(spark);
    List<FileStat> reader = ingested.readerStats();
    for (var k : ingested.skipped()) {
      notes.accept("skipped " + k.path() + " (source " + k.source() + "): " + k.reason());
    }
    Dataset<Row> ingestedEvents = ingested.events();
    // Events dated outside the plausible range (a clock reset to 1970, a typo'd year) are quarantined, so that they
    // can neither widen the windows nor hide an incident; the range is trusted around the bulk of the events.
    Plausible plausible = plausibleRange(spark, ingestedEvents);
    Column ts = unix_micros(col("ts"));
    Column isPlausible = ts.geq(plausible.from()).and(ts.lt(plausible.to()));
    Column inWindow = window == null ? isPlausible : isPlausible.and(ts.geq(window.from())).and(ts.lt(window.to()));
    Column inSpan = window == null ? isPlausible : isPlausible.and(ts.geq(window.baselineFrom())).and(ts.lt(window.to()));
    Map<String, long[]> outside = linesOutside(spark, ingestedEvents, isPlausible, inWindow);
    Dataset<Row> allEvents = ingestedEvents.filter(inSpan);
    Dataset<Row> quarantine = ingested.quarantine().unionByName(implausible(ingestedEvents.filter(functions.not(isPlausible)), plausible));
    long events = reader.stream().mapToLong(FileStat::events).sum();
    long quarantined = reader.stream().mapToLong(FileStat::quarantined).sum();
    long lines = reader.stream().mapToLong(FileStat::linesRead).sum();
    long outOfWindow = outside.values().stream().mapToLong(v -> v[0]).sum();
    long implausibleLines = outside.values().stream().mapToLong(v -> v[1]).sum();
    stages.add(stage.end(events, String.format("%,d lines from %d files in %d tasks: %,d events, %,d quarantined%s%s",
        lines, reader.size(), ingested.tasks(), events, quarantined,
        window == null ? "" : String.format(", %,d lines outside the window", outOfWindow),
        implausibleLines == 0 ? "" : String.format(", %,d lines of events dated outside %s .. %s quarantined (implausible_time)",
            implausibleLines, micros(plausible.from()), micros(plausible.to())))));

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
    Dataset<Row> messages = window == null && implausibleLines == 0 ? ingested.templates() : ingested.templates()
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
    Dataset<Row> past = history(spark, commit.previous(), windowSeconds, first, last);
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
        drafts ? id -> POSTMORTEMS + "/" + id + ".md" : null);
    long hypotheses = attribution.results().stream().mapToLong(r -> r.hypotheses().size()).sum();
    stages.add(stage.end(hypotheses, String.format("%,d hypotheses over %d incidents", hypotheses, attribution.results().size())));

    stage = progress.begin("write");
    Dataset<Row> written = window == null ? templated : templated.filter(inWindow);
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
    write(spark, commit, quarantine, Tables.QUARANTINE);
    commit.checkpoint("tables-written");
    List<FileStat> files = reconcile(spark, commit, reader, outside);
    mapping.unpersist();
    ingested.release();
    long eventsWritten = files.stream().mapToLong(FileStat::events).sum();
    stages.add(stage.end(eventsWritten + quarantined, String.format("written: %,d quarantined lines, events of %,d lines",
        files.stream().mapToLong(FileStat::quarantineLinesWritten).sum(), files.stream().mapToLong(FileStat::eventLinesWritten).sum())));

    for (FileStat f : files) {
      if (!f.reconciled()) {
        // A bug, not bad input: the run must not claim outputs that lost lines.
        throw new IllegalStateException(
            "line accounting mismatch for " + f.file() + ": read " + f.linesRead() + " lines, but events hold "
                + f.eventLinesWritten() + ", " + f.outOfWindowLines() + " are outside the window and quarantine holds "
                + f.quarantineLinesWritten());
      }
    }
    boolean fileErrors = files.stream().anyMatch(f -> f.error() != null);
    int exit = fileErrors ? FILE_ERRORS : OK;

    stage = progress.begin("commit");
    if (nightly) {
      commit.carryOver("date", window.date().toString(), MANIFESTS, MANIFESTS + "/" + runId + ".json");
    } else {
      commit.checkpoint("carried-over");
    }
    List<RunManifest.SkippedEntry> skipped = ingested.skipped().stream()
        .map(k -> new RunManifest.SkippedEntry(k.source(), k.path(), k.reason())).toList();
    // The manifest's own stage entry cannot hold the commit's time: it is written before the publish.
    stages.add(stage.end(0, "snapshot " + commit.snapshotRelative() + " complete; publishing"));
    RunManifest manifest =
        new RunManifest(runId, mode, job.spec().job(), job.specHash(), codeVersion(), started.toString(),
            Instant.now().toString(), fileErrors ? "completed_with_file_errors" : "succeeded", exit,
            window == null ? null : micros(window.from()), window == null ? null : micros(window.to()), baseline,
            files.stream().mapToLong(FileStat::maskedValues).sum(), micros(plausible.from()), micros(plausible.to()),
            RunManifest.SourceEntry.of(files), files.stream().map(RunManifest.FileEntry::of).toList(), skipped, stages);
    writeManifest(spark, commit, manifest);
    commit.checkpoint("manifest-written");
    Map<String, String> tables = new java.util.LinkedHashMap<>();
    for (String t : Tables.ALL) {
      tables.put(t, partitionOf(t));
    }
    commit.publish(tables);
    return new Outcome(exit, manifest, files, attribution.results());
  }

  /** The span of event times a run trusts, in microseconds: {@code [from, to)}. */
  record Plausible(long from, long to, String basis) {}

  /**
   * The plausible range: from {@code limits.plausible_before} before to {@code limits.plausible_after} after a
   * reference span: the night of a nightly run, the {@code --from/--to} window, or else the bulk of the events (the
   * UTC days between the events of rank k and n-k, k = 1% of the n events, at least 1 once there are 3): a handful
   * of lines dated 1970 or 2999 fall outside it, whatever the files hold.
   */
  private Plausible plausibleRange(SparkSession spark, Dataset<Row> events) {
    long before = job.spec().limits().plausibleBeforeMicros();
    long after = job.spec().limits().plausibleAfterMicros();
    if (window != null && window.date() != null) {
      return new Plausible(window.from() - before, window.to() + after, "the night");
    }
    if (window != null) {
      return new Plausible(window.baselineFrom() - before, window.to() + after, "the window");
    }
    spark.sparkContext().setJobDescription("ingest: events per day (plausible range)");
    List<Row> days = events.groupBy(col("date")).count().orderBy(col("date")).collectAsList();
    long n = days.stream().mapToLong(r -> r.getLong(1)).sum();
    if (n == 0) {
      return new Plausible(Long.MIN_VALUE, Long.MAX_VALUE, "no events");
    }
    long k = n >= 3 ? Math.max(1, n / 100) : 0;
    long seen = 0;
    java.time.LocalDate low = null;
    java.time.LocalDate high = null;
    for (Row r : days) {
      seen += r.getLong(1);
      if (low == null && seen > k) low = r.getDate(0).toLocalDate();
      if (high == null && seen >= n - k) high = r.getDate(0).toLocalDate();
    }
    long lowMicros = low.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    long highMicros = high.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    return new Plausible(lowMicros - before, highMicros + after, "the bulk of the events");
  }

  /** The events dated outside the plausible range, as quarantine rows (one per event, with its line count). */
  private Dataset<Row> implausible(Dataset<Row> events, Plausible plausible) {
    String range = micros(plausible.from()) + " .. " + micros(plausible.to()) + " (" + job.spec().limits().plausibleBefore()
        + " before to " + job.spec().limits().plausibleAfter() + " after " + plausible.basis()
        + "; limits.plausible_before/plausible_after)";
    Column when = org.apache.spark.sql.functions.date_format(col("ts"), "yyyy-MM-dd'T'HH:mm:ss'Z'");
    return events.select(lit(runId).alias("run_id"), col("source"), col("component"), col("file"), col("line"),
        org.apache.spark.sql.functions.substring(org.apache.spark.sql.functions.concat(lit("["), when, lit("] "),
            col("message")), 1, 1024).alias("raw"),
        org.apache.spark.sql.functions.concat(lit("implausible_time: dated "), when, lit(", outside the plausible range "),
            lit(range)).alias("reason"),
        col("line_count"));
  }

  private static String micros(long us) {
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L).toString();
  }

  /**
   * Per file ({@code source \0 file}): the lines of plausible events outside the window (read, counted, not written)
   * and the lines of implausible events (quarantined). One small aggregation.
   */
  private static Map<String, long[]> linesOutside(SparkSession spark, Dataset<Row> events, Column plausible, Column inWindow) {
    spark.sparkContext().setJobDescription("ingest: lines outside the window or the plausible range");
    Map<String, long[]> out = new HashMap<>();
    Column lines = col("line_count").cast("long");
    for (Row r : events.filter(functions.not(inWindow)).groupBy("source", "file")
        .agg(sum(functions.when(plausible, lines).otherwise(0L)), sum(functions.when(functions.not(plausible), lines).otherwise(0L)))
        .collectAsList()) {
      out.put(r.getString(0) + "\u0000" + r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
    }
    return out;
  }

  /**
   * Earlier signals to score against, same window size and hours of day: those of {@code --baseline-history}, or for
   * a nightly run the previous nights (up to {@link #HISTORY_NIGHTS}) in this output folder. Null when there are none.
   */
  private Dataset<Row> history(SparkSession spark, Pointer previous, int windowSeconds, long first, long last) {
    Dataset<Row> past;
    if (baselineHistory != null) {
      past = OutputFolder.read(spark, baselineHistory, Tables.SIGNALS).orElseThrow(() ->
          new org.logcause.job.SpecException("--baseline-history: no signals table under " + baselineHistory));
    } else if (window != null && window.date() != null && previous != null && previous.tables().containsKey(Tables.SIGNALS)) {
      Column nights = col("date").geq(lit(java.sql.Date.valueOf(window.date().minusDays(HISTORY_NIGHTS))))
          .and(col("date").lt(lit(java.sql.Date.valueOf(window.date()))));
      past = OutputFolder.read(spark, out, previous, Tables.SIGNALS).orElseThrow().filter(nights);
      var earlier = OutputFolder.read(spark, out, previous, Tables.INCIDENTS);
      if (earlier.isPresent()) {
        // Earlier incidents are not normal behaviour: an outage that recurs at the same hour must not become the
        // baseline that hides it. Their windows, with 10 minutes either side, are left out of the history.
        Dataset<Row> incidents = earlier.get().filter(nights)
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
  private void writePostmortems(SparkSession spark, SnapshotCommit commit, Attribute.Output attribution, Dataset<Row> signals, int window) {
    List<IncidentChart.Plan> plans = new ArrayList<>();
    for (int i = 0; i < attribution.results().size(); i++) {
      plans.add(IncidentChart.plan(job.spec().job(), attribution.facts().get(i), attribution.results().get(i)));
    }
    Map<String, Map<Long, Double>> values = chartValues(spark, signals, plans);
    Path folder = new Path(commit.path(POSTMORTEMS));
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
   * Reads the written tables back (narrow columns) and sets, per file, the lines its events span and the lines its
   * quarantine rows hold: the second, independent count that {@link FileStat#reconciled()} compares with the reader's.
   */
  private List<FileStat> reconcile(SparkSession spark, SnapshotCommit commit, List<FileStat> reader, Map<String, long[]> outside) {
    spark.sparkContext().setJobDescription("reconcile: line accounting of the written tables");
    Map<String, long[]> written = new HashMap<>();
    for (Row r : spark.read().parquet(commit.path(Tables.EVENTS))
        .groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[0] = r.getLong(2);
    }
    for (Row r : spark.read().parquet(commit.path(Tables.QUARANTINE))
        .groupBy("source", "file").agg(sum("line_count")).collectAsList()) {
      written.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new long[2])[1] = r.getLong(2);
    }
    List<FileStat> files = new ArrayList<>();
    for (FileStat f : reader) {
      String key = f.source() + "\u0000" + f.file();
      long[] w = written.getOrDefault(key, new long[2]);
      long[] o = outside.getOrDefault(key, new long[2]);
      files.add(f.withWritten(w[0], o[0], o[1], w[1]));
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

  private void write(SparkSession spark, SnapshotCommit commit, Dataset<Row> rows, String table) {
    spark.sparkContext().setJobDescription("write " + table);
    if (window != null && window.date() != null) {
      // One night, one partition: written straight into date=D (a quiet night still gets a file with the schema).
      rows = java.util.Arrays.asList(rows.columns()).contains("date") ? rows.drop("date") : rows;
      rows.write().mode(SaveMode.Overwrite).parquet(commit.path(table) + "/date=" + window.date());
      return;
    }
    var writer = rows.write().mode(SaveMode.Overwrite);
    String partition = partitionOf(table);
    if (partition != null) {
      writer = writer.partitionBy(partition);
    }
    writer.parquet(commit.path(table));
  }

  /** The manifest as a table, {@code run_manifest.json}, and (nightly) {@code manifests/<run id>.json}, in the snapshot. */
  private void writeManifest(SparkSession spark, SnapshotCommit commit, RunManifest manifest) {
    String json = manifest.toJson();
    spark.sparkContext().setJobDescription("write " + Tables.RUN_MANIFEST);
    Dataset<String> one = spark.createDataset(List.of(json.replace('\n', ' ')), Encoders.STRING());
    write(spark, commit, spark.read().schema(manifestSchema(spark)).json(one).coalesce(1), Tables.RUN_MANIFEST);
    writeText(spark, new Path(commit.path(Tables.MANIFEST_JSON)), json);
    if (window != null && window.date() != null) {
      writeText(spark, new Path(commit.path(MANIFESTS + "/" + runId + ".json")), json);
    }
  }

  /**
   * The manifest table's schema, the same for every run: inferred once from a manifest with one entry in every list
   * and a value in every field (inferred from a real manifest, an empty list or a null field would change the type
   * from run to run, and nights written with different types could not be read together).
   */
  private static org.apache.spark.sql.types.StructType manifestSchema(SparkSession spark) {
    RunManifest full = new RunManifest("r", "m", "j", "h", "v", "s", "f", "st", 0, "wf", "wt", "b", 0, "pf", "pt",
        List.of(new RunManifest.SourceEntry("s", 0, 0, 0, 0, 0, 0, 0, 0)),
        List.of(new RunManifest.FileEntry("s", "f", 0, 0, 0, 0, 0, 0, 0, 0, 0, true, "e")),
        List.of(new RunManifest.SkippedEntry("s", "p", "r")), List.of(new RunManifest.StageEntry("s", 0, 0.5)));
    return spark.read().json(spark.createDataset(List.of(full.toJson().replace('\n', ' ')), Encoders.STRING())).schema();
  }

  /** Folder of every nightly run's manifest JSON ({@code run_manifest.json} is the latest run's). */
  public static final String MANIFESTS = "manifests";

  static String codeVersion() {
    String v = RunJob.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
