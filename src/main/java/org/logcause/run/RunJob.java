package org.logcause.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.logcause.attribution.Attribute;
import org.logcause.attribution.core.Attributor;
import org.logcause.attribution.core.CausalKnowledge;
import org.logcause.classify.ClassifyEvents;
import org.logcause.classify.CountClassified;
import org.logcause.classify.MineTemplates;
import org.logcause.classify.core.Rules;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.findings.Findings;
import org.logcause.findings.ScheduledJobs;
import org.logcause.findings.WriteDigest;
import org.logcause.ingest.FileStat;
import org.logcause.ingest.ReadSources;
import org.logcause.ingest.ScopeEvents;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.output.EvidenceLines;
import org.logcause.output.OutputFolder;
import org.logcause.output.Reconcile;
import org.logcause.output.RunManifest;
import org.logcause.output.SignalHistory;
import org.logcause.output.SnapshotCommit;
import org.logcause.output.Tables;
import org.logcause.output.WriteManifest;
import org.logcause.output.WriteTables;
import org.logcause.plan.RunPlan;
import org.logcause.report.IncidentReport;
import org.logcause.report.WritePostmortems;
import org.logcause.signals.ChartSeries;
import org.logcause.signals.DetectIncidents;

/**
 * One run of the pipeline, as its plan says: ingest (classification fused in), the events in scope, template mining,
 * detection, attribution, the tables and drafts written into a snapshot of the output folder, every line accounted
 * for, the manifest, and the publish. The body reads like the pipeline; each stage does its one thing.
 */
public final class RunJob {
  /** Exit codes: documented in the README. */
  public static final int OK = 0;
  public static final int FILE_ERRORS = 1;

  private final LoadedJob job;
  private final RunPlan plan;
  private final Progress progress;
  private final CausalKnowledge knowledge = CausalKnowledge.builtIn();
  private Consumer<String> notes = n -> {};

  public RunJob(LoadedJob job, RunPlan plan, Progress progress) {
    this.job = job;
    this.plan = plan;
    this.progress = progress;
  }

  /** Where to report what the run noticed: a stale lock taken over, an interrupted run cleaned up, a glob match skipped. */
  public RunJob withNotes(Consumer<String> notes) {
    this.notes = notes;
    return this;
  }

  /**
   * How the run ended, and where its numbers are.
   *
   * @param degradations groups of sustained anomalies whose users were not hurt: no incident (see
   *     {@link org.logcause.signals.core.UserImpact})
   */
  public record Outcome(int exitCode, RunManifest manifest, List<FileStat> files, List<Attributor.Result> attribution,
      List<Degradation> degradations) {}

  /** A degradation's span (micros, end exclusive) and the components with anomalies in it. */
  public record Degradation(long startMicros, long endMicros, List<String> components) {}

  public Outcome apply(SparkSession spark) {
    try (SnapshotCommit commit = SnapshotCommit.open(spark.sparkContext().hadoopConfiguration(), plan.out(),
        plan.runId(), plan.mode().name(), plan.keepRuns())) {
      commit.notes().forEach(notes);
      progress.attach(spark.sparkContext());
      return apply(spark, commit);
    }
  }

  private Outcome apply(SparkSession spark, SnapshotCommit commit) {
    Instant started = Instant.now();
    List<RunManifest.StageEntry> stages = new ArrayList<>();

    Progress.Stage stage = progress.begin("ingest");
    ReadSources.Ingested ingested =
        new ReadSources(job, plan.runId()).classifyingWith(Rules.withOverrides(job.spec().rules())).apply(spark);
    List<FileStat> reader = ingested.readerStats();
    ingested.skipped().forEach(k -> notes.accept("skipped " + k.path() + " (source " + k.source() + "): " + k.reason()));
    ScopeEvents.Scoped scoped =
        new ScopeEvents(new ScopeEvents.Settings(plan.runId(), plan.mode(), job.spec().limits())).apply(spark, ingested.events(),
            ingested.eventsPerDay());
    stages.add(stage.end(sum(reader, FileStat::events), ingestLine(reader, ingested, scoped)));

    stage = progress.begin("classify");
    // When the events analysed are every event with a time, the reader's aggregation already counted them: no job.
    ReadSources.TimedEvents timed = ingested.timedEvents();
    CountClassified.Counts classified = scoped.everyTimedEvent() && timed != null
        ? new CountClassified.Counts(timed.events(), timed.unknown(), timed.fromMicros(), timed.toMicros())
        : new CountClassified().apply(scoped.analysed());
    stages.add(stage.end(classified.events(), String.format("%,d events classified, %,d matched no rule",
        classified.events(), classified.unknown())));

    stage = progress.begin("templates");
    spark.sparkContext().setJobDescription("mine templates");
    // Mined from the masked messages of the events analysed: when some are out of scope, those of keys they hold.
    boolean allAnalysed = plan.mode() instanceof RunPlan.Forensic f && f.to() == null && scoped.implausibleLines() == 0;
    Dataset<Row> messages = allAnalysed ? ingested.templates() : ingested.templates()
        .join(scoped.analysed().select(ClassifyEvents.TEMPLATE_KEY).distinct(), ClassifyEvents.TEMPLATE_KEY, "left_semi");
    MineTemplates.Mined mined = new MineTemplates(new TemplateMiner()).mine(messages, ingested.templateRows());
    Dataset<Row> mapping = mined.mapping();
    long templates = mined.templates();
    stages.add(stage.end(templates, String.format("%,d templates", templates)));
    // Not cached: each use scans the ingest cache (only the columns it needs) and joins the small mapping.
    Dataset<Row> templated = MineTemplates.apply(scoped.analysed(), mapping).select(Tables.EVENT_COLUMNS);

    stage = progress.begin("detect");
    DetectIncidents.Detections detections = new DetectIncidents(plan)
        .apply(spark, scoped.analysed(), templated, SignalHistory.read(spark, plan, commit.previous()),
            classified.fromMicros(), classified.toMicros());
    var found = detections.tables();
    int degraded = found.degradations().size();
    stages.add(stage.end(found.incidentList().size(), String.format("%,d anomalies, %d incidents%s (windows of %d s; baseline: %s)",
        found.anomalyCount(), found.incidentList().size(), degraded == 0 ? ""
            : String.format(" and %d degradation%s below the user-impact line", degraded, degraded == 1 ? "" : "s"),
        detections.windowSeconds(), detections.baseline())));
    long windowMicros = detections.windowSeconds() * 1_000_000L;
    List<Degradation> degradations = found.degradations().stream()
        .map(d -> new Degradation(d.start() * windowMicros, (d.end() + 1) * windowMicros, d.components())).toList();

    stage = progress.begin("attribute");
    spark.sparkContext().setJobDescription("attribute: hypotheses per incident");
    Attribute.Output attribution = new Attribute(job.spec(), knowledge, plan.runId(), detections.windowSeconds())
        .dataEnd(detections.dataEndMicros()).templateCategories(detections.templateCategories()).apply(spark, templated,
        found.signals(), found.anomalies(), found.incidents(), plan.mode().drafts() ? WritePostmortems.draftPath() : null);
    long hypotheses = attribution.results().stream().mapToLong(r -> r.hypotheses().size()).sum();
    stages.add(stage.end(hypotheses, String.format("%,d hypotheses over %d incidents", hypotheses, attribution.results().size())));

    WriteTables tables = new WriteTables(plan, commit);
    if (plan.mode() instanceof RunPlan.Nightly n) {
      stage = progress.begin("findings");
      List<Row> findings = writeFindings(spark, commit, tables, scoped.analysed().filter(scoped.written()), n);
      long routine = findings.stream().filter(r -> Findings.ROUTINE.equals(r.getAs("severity"))).count();
      stages.add(stage.end(findings.size(), String.format("%d findings and %d routine job runs; digest %s",
          findings.size() - routine, routine, WriteDigest.path(n.date()))));
    }

    stage = progress.begin("write");
    boolean all = plan.mode().allTables();
    // The events and the quarantine are written on a thread of their own while this one writes the small tables and
    // the drafts: those are mostly the driver's planning and commits, which then overlap the events' tasks.
    try (Beside beside = new Beside("logcause-write-events")) {
      if (all) {
        beside.run(() -> {
          tables.apply(spark, templated.filter(scoped.written()), Tables.EVENTS);
          tables.apply(spark, ingested.quarantine().unionByName(scoped.implausible()), Tables.QUARANTINE);
        });
        tables.apply(spark, found.signals(), Tables.SIGNALS);
      }
      tables.apply(spark, found.anomalies(), Tables.ANOMALIES);
      tables.apply(spark, found.incidents(), Tables.INCIDENTS);
      tables.apply(spark, attribution.hypotheses(), Tables.HYPOTHESES);
      if (all) {
        tables.apply(spark, attribution.summary(), Tables.INCIDENT_SUMMARY);
      }
      if (plan.mode().drafts()) {
        WritePostmortems drafts = new WritePostmortems(job.spec().job(), plan.runId());
        var plans = drafts.plans(attribution.facts(), attribution.results());
        var values = ChartSeries.collect(found.signals(), WritePostmortems.needed(plans), WritePostmortems.from(plans),
            WritePostmortems.to(plans));
        var lines = EvidenceLines.collect(scoped.analysed(), EvidenceLines.cited(attribution.results()));
        drafts.apply(spark.sparkContext().hadoopConfiguration(), attribution.results(), plans, values,
            detections.windowSeconds(), lines, accounting(reader), new Path(commit.path(WritePostmortems.FOLDER)));
      }
      beside.join();
    }
    detections.release();
    commit.checkpoint("tables-written");
    // what the reader counted, when the events and the quarantine were not written to be reconciled with
    List<FileStat> files = all ? new Reconcile(commit).apply(spark, reader, scoped.outside()) : reader;
    mapping.unpersist();
    ingested.release();
    stages.add(stage.end(sum(files, FileStat::events) + sum(reader, FileStat::quarantined), !all
        ? "written: anomalies, incidents, hypotheses (an eval run: the tables it is scored on)"
        : String.format("written: %,d quarantined lines, events of %,d lines", sum(files, FileStat::quarantineLinesWritten),
            sum(files, FileStat::eventLinesWritten))));
    boolean fileErrors = files.stream().anyMatch(f -> f.error() != null);
    int exit = fileErrors ? FILE_ERRORS : OK;

    stage = progress.begin("commit");
    if (plan.mode() instanceof RunPlan.Nightly n) {
      commit.carryOver("date", n.date().toString(), Map.of(
          WriteManifest.MANIFESTS, WriteManifest.MANIFESTS + "/" + plan.runId() + ".json",
          Tables.FINDINGS, WriteDigest.path(n.date())));
    } else {
      commit.checkpoint("carried-over");
    }
    // The manifest's own stage entry cannot hold the commit's time: it is written before the publish.
    stages.add(stage.end(0, "snapshot " + commit.snapshotRelative() + " complete; publishing"));
    RunManifest manifest = manifest(started, fileErrors, exit, detections.baseline(), scoped.plausible(), files,
        ingested, stages);
    new WriteManifest(plan, commit, tables).apply(spark, manifest);
    commit.checkpoint("manifest-written");
    commit.publish(tables.partitioning());
    return new Outcome(exit, manifest, files, attribution.results(), degradations);
  }

  /** The night's findings, compared with the earlier nights', as a table and a digest beside it. */
  private List<Row> writeFindings(SparkSession spark, SnapshotCommit commit, WriteTables tables, Dataset<Row> night,
      RunPlan.Nightly n) {
    int nights = plan.baseline() instanceof RunPlan.EarlierNights e ? e.nights() : WriteDigest.DEFAULT_NIGHTS;
    LocalDate since = n.date().minusDays(nights);
    Dataset<Row> earlier = commit.previous() == null ? null
        : OutputFolder.read(spark, plan.out(), commit.previous(), Tables.FINDINGS)
            .map(d -> d.filter(col("date").geq(lit(java.sql.Date.valueOf(since)))
                .and(col("date").lt(lit(java.sql.Date.valueOf(n.date()))))))
            .orElse(null);
    // Nights compared with: the earlier nights the output folder holds (quiet ones have no findings rows).
    int compared = commit.previous() == null || !commit.previous().tables().containsKey(Tables.FINDINGS) ? 0
        : (int) commit.previous().tables().get(Tables.FINDINGS).parts().stream()
            .map(p -> new Path(p).getName()).filter(p -> p.startsWith("date="))
            .map(p -> LocalDate.parse(p.substring("date=".length())))
            .filter(d -> !d.isBefore(since) && d.isBefore(n.date())).count();
    spark.sparkContext().setJobDescription("findings");
    // Collected once (a few rows per component and kind), then written from the driver's copy: one pass over the night.
    Dataset<Row> findings = new Findings(knowledge, ScheduledJobs.builtIn()).apply(night, earlier, compared);
    List<Row> rows = findings.collectAsList();
    tables.apply(spark, spark.createDataFrame(rows, findings.schema()).select(Findings.COLUMNS.stream()
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new)).coalesce(1), Tables.FINDINGS);
    new WriteDigest(job.spec().job(), plan.runId()).apply(spark.sparkContext().hadoopConfiguration(), n.date(),
        compared, rows, new Path(commit.path(Tables.FINDINGS)));
    return rows;
  }

  private String ingestLine(List<FileStat> reader, ReadSources.Ingested ingested, ScopeEvents.Scoped scoped) {
    boolean window = !(plan.mode() instanceof RunPlan.Forensic f && f.to() == null);
    return String.format("%,d lines from %d files in %d tasks: %,d events, %,d quarantined%s%s",
        sum(reader, FileStat::linesRead), reader.size(), ingested.tasks(), sum(reader, FileStat::events),
        sum(reader, FileStat::quarantined),
        window ? String.format(", %,d lines outside the window", scoped.outOfWindowLines()) : "",
        scoped.implausibleLines() == 0 ? "" : String.format(", %,d lines of events dated outside %s .. %s quarantined (implausible_time)",
            scoped.implausibleLines(), ScopeEvents.micros(scoped.plausible().from()), ScopeEvents.micros(scoped.plausible().to())));
  }

  private RunManifest manifest(Instant started, boolean fileErrors, int exit, String baseline, ScopeEvents.Range plausible,
      List<FileStat> files, ReadSources.Ingested ingested, List<RunManifest.StageEntry> stages) {
    String from = null;
    String to = null;
    if (plan.mode() instanceof RunPlan.Nightly n) {
      from = ScopeEvents.micros(n.fromMicros());
      to = ScopeEvents.micros(n.toMicros());
    } else if (plan.mode() instanceof RunPlan.Forensic f && f.to() != null) {
      from = f.from() == null ? null : ScopeEvents.micros(f.from());
      to = ScopeEvents.micros(f.to());
    }
    return new RunManifest(plan.runId(), plan.mode().name(), job.spec().job(), job.specHash(), codeVersion(),
        started.toString(), Instant.now().toString(), fileErrors ? "completed_with_file_errors" : "succeeded", exit,
        from, to, baseline, sum(files, FileStat::maskedValues), ScopeEvents.micros(plausible.from()),
        ScopeEvents.micros(plausible.to()), RunManifest.SourceEntry.of(files),
        files.stream().map(RunManifest.FileEntry::of).toList(),
        ingested.skipped().stream().map(k -> new RunManifest.SkippedEntry(k.source(), k.path(), k.reason())).toList(), stages);
  }

  /** What the run read, per file, for the HTML reports. */
  private static IncidentReport.Accounting accounting(List<FileStat> files) {
    return new IncidentReport.Accounting(files.stream().map(f -> new IncidentReport.FileRow(f.source(), f.file(),
        f.linesRead(), f.events(), f.continuationLines(), f.quarantined())).toList(), sum(files, FileStat::linesRead),
        sum(files, FileStat::events), sum(files, FileStat::continuationLines), sum(files, FileStat::quarantined));
  }

  private static long sum(List<FileStat> files, java.util.function.ToLongFunction<FileStat> f) {
    return files.stream().mapToLong(f).sum();
  }

  static String codeVersion() {
    String v = RunJob.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
