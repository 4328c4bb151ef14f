package org.logcause.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.JobSpecLoader.LoadedJob;
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

  @Option(names = "--verbose", description = "show Spark's own logging")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedJob loaded = JobSpecLoader.load(job); // validated before Spark starts
    String runId = "forensic-" + loaded.specHash().substring(0, 12);
    String outDir = out != null ? out : loaded.resolve(loaded.spec().output()) + "/forensic/" + runId;
    PrintWriter console = spec.commandLine().getOut();
    console.printf("logcause forensic: job %s, run %s%n", loaded.spec().job(), runId);
    console.flush();
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined(); // embedded in a test or a notebook
    SparkSession spark = SparkSessions.start("logcause forensic " + loaded.spec().job(), master, verbose);
    try {
      if (baselineHistory != null && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(baselineHistory, "signals"))
          && !baselineHistory.contains("://")) {
        throw new org.logcause.job.SpecException("--baseline-history: no signals table under " + baselineHistory);
      }
      RunJob.Outcome outcome = new RunJob(loaded, "forensic", runId, outDir, new Progress(console))
          .withBaselineHistory(baselineHistory).apply(spark);
      console.printf("%-44s %10s %10s %12s %11s%n", "source / file", "lines", "events", "continuation", "quarantined");
      for (FileStat f : outcome.files()) {
        console.printf("%-44s %10d %10d %12d %11d%s%n", f.source() + " " + shortName(f.file()), f.linesRead(),
            f.events(), f.continuationLines(), f.quarantined(), f.error() == null ? "" : "  ERROR: " + f.error());
      }
      console.printf("wrote %s/{events,quarantine,signals,anomalies,incidents,hypotheses,incident_summary,run_manifest} and "
          + "%s/run_manifest.json (status %s)%n", outDir, outDir, outcome.manifest().status());
      printSummary(console, outcome.attribution(), outDir);
      return outcome.exitCode();
    } finally {
      console.flush();
      if (!sessionExisted) {
        spark.stop();
      }
    }
  }

  /** The incident summary a responder reads first: root cause, misleading leads, where the draft is. */
  static void printSummary(PrintWriter console, java.util.List<org.logcause.attribution.Attributor.Result> results, String outDir) {
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
      console.printf("  postmortem draft: %s/%s/%s.md%n", outDir, RunJob.POSTMORTEMS, s.incidentId());
    }
  }

  private static String shortName(String file) {
    int slash = file.lastIndexOf('/');
    return slash < 0 ? file : file.substring(slash + 1);
  }
}
