package org.logcause.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.eval.ClassifyThroughput;
import org.logcause.eval.PipelineBench;
import org.logcause.eval.TemplateAccuracy;
import org.logcause.job.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logcause bench}: accuracy and speed figures, measured. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure accuracy and speed.",
    subcommands = {BenchCommand.Templates.class, BenchCommand.Classify.class, BenchCommand.Pipeline.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (see --help)");
  }

  /** The nightly job end to end beside Spark's floor and the tools users run today. */
  @Command(name = "pipeline", mixinStandardHelpOptions = true,
      description = {"Generates a replication-misconfig scenario at --scale (about 3.8 MB of logs per unit of scale), runs",
          "the nightly job on it end to end, and prints per stage rows, lines/s and MB/s, the driver's peak heap, and",
          "Spark's floor on the same files (spark.read().text() with sum(length(value))). With pgbadger and goaccess",
          "installed, also their wall time on the same PostgreSQL and access logs, and logcause's on the PostgreSQL log",
          "alone. --scaling repeats at 4x and 16x the scale."})
  static final class Pipeline implements Callable<Integer> {
    @Option(names = "--scale", required = true, paramLabel = "N", description = "scenario scale (1 is about 3.8 MB of logs)")
    double scale;

    @Option(names = "--json", description = "print one JSON object (progress goes to stderr)")
    boolean json;

    @Option(names = "--scaling", description = "also run at 4x and 16x the scale and report how time and heap grow")
    boolean scaling;

    @Option(names = "--no-tools", description = "skip pgBadger and GoAccess")
    boolean noTools;

    @Option(names = "--sample", defaultValue = "sample-data/redcrow-2024-06-20/job.yaml", paramLabel = "FILE",
        description = "job spec whose forensic run is timed against a bare query, each in its own JVM "
            + "(default the shipped sample; skipped when the file is missing)")
    Path sample;

    @Option(names = "--eval-seeds", defaultValue = "1100-1101", paramLabel = "A-B",
        description = "seeds of the timed eval of every simulated family (default 1100-1101)")
    String evalSeeds;

    @Option(names = "--eval-scale", defaultValue = "0.3", paramLabel = "X", description = "scale of the timed eval (default 0.3)")
    double evalScale;

    @Option(names = "--no-waits", description = "skip the timed forensic, query and eval runs")
    boolean noWaits;

    @Option(names = "--work", defaultValue = "out/bench-pipeline", paramLabel = "DIR",
        description = "where scenarios (kept between runs) and outputs go (default out/bench-pipeline)")
    Path work;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*])")
    String master;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!(scale > 0)) throw new SpecException("--scale must be above 0, cannot be: " + scale);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter console = json ? spec.commandLine().getErr() : out;
      boolean existed = org.apache.spark.sql.SparkSession.getDefaultSession().isDefined();
      var spark = org.logcause.run.SparkSessions.start("logcause bench pipeline", master, false);
      try {
        List<PipelineBench.Result> results = new ArrayList<>();
        for (double s : PipelineBench.scales(scale, scaling)) {
          PipelineBench.Result r = PipelineBench.run(s, work, !noTools && s == scale, console);
          results.add(r);
          if (!json) PipelineBench.print(out, r);
        }
        PipelineBench.Result first = results.get(0);
        PipelineBench.Result last = results.get(results.size() - 1);
        PipelineBench.Waits waits = noWaits ? null : PipelineBench.waits(sample, evalSeeds, evalScale, work, console);
        if (waits != null && !json) PipelineBench.print(out, waits);
        if (json) {
          ObjectNode o = PipelineBench.json(first);
          if (waits != null) PipelineBench.json(o, waits);
          if (scaling) {
            var arr = o.putArray("scaling");
            for (PipelineBench.Result r : results) {
              arr.addObject().put("scale", r.scale()).put("input_mb", PipelineBench.round(r.inputMb())).put("lines", r.lines())
                  .put("seconds", PipelineBench.round(r.pipelineSeconds())).put("driver_peak_heap_mb", r.driverPeakHeapMb());
            }
            o.put("scaling_time_ratio", PipelineBench.round(last.pipelineSeconds() / first.pipelineSeconds()))
                .put("scaling_input_ratio", PipelineBench.round((double) last.lines() / first.lines()));
          }
          out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else if (scaling) {
          out.printf(Locale.ROOT, "%nscaling: %.0fx the lines took %.2fx the time; driver peak heap %s MB%n",
              (double) last.lines() / first.lines(), last.pipelineSeconds() / first.pipelineSeconds(),
              results.stream().map(r -> String.valueOf(r.driverPeakHeapMb())).toList());
        }
        out.flush();
        return 0;
      } finally {
        if (!existed) spark.stop();
      }
    }
  }

  /** Precision and recall of classification per category. */
  @Command(name = "classify", mixinStandardHelpOptions = true,
      description = {"Precision and recall of classification per category: on the hand-labelled real lines",
          "(classify/labelled-real-lines.tsv, read by reference from --external) and/or on simulated scenarios",
          "(--families/--seeds, scored against each scenario's truth/lines.tsv). With --throughput-scale, also the",
          "lines/s of ingest+classify+template mining beside spark.read().text().count() of the same files."})
  static final class Classify implements Callable<Integer> {
    @Option(names = "--external", paramLabel = "DIR", description = "the folder of real log samples the hand-labelled lines refer to")
    Path external;

    @Option(names = "--families", paramLabel = "LIST", description = "simulated families: all, or comma-separated names")
    String families;

    @Option(names = "--seeds", paramLabel = "A-B", description = "seeds of the simulated scenarios")
    String seeds;

    @Option(names = "--scale", defaultValue = "0.3", paramLabel = "X", description = "scale of the simulated scenarios (default 0.3)")
    double scale;

    @Option(names = "--throughput-scale", paramLabel = "X", description = "measure throughput on one generated scenario of this scale")
    Double throughputScale;

    @Option(names = "--work", defaultValue = "out/bench-classify", paramLabel = "DIR", description = "where generated scenarios go")
    Path work;

    @Option(names = "--json", description = "print one JSON object: categories.<name>.precision/.recall/.labelled")
    boolean json;

    @Option(names = "--errors", description = "also list the misclassified lines")
    boolean errors;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (external == null && families == null && throughputScale == null) {
        throw new SpecException("bench classify needs --external DIR, --families LIST --seeds A-B, or --throughput-scale X");
      }
      var rules = org.logcause.classify.core.Rules.builtIn();
      PrintWriter out = spec.commandLine().getOut();
      if (external != null) {
        if (!Files.isDirectory(external)) {
          throw new SpecException("--external: not a folder: " + external);
        }
        print(out, "real lines", org.logcause.eval.ClassificationAccuracy.realLines(external, rules), json, errors);
      }
      if (families != null) {
        if (seeds == null) {
          throw new SpecException("--families needs --seeds A-B");
        }
        List<org.logcause.eval.ClassificationAccuracy.Scored> all = new ArrayList<>();
        for (Path dir : org.logcause.eval.Evaluation.generate(families, seeds, scale, work)) {
          all.addAll(org.logcause.eval.ClassificationAccuracy.simulated(dir, rules));
        }
        print(out, "simulated scenarios", all, json, errors);
      }
      if (throughputScale != null) {
        ClassifyThroughput.measure(throughputScale, work.resolve("throughput"), json, out);
      }
      return 0;
    }

    static void print(PrintWriter out, String what, List<org.logcause.eval.ClassificationAccuracy.Scored> scored,
        boolean json, boolean errors) {
      var results = org.logcause.eval.ClassificationAccuracy.score(scored);
      if (json) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("lines", scored.size());
        ObjectNode cats = root.putObject("categories");
        results.forEach((c, r) -> cats.putObject(c).put("labelled", r.labelled()).put("predicted", r.predicted())
            .put("precision", round(r.precision())).put("recall", round(r.recall())));
        out.println(root);
      } else {
        out.printf("%s: %d labelled lines%n", what, scored.size());
        out.printf("%-22s %9s %9s %9s %7s%n", "category", "labelled", "predicted", "precision", "recall");
        results.forEach((c, r) -> out.printf(Locale.ROOT, "%-22s %9d %9d %9.3f %7.3f%n", c, r.labelled(), r.predicted(),
            r.precision(), r.recall()));
        if (errors) {
          scored.stream().filter(s -> !s.truth().equals(s.predicted())).forEach(s ->
              out.printf("  %s: labelled %s, classified %s (rule %s)%n", s.where(), s.truth(), s.predicted(), s.ruleId()));
        }
      }
      out.flush();
    }
  }

  /** Grouping and parsing accuracy of template mining on the LogHub 2k samples. */
  @Command(name = "templates", mixinStandardHelpOptions = true,
      description = "Grouping Accuracy (GA) and Parsing Accuracy (PA) of template mining on the LogHub 2k samples.")
  static final class Templates implements Callable<Integer> {
    @Option(names = "--loghub", required = true, paramLabel = "DIR", description = "a folder of LogHub systems, each with <name>_2k.log_structured.csv")
    Path loghub;

    @Option(names = "--corrected", paramLabel = "DIR",
        description = "Loghub-2.0 corrected ground truth (default: loghub-2.0-corrected beside --loghub, when present)")
    Path corrected;

    @Option(names = "--json", description = "print one JSON object: average.ga, average.pa, systems.<name>.ga/.pa/.lines_per_s")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(loghub)) {
        throw new SpecException("--loghub: not a folder: " + loghub);
      }
      Path fixed = corrected != null ? corrected : loghub.toAbsolutePath().getParent().resolve("loghub-2.0-corrected");
      TemplateMiner miner = new TemplateMiner();
      List<TemplateAccuracy.SystemResult> results = new ArrayList<>();
      Path truthDir = Files.isDirectory(fixed) ? fixed : null;
      List<String> all = new ArrayList<>();
      for (String system : TemplateAccuracy.systems(loghub, truthDir)) {
        TemplateAccuracy.Truth truth = TemplateAccuracy.load(loghub, truthDir, system);
        results.add(TemplateAccuracy.evaluate(system, truth, miner));
        all.addAll(truth.contents());
      }
      if (results.isEmpty()) {
        throw new SpecException("--loghub: no system folder with <name>_2k.log_structured.csv under " + loghub);
      }
      // the speed of one pass over every sample concatenated, warm (as in a long run): two passes to warm the JIT up,
      // then the median of five
      double[] passes = new double[7];
      for (int i = 0; i < passes.length; i++) {
        passes[i] = TemplateAccuracy.linesPerSecond(all, miner);
      }
      double[] timed = java.util.Arrays.copyOfRange(passes, 2, passes.length);
      java.util.Arrays.sort(timed);
      double concatenated = timed[timed.length / 2];
      double ga = results.stream().mapToDouble(TemplateAccuracy.SystemResult::ga).average().orElse(0);
      double pa = results.stream().mapToDouble(TemplateAccuracy.SystemResult::pa).average().orElse(0);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.putObject("average").put("ga", round(ga)).put("pa", round(pa));
        ObjectNode systems = root.putObject("systems");
        for (var r : results) {
          systems.putObject(r.system()).put("ga", round(r.ga())).put("pa", round(r.pa()))
              .put("lines_per_s", Math.round(r.linesPerSecond())).put("truth", r.truth());
        }
        root.putObject("concatenated").put("lines", all.size()).put("lines_per_s", Math.round(concatenated));
        root.putObject("drain_published_average").put("ga", 0.85).put("pa", 0.32);
        out.println(root);
      } else {
        out.printf("%-12s %6s %6s %6s %12s  %s%n", "system", "lines", "GA", "PA", "lines/s", "ground truth");
        for (var r : results) {
          out.printf(Locale.ROOT, "%-12s %6d %6.3f %6.3f %12.0f  %s%n", r.system(), r.messages(), r.ga(), r.pa(),
              r.linesPerSecond(), r.truth());
        }
        out.printf(Locale.ROOT, "%-12s %6s %6.3f %6.3f%n", "average", "", ga, pa);
        out.printf(Locale.ROOT, "%-12s %6d %6s %6s %12.0f  (all samples concatenated, one thread, warm: median of 5 passes)%n", "all", all.size(),
            "", "", concatenated);
        out.printf(Locale.ROOT, "%-12s %6s %6.3f %6.3f   (Drain on Loghub-2k, as published)%n", "Drain", "", 0.85, 0.32);
      }
      out.flush();
      return 0;
    }

  }

  static double round(double v) {
    return org.logcause.eval.Evaluation.round(v);
  }
}
