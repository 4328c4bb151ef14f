package org.logcause.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.plan.RunPlan;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.run.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logcause forensic}: a post-incident run over a job's logs, written under its own output folder. */
@Command(
    name = "forensic",
    mixinStandardHelpOptions = true,
    description = "Run the pipeline over a job's logs after an incident and write the tables under --out.")
final class ForensicCommand implements Callable<Integer> {
  @Option(names = "--job", required = true, paramLabel = "FILE", description = "job spec (YAML), e.g. jobs/redcrow.yaml")
  Path job;

  @Option(names = "--out", paramLabel = "DIR",
      description = "output folder (default: the spec's output, under forensic/<run id>)")
  String out;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: the submit's, else local[*])")
  String master;

  @Option(names = "--baseline-history", paramLabel = "DIR",
      description = "score against the signals of an earlier run under DIR (same hours of day) instead of the first 30 minutes of this run")
  String baselineHistory;

  @Option(names = "--from", paramLabel = "TIME",
      description = "start of the window to analyse, UTC (2024-06-20T13:30:00Z or '2024-06-20 13:30'); with --to")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "end of the window (exclusive), UTC; with --from")
  String to;

  @Option(names = "--verbose", description = "print the run's plan first, and show Spark's own logging")
  boolean verbose;

  @Option(names = "--dry-run", description = "check the job spec and the options, print the run's plan, and stop (Spark is not started)")
  boolean dryRun;

  @Option(names = "--profile", description = "after the run, print every Spark job it launched, per pipeline stage")
  boolean profile;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedJob loaded = JobSpecLoader.load(job); // validated before Spark starts
    if ((from == null) != (to == null)) {
      throw new org.logcause.job.SpecException(from == null ? "--to needs --from" : "--from needs --to");
    }
    RunPlan plan = RunPlan.forensic(loaded, out, from == null ? null : Times.parse("--from", from),
        to == null ? null : Times.parse("--to", to), baselineHistory, "forensic"); // checked before Spark starts
    String outDir = plan.out();
    PrintWriter console = spec.commandLine().getOut();
    if (dryRun || verbose) {
      plan.print(console);
      if (dryRun) {
        return 0;
      }
    }
    console.printf("logcause forensic: job %s, run %s%n", loaded.spec().job(), plan.runId());
    console.flush();
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined(); // embedded in a test or a notebook
    SparkSession spark = SparkSessions.start("logcause forensic " + loaded.spec().job(), master, verbose);
    try {
      if (baselineHistory != null && org.logcause.output.OutputFolder.current(spark, baselineHistory)
          .filter(p -> p.tables().containsKey(org.logcause.output.Tables.SIGNALS)).isEmpty()) {
        throw new org.logcause.job.SpecException("--baseline-history: no signals table under " + baselineHistory);
      }
      org.logcause.run.SparkProfile profiler = profile ? new org.logcause.run.SparkProfile() : null;
      if (profiler != null) spark.sparkContext().addSparkListener(profiler);
      RunJob.Outcome outcome;
      try {
        outcome = new RunJob(loaded, plan, new Progress(console)).withNotes(n -> console.println("note: " + n)).apply(spark);
      } finally {
        if (profiler != null) {
          org.logcause.run.SparkProfile.detach(spark, profiler, console);
          profiler.print(console);
        }
      }
      printFiles(console, outcome.files(), from != null);
      String where = published(outDir);
      console.printf("wrote %s/{%s} and %s/run_manifest.json (status %s)%n", where,
          String.join(",", org.logcause.output.Tables.ALL.stream()
              .filter(t -> !t.equals(org.logcause.output.Tables.FINDINGS)).toList()), where, outcome.manifest().status());
      printSummary(console, outcome.attribution(), where);
      printDegradations(console, outcome.degradations());
      return outcome.exitCode();
    } finally {
      console.flush();
      if (!sessionExisted) {
        spark.stop();
      }
    }
  }

  /**
   * Where the published run's files are, as a reader opens them: {@code DIR/current} on a local disk (the link to
   * the current snapshot), else the snapshot folder itself.
   */
  static String published(String outDir) {
    java.nio.file.Path link = java.nio.file.Path.of(outDir, org.logcause.output.OutputFolder.CURRENT_LINK);
    if (!outDir.contains("://") && java.nio.file.Files.isSymbolicLink(link)) {
      return outDir + "/" + org.logcause.output.OutputFolder.CURRENT_LINK;
    }
    var pointer = org.logcause.output.OutputFolder.current(new org.apache.hadoop.conf.Configuration(), outDir);
    return pointer.map(p -> outDir + "/" + p.snapshot()).orElse(outDir);
  }

  /** The groups of anomalies the users did not feel: where they were, and that they are no incident. */
  static void printDegradations(PrintWriter console, java.util.List<org.logcause.run.RunJob.Degradation> degradations) {
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(java.time.ZoneOffset.UTC);
    for (var d : degradations) {
      console.printf("%ndegradation %s – %s UTC, components %s: below the user-impact line (detection.impact), no incident;"
          + " its anomalies are in the anomalies table%n", f.format(java.time.Instant.ofEpochSecond(d.startMicros() / 1_000_000L)),
          f.format(java.time.Instant.ofEpochSecond(d.endMicros() / 1_000_000L)), String.join(", ", d.components()));
    }
  }

  /** The incident summary a responder reads first: root cause, misleading leads, where the draft is. */
  static void printSummary(PrintWriter console, java.util.List<org.logcause.attribution.core.Attributor.Result> results, String outDir) {
    printSummary(console, results, outDir, true);
  }

  static void printSummary(PrintWriter console, java.util.List<org.logcause.attribution.core.Attributor.Result> results, String outDir,
      boolean drafts) {
    if (results.isEmpty()) {
      console.println("no incident found");
      return;
    }
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(java.time.ZoneOffset.UTC);
    for (var r : results) {
      var s = r.summary();
      console.printf("%nincident %s: %s – %s UTC, severity %s, components %s%n", s.incidentId(),
          f.format(java.time.Instant.ofEpochSecond(s.start() / 1_000_000L)), f.format(java.time.Instant.ofEpochSecond(s.end() / 1_000_000L)),
          s.severity(), String.join(", ", s.components()));
      var rc = s.rootCause();
      if (rc != null) {
        console.printf(java.util.Locale.ROOT, "  ROOT CAUSE (confidence %.2f): %s on %s%n    %s%n", rc.confidence(),
            rc.cause().equals(rc.category()) ? rc.category() : rc.cause() + " (" + rc.category() + ")", rc.component(), rc.explanation());
      }
      for (var m : s.misleading()) {
        console.printf("  MISLEADING \"%s\" (%s on %s)%n    %s%n", m.lead(), m.category(), m.component(), m.explanation());
      }
      if (drafts) {
        console.printf("  postmortem draft: %s/%s/%s.md%n", outDir, org.logcause.report.WritePostmortems.FOLDER, s.incidentId());
      }
    }
  }

  /** The per-file accounting table; with a window, the lines of events outside it get their own column. */
  static void printFiles(PrintWriter console, java.util.List<FileStat> files, boolean windowed) {
    console.printf("%-44s %10s %10s %12s %11s%s%n", "source / file", "lines", "events", "continuation", "quarantined",
        windowed ? String.format(" %14s", "outside window") : "");
    for (FileStat f : files) {
      console.printf("%-44s %10d %10d %12d %11d%s%s%n", f.source() + " " + shortName(f.file()), f.linesRead(),
          f.events(), f.continuationLines(), f.quarantined(), windowed ? String.format(" %14d", f.outOfWindowLines()) : "",
          f.error() == null ? "" : "  ERROR: " + f.error());
    }
  }

  private static String shortName(String file) {
    int slash = file.lastIndexOf('/');
    return slash < 0 ? file : file.substring(slash + 1);
  }
}
