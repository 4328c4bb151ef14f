package org.logcause.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.logcause.eval.Evaluation;
import org.logcause.run.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logcause eval}: attribution and detection accuracy on labelled scenarios (see {@link Evaluation}). */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Score root-cause attribution on labelled scenarios (AC@1, AC@3, Avg@5, misleading precision/recall, "
        + "false-alarm rate, onset error).")
final class EvalCommand implements Callable<Integer> {
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = Evaluation.JSON;

  static final class Input {
    @Option(names = "--scenarios", paramLabel = "DIR", description = "a folder of labelled scenarios (simulated or lab corpora, each with job.yaml and labels.json)")
    Path scenarios;

    @ArgGroup(exclusive = false)
    Generated generated;
  }

  static final class Generated {
    @Option(names = "--families", required = true, paramLabel = "LIST", description = "all, or comma-separated scenario names")
    String families;

    @Option(names = "--seeds", required = true, paramLabel = "A-B", description = "seed range, e.g. 1000-1099")
    String seeds;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--half", paramLabel = "NAME", description = "with --scenarios: only the corpora the folder's "
      + "split.json lists under NAME (development or evaluation)")
  String half;

  @Option(names = "--work", defaultValue = "out/eval", paramLabel = "DIR", description = "where generated scenarios and run outputs go (default out/eval)")
  Path work;

  @Option(names = "--scale", defaultValue = "1", paramLabel = "X", description = "request-rate multiplier of generated scenarios")
  double scale;

  @Option(names = "--parallel", defaultValue = "2", paramLabel = "N", description = "scenarios run side by side (default 2)")
  int parallel;

  @Option(names = "--json", description = "print the figures as one JSON object")
  boolean json;

  @Option(names = "--before-remediation", description = "also score each scenario with its logs read only up to the "
      + "labelled fix, as during the incident (reported beside the whole-log figures)")
  boolean beforeRemediation;

  @Option(names = "--without-change-feed", description = "leave each scenario's change feed (its sources of format "
      + "changes) out, as a user without one runs it: only what the servers logged of the changes is left")
  boolean withoutChangeFeed;

  @Option(names = "--profile", description = "after the runs, print the Spark jobs they launched, summed per pipeline "
      + "stage and job description, with their tasks' CPU seconds")
  boolean profile;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: the submit's, else local[*])")
  String master;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Path> dirs = input.scenarios != null ? Evaluation.listScenarios(input.scenarios, half)
        : Evaluation.generate(input.generated.families, input.generated.seeds, scale, work);
    PrintWriter console = spec.commandLine().getOut();
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.start("logcause eval", master, false);
    org.logcause.run.SparkProfile profiler = profile ? new org.logcause.run.SparkProfile() : null;
    if (profiler != null) spark.sparkContext().addSparkListener(profiler);
    try {
      long t0 = System.nanoTime();
      List<Evaluation.Case> whole = Evaluation.evaluateAll(spark, dirs, work, false, parallel, withoutChangeFeed);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (!beforeRemediation) {
        return Evaluation.report(whole, console, json, seconds);
      }
      t0 = System.nanoTime();
      List<Evaluation.Case> before = Evaluation.evaluateAll(spark, dirs, work, true, parallel, withoutChangeFeed);
      double beforeSeconds = (System.nanoTime() - t0) / 1e9;
      if (json) {
        StringWriter a = new StringWriter();
        StringWriter b = new StringWriter();
        Evaluation.report(whole, new PrintWriter(a, true), true, seconds);
        Evaluation.report(before, new PrintWriter(b, true), true, beforeSeconds);
        ObjectNode root = (ObjectNode) JSON.readTree(a.toString());
        root.set("before_remediation", JSON.readTree(b.toString()));
        console.println(root);
      } else {
        console.println("whole logs:");
        Evaluation.report(whole, console, false, seconds);
        console.println();
        console.println("logs up to the labelled fix (--before-remediation):");
        Evaluation.report(before, console, false, beforeSeconds);
      }
      console.flush();
      return 0;
    } finally {
      if (profiler != null) {
        // beside --json, on stderr: stdout stays one JSON object
        PrintWriter to = json ? spec.commandLine().getErr() : console;
        org.logcause.run.SparkProfile.detach(spark, profiler, to);
        profiler.print(to, false);
      }
      if (!sessionExisted) {
        spark.stop();
      }
    }
  }


}
