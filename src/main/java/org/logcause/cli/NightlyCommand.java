package org.logcause.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SpecException;
import org.logcause.plan.RunPlan;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.run.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logcause nightly}: one UTC day of a job's logs (or each day of a backfill), written into the job's output
 * folder as that date's partition of every table. A rerun replaces that date and nothing else; the signals of the
 * previous nights are the baseline of the next.
 */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = "Run the pipeline over one UTC day of a job's logs (or each day from --from-date to --to-date) and "
        + "replace that day's partition of every table under the output folder.")
final class NightlyCommand implements Callable<Integer> {
  /** Longest backfill one command runs; split a longer one into several commands. */
  static final int MAX_DAYS = 366;

  @Option(names = "--job", required = true, paramLabel = "FILE", description = "job spec (YAML)")
  Path job;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the day to process (UTC)")
  String date;

  @Option(names = "--from-date", paramLabel = "YYYY-MM-DD", description = "first day of a backfill (with --to-date)")
  String fromDate;

  @Option(names = "--to-date", paramLabel = "YYYY-MM-DD", description = "last day of a backfill, included")
  String toDate;

  @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: the spec's output)")
  String out;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: the submit's, else local[*])")
  String master;

  @Option(names = "--verbose", description = "print each night's plan first, and show Spark's own logging")
  boolean verbose;

  @Option(names = "--dry-run", description = "check the job spec and the options, print the plan of each night, and stop (Spark is not started)")
  boolean dryRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedJob loaded = JobSpecLoader.load(job);
    LocalDate first;
    LocalDate last;
    if (date != null) {
      if (fromDate != null || toDate != null) throw new SpecException("--date cannot be combined with --from-date/--to-date");
      first = last = Times.date("--date", date);
    } else {
      if (fromDate == null || toDate == null) throw new SpecException("give --date, or both --from-date and --to-date");
      first = Times.date("--from-date", fromDate);
      last = Times.date("--to-date", toDate);
      if (last.isBefore(first)) throw new SpecException("--to-date " + toDate + " is before --from-date " + fromDate);
      if (first.plusDays(MAX_DAYS).isBefore(last)) throw new SpecException("a backfill covers at most " + MAX_DAYS + " days");
    }
    List<RunPlan> plans = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      plans.add(RunPlan.nightly(loaded, out, d)); // checked before Spark starts
    }
    String outDir = plans.get(0).out();
    PrintWriter console = spec.commandLine().getOut();
    if (dryRun || verbose) {
      plans.forEach(p -> p.print(console));
      if (dryRun) {
        return 0;
      }
    }
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.start("logcause nightly " + loaded.spec().job(), master, verbose);
    int exit = RunJob.OK;
    try {
      for (RunPlan plan : plans) {
        LocalDate d = ((RunPlan.Nightly) plan.mode()).date();
        console.printf("logcause nightly: job %s, date %s, run %s, output %s%n", loaded.spec().job(), d, plan.runId(), outDir);
        console.flush();
        RunJob.Outcome outcome = new RunJob(loaded, plan, new Progress(console))
            .withNotes(n -> console.println("note: " + n)).apply(spark);
        ForensicCommand.printFiles(console, outcome.files(), true);
        console.printf("committed date=%s of every table under %s (status %s)%n", d, outDir, outcome.manifest().status());
        ForensicCommand.printSummary(console, outcome.attribution(), outDir, false);
        exit = Math.max(exit, outcome.exitCode());
      }
      return exit;
    } finally {
      console.flush();
      if (!sessionExisted) {
        spark.stop();
      }
    }
  }
}
