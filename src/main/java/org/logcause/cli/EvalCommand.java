package org.logcause.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SpecException;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.run.SparkSessions;
import org.logcause.simulate.Family;
import org.logcause.simulate.Labels;
import org.logcause.simulate.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logcause eval}: runs the pipeline on labelled scenarios and scores its root-cause attribution against the
 * labels. Where a stage the score needs does not exist yet, it says so and exits 3: it never invents figures.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Score root-cause attribution on labelled scenarios (AC@1, AC@3, Avg@5, misleading precision/recall, "
        + "false-alarm rate, onset error).")
final class EvalCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  static final class Input {
    @Option(names = "--scenarios", paramLabel = "DIR", description = "a folder of simulated scenarios (each with job.yaml and labels.json)")
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

  @Option(names = "--work", defaultValue = "out/eval", paramLabel = "DIR", description = "where generated scenarios and run outputs go (default out/eval)")
  Path work;

  @Option(names = "--scale", defaultValue = "1", paramLabel = "X", description = "request-rate multiplier of generated scenarios")
  double scale;

  @Option(names = "--json", description = "print the figures as one JSON object")
  boolean json;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: the submit's, else local[*])")
  String master;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One scored case: its labels and what the run produced. */
  record Case(Path dir, Labels labels, long events, long quarantined, boolean hasHypotheses, Detection detection) {}

  /**
   * How the detect stage did on one case: incidents found, those overlapping the labelled window, and the onset
   * error of the root-cause component (earliest anomaly of that component in a matching incident), in seconds.
   */
  record Detection(int incidents, int matching, boolean detected, Double onsetErrorSeconds) {}

  @Override
  public Integer call() throws IOException {
    List<Path> dirs = input.scenarios != null ? listScenarios(input.scenarios) : generate();
    PrintWriter console = spec.commandLine().getOut();
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.start("logcause eval", master, false);
    List<Case> cases = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        Labels labels = JSON.readValue(dir.resolve("labels.json").toFile(), Labels.class);
        Path out = work.resolve(dir.getFileName().toString()).resolve("out"); // scenario folders stay untouched
        RunJob.Outcome o = new RunJob(JobSpecLoader.load(dir.resolve("job.yaml")), "eval", "eval-" + labels.scenario(),
            out.toString(), new Progress(new PrintWriter(new StringWriter()))).apply(spark);
        long events = o.files().stream().mapToLong(FileStat::events).sum();
        long quarantined = o.files().stream().mapToLong(FileStat::quarantined).sum();
        cases.add(new Case(dir, labels, events, quarantined, Files.isDirectory(out.resolve("hypotheses")),
            detection(spark, out, labels)));
      }
    } finally {
      if (!sessionExisted) {
        spark.stop();
      }
    }
    return report(cases, console);
  }

  static Detection detection(SparkSession spark, Path out, Labels labels) {
    List<org.apache.spark.sql.Row> incidents = spark.read().parquet(out.resolve("incidents").toString())
        .select("incident_id", "start", "end").collectAsList();
    if (labels.incident() == null) {
      return new Detection(incidents.size(), 0, false, null);
    }
    java.time.Instant from = java.time.Instant.parse(labels.incident().start());
    java.time.Instant to = java.time.Instant.parse(labels.incident().end());
    List<String> matching = new ArrayList<>();
    for (org.apache.spark.sql.Row r : incidents) {
      java.time.Instant s = r.getTimestamp(1).toInstant();
      java.time.Instant e = r.getTimestamp(2).toInstant();
      if (s.isBefore(to) && e.isAfter(from)) {
        matching.add(r.getString(0));
      }
    }
    Double onsetError = null;
    if (!matching.isEmpty() && labels.rootCause() != null) {
      java.time.Instant truth = java.time.Instant.parse(labels.rootCause().onset());
      List<org.apache.spark.sql.Row> onsets = spark.read().parquet(out.resolve("anomalies").toString())
          .filter(org.apache.spark.sql.functions.col("incident_id").isin(matching.toArray())
              .and(org.apache.spark.sql.functions.col("component").equalTo(labels.rootCause().component())))
          .agg(org.apache.spark.sql.functions.min("onset")).collectAsList();
      if (!onsets.isEmpty() && !onsets.get(0).isNullAt(0)) {
        onsetError = Math.abs(java.time.Duration.between(truth, onsets.get(0).getTimestamp(0).toInstant()).toMillis() / 1000.0);
      }
    }
    return new Detection(incidents.size(), matching.size(), !matching.isEmpty(), onsetError);
  }

  /** Incident detection figures over a set of cases. */
  record DetectionFigures(double precision, double recall, double falseIncidentsPerNoIncident, Double onsetErrorMedian, int cases) {
    static DetectionFigures of(List<Case> cases) {
      int incidents = 0;
      int matching = 0;
      int labelled = 0;
      int detected = 0;
      int quiet = 0;
      int falseOnQuiet = 0;
      List<Double> errors = new ArrayList<>();
      for (Case c : cases) {
        Detection d = c.detection();
        incidents += d.incidents();
        matching += d.matching();
        if (c.labels().incident() != null) {
          labelled++;
          if (d.detected()) detected++;
          if (d.onsetErrorSeconds() != null) errors.add(d.onsetErrorSeconds());
        } else {
          quiet++;
          falseOnQuiet += d.incidents();
        }
      }
      errors.sort(Double::compare);
      Double median = errors.isEmpty() ? null : errors.size() % 2 == 1 ? errors.get(errors.size() / 2)
          : (errors.get(errors.size() / 2 - 1) + errors.get(errors.size() / 2)) / 2;
      return new DetectionFigures(incidents == 0 ? 1.0 : (double) matching / incidents,
          labelled == 0 ? 1.0 : (double) detected / labelled, quiet == 0 ? 0 : (double) falseOnQuiet / quiet, median,
          cases.size());
    }

    void into(ObjectNode n) {
      n.put("incident_precision", BenchCommand.round(precision)).put("incident_recall", BenchCommand.round(recall))
          .put("false_incidents_per_no_incident_case", BenchCommand.round(falseIncidentsPerNoIncident));
      if (onsetErrorMedian != null) {
        n.put("detection_onset_error_s_median", onsetErrorMedian);
      } else {
        n.putNull("detection_onset_error_s_median");
      }
    }
  }

  private int report(List<Case> cases, PrintWriter console) {
    Map<String, List<Case>> byFamily = new TreeMap<>();
    for (Case c : cases) {
      byFamily.computeIfAbsent(c.labels().family(), k -> new ArrayList<>()).add(c);
    }
    boolean attribution = !cases.isEmpty() && cases.stream().allMatch(Case::hasHypotheses);
    String missing = "attribution is missing: the runs wrote no hypotheses table, so AC@1, AC@3, Avg@5, "
        + "misleading precision/recall, false-alarm rate and onset error cannot be scored";
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("status", attribution ? "scored" : "attribution_missing");
      if (!attribution) {
        root.put("error", missing);
      }
      ObjectNode overall = root.putObject("overall");
      overall.put("cases", cases.size());
      DetectionFigures.of(cases).into(overall.putObject("detection"));
      ObjectNode families = root.putObject("families");
      byFamily.forEach((f, list) -> {
        ObjectNode fam = families.putObject(f).put("cases", list.size());
        DetectionFigures.of(list).into(fam.putObject("detection"));
      });
      console.println(root.toString());
    } else {
      console.printf("%-24s %6s %10s %12s %11s %10s %10s %12s %12s%n", "family", "cases", "events", "quarantined",
          "deliberate", "inc.prec", "inc.recall", "false/quiet", "onset err s");
      byFamily.forEach((f, list) -> row(console, f, list));
      row(console, "overall", cases);
      if (!attribution) {
        console.println("eval: " + missing + ".");
      }
    }
    console.flush();
    if (!attribution) {
      spec.commandLine().getErr().println("logcause eval: " + missing);
      return Main.FAILURE;
    }
    return 0;
  }

  private static void row(PrintWriter console, String name, List<Case> list) {
    DetectionFigures d = DetectionFigures.of(list);
    console.printf(java.util.Locale.ROOT, "%-24s %6d %10d %12d %11d %10.3f %10.3f %12.2f %12s%n", name, list.size(),
        list.stream().mapToLong(Case::events).sum(), list.stream().mapToLong(Case::quarantined).sum(),
        list.stream().mapToLong(c -> c.labels().corruptedLines().size()).sum(), d.precision(), d.recall(),
        d.falseIncidentsPerNoIncident(), d.onsetErrorMedian() == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f", d.onsetErrorMedian()));
  }

  private static List<Path> listScenarios(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new SpecException("--scenarios: not a folder: " + root);
    }
    List<Path> dirs = new ArrayList<>();
    if (Files.exists(root.resolve("labels.json"))) {
      dirs.add(root);
    }
    try (Stream<Path> children = Files.list(root)) {
      children.filter(p -> Files.exists(p.resolve("labels.json")) && Files.exists(p.resolve("job.yaml")))
          .sorted().forEach(dirs::add);
    }
    if (dirs.isEmpty()) {
      throw new SpecException("--scenarios: no scenario (a folder with labels.json and job.yaml) under " + root);
    }
    return dirs;
  }

  private List<Path> generate() throws IOException {
    return generate(input.generated.families, input.generated.seeds, scale, work);
  }

  /** Writes the scenarios of a family list and seed range under {@code work}; reused by {@code bench}. */
  static List<Path> generate(String familyList, String seedRange, double scale, Path work) throws IOException {
    List<Family> families = new ArrayList<>();
    if (familyList.equals("all")) {
      families.addAll(List.of(Family.values()));
    } else {
      for (String f : familyList.split(",")) {
        try {
          families.add(Family.of(f.trim()));
        } catch (IllegalArgumentException e) {
          throw new SpecException("--families: " + e.getMessage());
        }
      }
    }
    long[] range = seeds(seedRange);
    List<Path> dirs = new ArrayList<>();
    for (Family f : families) {
      for (long seed = range[0]; seed <= range[1]; seed++) {
        Path dir = work.resolve(f.id() + "-" + seed);
        Simulator.write(new Simulator.Settings(f, seed, scale, null, null), dir);
        dirs.add(dir);
      }
    }
    return dirs;
  }

  static long[] seeds(String text) {
    String[] parts = text.split("-");
    try {
      long a = Long.parseLong(parts[0].trim());
      long b = parts.length > 1 ? Long.parseLong(parts[1].trim()) : a;
      if (parts.length > 2 || b < a) {
        throw new NumberFormatException();
      }
      return new long[] {a, b};
    } catch (NumberFormatException e) {
      throw new SpecException("--seeds: \"" + text + "\" is not a seed or a range A-B with A <= B");
    }
  }
}
