package org.logcause.eval;

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
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SpecException;
import org.logcause.output.OutputFolder;
import org.logcause.plan.RunPlan;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.simulate.Family;
import org.logcause.simulate.Labels;
import org.logcause.simulate.Simulator;

/**
 * Accuracy of attribution and detection on labelled scenarios (simulated, or recorded by the incident lab): runs the
 * pipeline on each, compares its incidents and hypotheses with the labels, and reports AC@k, misleading-lead
 * precision and recall, calibration and detection figures, per family and overall.
 */
public final class Evaluation {
  public static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private Evaluation() {}

  /** One scored case: its labels and what the run produced. */
  public record Case(Path dir, Labels labels, long events, long quarantined, Detection detection, Attribution attribution) {
    /**
     * The scenario's folder: a lab corpus's labels name only its family and seed ({@code dropped-index-6} for both
     * the PostgreSQL and the MariaDB run of seed 6), its folder tells them apart.
     */
    public String name() {
      return dir.getFileName().toString();
    }
  }

  /**
   * How the detect stage did on one case: incidents found, those overlapping the labelled window, and the onset
   * error of the root-cause component (earliest anomaly of that component in a matching incident), in seconds.
   */
  public record Detection(int incidents, int matching, boolean detected, Double onsetErrorSeconds) {}

  /**
   * How attribution did on one case. {@code rank}: rank of the labelled root cause (component and category) among
   * the hypotheses of the incident that overlaps the labelled window most (0: not found). {@code rootCauses}: ROOT_CAUSE
   * verdicts in the whole run. Misleading: predicted MISLEADING (component, category) pairs in the run, those that are
   * labelled, and the labelled ones. {@code topConfidence}: the rank-1 confidence of the matching incident;
   * {@code scores}: its hypotheses' scores, best first (to recompute that confidence at another temperature).
   */
  public record Attribution(int rank, int rootCauses, int misleadingPredicted, int misleadingCorrect, int misleadingLabelled,
      Double topConfidence, Double onsetErrorSeconds, List<String> wrongMisleading, List<String> missedMisleading, String top,
      List<Double> scores) {}

  /**
   * Runs the pipeline on one scenario folder (its outputs under {@code work}, the scenario untouched) and scores it.
   * With {@code beforeRemediation}, the logs are read only up to the labelled fix (the first action that recovered
   * the service), as a responder reads them during the incident; a scenario without one is read whole. With
   * {@code withoutChangeFeed}, its change feed is left out.
   */
  public static Case evaluate(SparkSession spark, Path dir, Path work, boolean beforeRemediation, boolean withoutChangeFeed)
      throws IOException {
    Labels labels = JSON.readValue(dir.resolve("labels.json").toFile(), Labels.class);
    Path out = work.resolve(dir.getFileName().toString()).resolve(beforeRemediation ? "out-before-remediation" : "out");
    Long cutoff = beforeRemediation ? fixTime(labels) : null;
    var job = JobSpecLoader.load(dir.resolve("job.yaml"));
    if (withoutChangeFeed) {
      job = withoutChangeFeed(job);
    }
    RunJob.Outcome o = new RunJob(job, RunPlan.forensic(job, out.toString(), null, cutoff, null, "eval"),
        new Progress(new PrintWriter(new StringWriter()))).apply(spark);
    long events = o.files().stream().mapToLong(FileStat::events).sum();
    long quarantined = o.files().stream().mapToLong(FileStat::quarantined).sum();
    // the run's tables are a handful of rows: collected as they are and ordered here, without a sort job
    List<org.apache.spark.sql.Row> incidents = sorted(OutputFolder.table(spark, out.toString(), "incidents",
            "incident_id STRING, start TIMESTAMP, `end` TIMESTAMP")
        .select("incident_id", "start", "end").collectAsList(), java.util.Comparator.comparing(r -> r.getString(0)));
    return new Case(dir, labels, events, quarantined, detection(spark, out, incidents, labels),
        attribution(spark, out, incidents, labels));
  }

  /** The job without its change feed (its sources of format {@code changes}), as a user without one runs it. */
  static JobSpecLoader.LoadedJob withoutChangeFeed(JobSpecLoader.LoadedJob loaded) {
    org.logcause.job.JobSpec job = loaded.spec();
    return new JobSpecLoader.LoadedJob(new org.logcause.job.JobSpec(job.job(), job.output(),
        job.sources().stream().filter(s -> !"changes".equals(s.format())).toList(), job.topology(), job.windows(),
        job.limits(), job.rules(), job.masking(), job.keepRuns(), job.detection()), loaded.specFile(),
        loaded.specHash() + "-without-change-feed");
  }

  /**
   * Runs and scores every scenario, {@code parallel} side by side on the one session (scenarios are small: Spark's
   * per-job latency dominates, and two cores take two of them), in the order of {@code dirs} whatever order they
   * finished in.
   */
  public static List<Case> evaluateAll(SparkSession spark, List<Path> dirs, Path work, boolean beforeFix, int parallel,
      boolean withoutChangeFeed) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, parallel));
    List<Case> cases = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<Case>> futures = new ArrayList<>();
      for (Path dir : dirs) {
        futures.add(pool.submit(() -> evaluate(spark, dir, work, beforeFix, withoutChangeFeed)));
      }
      for (java.util.concurrent.Future<Case> f : futures) {
        cases.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("eval interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return cases;
  }

  /** The time of the labelled fix (the first remediation that recovered the service), in microseconds; null if none. */
  static Long fixTime(Labels labels) {
    if (labels.remediation() == null) return null;
    return labels.remediation().stream().filter(r -> r.effect() != null && r.effect().startsWith("recovered"))
        .map(r -> java.time.Instant.parse(r.time())).min(java.util.Comparator.naturalOrder())
        .map(t -> t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000L).orElse(null);
  }

  /** The labelled incident's best-overlapping detected incident, or null. */
  public static String matchingIncident(List<org.apache.spark.sql.Row> incidents, Labels labels) {
    if (labels.incident() == null) {
      return null;
    }
    long from = java.time.Instant.parse(labels.incident().start()).toEpochMilli();
    long to = java.time.Instant.parse(labels.incident().end()).toEpochMilli();
    String best = null;
    long bestOverlap = 0;
    for (org.apache.spark.sql.Row r : incidents) {
      long s = r.getTimestamp(1).getTime();
      long e = r.getTimestamp(2).getTime();
      long overlap = Math.min(e, to) - Math.max(s, from);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = r.getString(0);
      }
    }
    return best;
  }

  static Attribution attribution(SparkSession spark, Path out, List<org.apache.spark.sql.Row> incidents, Labels labels) {
    List<org.apache.spark.sql.Row> hyps = OutputFolder.table(spark, out.toString(), "hypotheses",
            "incident_id STRING, rank INT, component STRING, category STRING, verdict STRING, confidence DOUBLE, "
                + "onset TIMESTAMP, change_id STRING, score DOUBLE")
        .select("incident_id", "rank", "component", "category", "verdict", "confidence", "onset", "change_id", "score")
        .collectAsList();
    hyps = sorted(hyps, java.util.Comparator.comparing((org.apache.spark.sql.Row r) -> r.getString(0))
        .thenComparingInt(r -> r.getInt(1)));
    String match = matchingIncident(incidents, labels);
    int rank = 0;
    Double topConfidence = null;
    Double onsetError = null;
    String top = null;
    Labels.RootCause rc = labels.rootCause();
    List<Double> scores = new ArrayList<>();
    for (org.apache.spark.sql.Row h : hyps) {
      if (!h.getString(0).equals(match)) continue;
      scores.add(h.getDouble(8));
      if (h.getInt(1) == 1) {
        topConfidence = h.getDouble(5);
        top = h.getString(3) + "@" + h.getString(2);
      }
      boolean hit = rc != null && rc.component().equals(h.getString(2)) && rc.category().equals(h.getString(3));
      if (hit && rank == 0) {
        rank = h.getInt(1);
        if (rank == 1) {
          onsetError = Math.abs(java.time.Duration.between(java.time.Instant.parse(rc.onset()),
              h.getTimestamp(6).toInstant()).toMillis() / 1000.0);
        }
      }
    }
    int rootCauses = (int) hyps.stream().filter(h -> h.getString(4).equals("ROOT_CAUSE")).count();
    java.util.Set<String> labelled = new java.util.TreeSet<>();
    for (Labels.Signal m : labels.misleading()) {
      labelled.add(m.category() + "@" + m.component());
    }
    java.util.Set<String> predicted = new java.util.TreeSet<>();
    for (org.apache.spark.sql.Row h : hyps) {
      if (h.getString(4).equals("MISLEADING")) {
        predicted.add(h.getString(3) + "@" + h.getString(2));
      }
    }
    List<String> wrong = predicted.stream().filter(p -> !labelled.contains(p)).toList();
    int correct = (int) predicted.stream().filter(labelled::contains).count();
    List<String> missed = labelled.stream().filter(l -> !predicted.contains(l)).toList();
    return new Attribution(rank, rootCauses, predicted.size(), correct, labelled.size(), topConfidence, onsetError, wrong,
        missed, top, List.copyOf(scores));
  }

  static Detection detection(SparkSession spark, Path out, List<org.apache.spark.sql.Row> incidents, Labels labels) {
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
      // the earliest onset, taken here from the few rows the filter keeps rather than by an aggregation job
      java.util.Optional<java.time.Instant> onset = OutputFolder.table(spark, out.toString(), "anomalies",
              "incident_id STRING, component STRING, onset TIMESTAMP")
          .filter(org.apache.spark.sql.functions.col("incident_id").isin(matching.toArray())
              .and(org.apache.spark.sql.functions.col("component").equalTo(labels.rootCause().component()))
              .and(org.apache.spark.sql.functions.col("onset").isNotNull()))
          .select("onset").collectAsList().stream().map(r -> r.getTimestamp(0).toInstant())
          .min(java.util.Comparator.naturalOrder());
      if (onset.isPresent()) {
        onsetError = Math.abs(java.time.Duration.between(truth, onset.get()).toMillis() / 1000.0);
      }
    }
    return new Detection(incidents.size(), matching.size(), !matching.isEmpty(), onsetError);
  }

  private static List<org.apache.spark.sql.Row> sorted(List<org.apache.spark.sql.Row> rows,
      java.util.Comparator<org.apache.spark.sql.Row> order) {
    List<org.apache.spark.sql.Row> out = new ArrayList<>(rows);
    out.sort(order);
    return out;
  }

  private static Double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    return v.isEmpty() ? null : v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
  }

  /** Incident detection figures over a set of cases. */
  public record DetectionFigures(double precision, double recall, double falseIncidentsPerNoIncident, Double onsetErrorMedian, int cases) {
    public static DetectionFigures of(List<Case> cases) {
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
      return new DetectionFigures(incidents == 0 ? 1.0 : (double) matching / incidents,
          labelled == 0 ? 1.0 : (double) detected / labelled, quiet == 0 ? 0 : (double) falseOnQuiet / quiet, median(errors),
          cases.size());
    }

    void into(ObjectNode n) {
      n.put("incident_precision", round(precision)).put("incident_recall", round(recall))
          .put("false_incidents_per_no_incident_case", round(falseIncidentsPerNoIncident));
      if (onsetErrorMedian != null) {
        n.put("detection_onset_error_s_median", onsetErrorMedian);
      } else {
        n.putNull("detection_onset_error_s_median");
      }
    }
  }

  /**
   * Attribution figures over a set of cases. AC@k: share of incident cases whose labelled root cause is among the top k
   * hypotheses; Avg@5: mean of AC@1..AC@5. Misleading precision/recall over (component, category) pairs. Calibration
   * of the rank-1 confidence: its mean, the Brier score and the expected calibration error (5 bins).
   */
  public record AttributionFigures(int incidentCases, double ac1, double ac3, double avg5, double misleadingPrecision,
      double misleadingRecall, int rootCausesOnNoIncident, double falseAlarmRate, Double onsetErrorMedian,
      Double meanTopConfidence, Double brier, Double ece) {
    public static AttributionFigures of(List<Case> cases) {
      int n = 0;
      int[] atK = new int[6];
      int pred = 0;
      int correct = 0;
      int labelled = 0;
      int quietRoots = 0;
      int quiet = 0;
      int quietAlarms = 0;
      List<Double> errors = new ArrayList<>();
      List<double[]> calib = new ArrayList<>();
      for (Case c : cases) {
        Attribution a = c.attribution();
        pred += a.misleadingPredicted();
        correct += a.misleadingCorrect();
        labelled += a.misleadingLabelled();
        if (c.labels().rootCause() == null) {
          quietRoots += a.rootCauses();
          quiet++;
          if (a.rootCauses() > 0) quietAlarms++;
          continue;
        }
        n++;
        for (int k = 1; k <= 5; k++) {
          if (a.rank() >= 1 && a.rank() <= k) atK[k]++;
        }
        if (a.onsetErrorSeconds() != null) errors.add(a.onsetErrorSeconds());
        if (a.topConfidence() != null) calib.add(new double[] {a.topConfidence(), a.rank() == 1 ? 1 : 0});
      }
      double avg5 = 0;
      for (int k = 1; k <= 5; k++) avg5 += n == 0 ? 0 : (double) atK[k] / n;
      Double mean = calib.isEmpty() ? null : calib.stream().mapToDouble(x -> x[0]).average().orElse(0);
      Double brier = calib.isEmpty() ? null : calib.stream().mapToDouble(x -> (x[0] - x[1]) * (x[0] - x[1])).average().orElse(0);
      Double ece = calib.isEmpty() ? null : ece(calib);
      return new AttributionFigures(n, n == 0 ? 1 : (double) atK[1] / n, n == 0 ? 1 : (double) atK[3] / n, avg5 / 5,
          pred == 0 ? 1 : (double) correct / pred, labelled == 0 ? 1 : (double) correct / labelled, quietRoots,
          quiet == 0 ? 0 : (double) quietAlarms / quiet, median(errors), mean, brier, ece);
    }

    /** Expected calibration error over 5 equal-width bins of (confidence, 1 if right else 0) pairs. */
    static double ece(List<double[]> calib) {
      double e = 0;
      for (int b = 0; b < 5; b++) {
        double lo = b / 5.0;
        double hi = (b + 1) / 5.0;
        final int bin = b;
        List<double[]> in = calib.stream().filter(x -> x[0] >= lo && (x[0] < hi || (bin == 4 && x[0] <= 1))).toList();
        if (in.isEmpty()) continue;
        double conf = in.stream().mapToDouble(x -> x[0]).average().orElse(0);
        double acc = in.stream().mapToDouble(x -> x[1]).average().orElse(0);
        e += in.size() * Math.abs(conf - acc) / calib.size();
      }
      return e;
    }

    void into(ObjectNode n) {
      n.put("incident_cases", incidentCases).put("ac1", round(ac1)).put("ac3", round(ac3))
          .put("avg5", round(avg5)).put("misleading_precision", round(misleadingPrecision))
          .put("misleading_recall", round(misleadingRecall)).put("root_causes_on_no_incident", rootCausesOnNoIncident)
          .put("false_alarm_rate", round(falseAlarmRate));
      put(n, "onset_error_s_median", onsetErrorMedian);
      put(n, "mean_top_confidence", meanTopConfidence);
      put(n, "brier", brier);
      put(n, "ece", ece);
    }

    private static void put(ObjectNode n, String key, Double v) {
      if (v == null) n.putNull(key); else n.put(key, round(v));
    }
  }

  /** Softmax temperatures the calibration sweep tries. */
  static final double[] TEMPERATURES = {0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15};

  /** The rank-1 confidence and the Brier score and ECE it would have at one softmax temperature, over the same scores. */
  public record TemperatureFit(double temperature, double meanConfidence, double brier, double ece) {}

  /**
   * The calibration the same scores would have at other temperatures ({@code scoring.temperature} in the causal
   * knowledge): the rank-1 confidence is a softmax of the incident's hypothesis scores, so it can be recomputed
   * without running anything again. Empty when no case has a matched incident.
   */
  public static List<TemperatureFit> temperatureSweep(List<Case> cases) {
    List<TemperatureFit> out = new ArrayList<>();
    for (double t : TEMPERATURES) {
      List<double[]> calib = new ArrayList<>();
      for (Case c : cases) {
        Attribution a = c.attribution();
        if (c.labels().rootCause() == null || a.scores() == null || a.scores().isEmpty()) continue;
        double top = a.scores().get(0);
        double norm = 0;
        for (double sc : a.scores()) norm += Math.exp((sc - top) / t);
        calib.add(new double[] {1 / norm, a.rank() == 1 ? 1 : 0});
      }
      if (calib.isEmpty()) return List.of();
      out.add(new TemperatureFit(t, calib.stream().mapToDouble(x -> x[0]).average().orElse(0),
          calib.stream().mapToDouble(x -> (x[0] - x[1]) * (x[0] - x[1])).average().orElse(0), AttributionFigures.ece(calib)));
    }
    return out;
  }

  public static int report(List<Case> cases, PrintWriter console, boolean json) {
    return report(cases, console, json, Double.NaN);
  }

  /**
   * The report, with the wall time of running and scoring the cases when {@code seconds} is a number: JSON keys
   * {@code eval_seconds} and {@code eval_seconds_per_scenario}.
   */
  public static int report(List<Case> cases, PrintWriter console, boolean json, double seconds) {
    Map<String, List<Case>> byFamily = new TreeMap<>();
    for (Case c : cases) {
      byFamily.computeIfAbsent(c.labels().family(), k -> new ArrayList<>()).add(c);
    }
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("status", "scored");
      if (Double.isFinite(seconds)) {
        root.put("eval_seconds", round(seconds)).put("eval_seconds_per_scenario", round(seconds / Math.max(1, cases.size())));
      }
      ObjectNode overall = root.putObject("overall");
      overall.put("cases", cases.size());
      AttributionFigures.of(cases).into(overall);
      DetectionFigures.of(cases).into(overall.putObject("detection"));
      ObjectNode families = root.putObject("families");
      byFamily.forEach((f, list) -> {
        ObjectNode fam = families.putObject(f).put("cases", list.size());
        AttributionFigures.of(list).into(fam);
        DetectionFigures.of(list).into(fam.putObject("detection"));
      });
      var sweep = root.putArray("calibration_sweep");
      for (TemperatureFit t : temperatureSweep(cases)) {
        sweep.addObject().put("temperature", t.temperature()).put("mean_top_confidence", round(t.meanConfidence()))
            .put("brier", round(t.brier())).put("ece", round(t.ece()));
      }
      var misses = root.putArray("misses");
      for (Case c : cases) {
        Attribution a = c.attribution();
        if ((c.labels().rootCause() != null && a.rank() != 1) || !a.wrongMisleading().isEmpty() || !a.missedMisleading().isEmpty()
            || (c.labels().rootCause() == null && a.rootCauses() > 0)) {
          misses.addObject().put("scenario", c.name()).put("rank", a.rank()).put("top", a.top())
              .put("truth", c.labels().rootCause() == null ? null : c.labels().rootCause().category() + "@" + c.labels().rootCause().component())
              .put("wrong_misleading", String.join(",", a.wrongMisleading()))
              .put("missed_misleading", String.join(",", a.missedMisleading()));
        }
      }
      console.println(root.toString());
    } else {
      console.printf("%-22s %5s %6s %6s %6s %7s %7s %6s %8s %8s %9s %9s%n", "family", "cases", "AC@1", "AC@3", "Avg@5",
          "mis.P", "mis.R", "RC/no", "onset s", "conf", "inc.recall", "false/quiet");
      byFamily.forEach((f, list) -> row(console, f, list));
      row(console, "overall", cases);
      AttributionFigures all = AttributionFigures.of(cases);
      if (all.brier() != null) {
        console.printf(java.util.Locale.ROOT, "calibration of the rank-1 confidence: mean %.3f vs AC@1 %.3f, Brier %.3f, ECE %.3f%n",
            all.meanTopConfidence(), all.ac1(), all.brier(), all.ece());
        StringBuilder b = new StringBuilder("the same scores at other temperatures (scoring.temperature):");
        for (TemperatureFit t : temperatureSweep(cases)) {
          b.append(String.format(java.util.Locale.ROOT, " %s: Brier %.3f ECE %.3f;", t.temperature(), t.brier(), t.ece()));
        }
        console.println(b.substring(0, b.length() - 1));
      }
      for (Case c : cases) {
        Attribution a = c.attribution();
        if (c.labels().rootCause() != null && a.rank() != 1) {
          console.printf("miss: %s: truth %s@%s at rank %s, top %s%n", c.name(), c.labels().rootCause().category(),
              c.labels().rootCause().component(), a.rank() == 0 ? "none" : a.rank(), a.top());
        }
        if (!a.wrongMisleading().isEmpty()) {
          console.printf("wrong MISLEADING: %s: %s%n", c.name(), String.join(", ", a.wrongMisleading()));
        }
        if (!a.missedMisleading().isEmpty()) {
          console.printf("missed MISLEADING: %s: %s%n", c.name(), String.join(", ", a.missedMisleading()));
        }
      }
      if (Double.isFinite(seconds)) {
        console.printf(java.util.Locale.ROOT, "ran and scored %d scenarios in %.1f s: %.2f s per scenario%n", cases.size(),
            seconds, seconds / Math.max(1, cases.size()));
      }
    }
    console.flush();
    return 0;
  }

  private static void row(PrintWriter console, String name, List<Case> list) {
    AttributionFigures a = AttributionFigures.of(list);
    DetectionFigures d = DetectionFigures.of(list);
    console.printf(java.util.Locale.ROOT, "%-22s %5d %6.3f %6.3f %6.3f %7.3f %7.3f %6d %8s %8s %9.3f %9.2f%n", name, list.size(),
        a.ac1(), a.ac3(), a.avg5(), a.misleadingPrecision(), a.misleadingRecall(), a.rootCausesOnNoIncident(),
        a.onsetErrorMedian() == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f", a.onsetErrorMedian()),
        a.meanTopConfidence() == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", a.meanTopConfidence()),
        d.recall(), d.falseIncidentsPerNoIncident());
  }

  public static List<Path> listScenarios(Path root) throws IOException {
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

  /**
   * The scenarios of one half of a corpus folder's split ({@code split.json}: {@code {"development": [...],
   * "evaluation": [...]}}), in the order of the folder. A corpus named in the split but not recorded is an error: a
   * half scored without one of its runs would look better or worse than it is.
   */
  public static List<Path> listScenarios(Path root, String half) throws IOException {
    List<Path> all = listScenarios(root);
    if (half == null) {
      return all;
    }
    Path split = root.resolve("split.json");
    if (!Files.isRegularFile(split)) {
      throw new SpecException("--half " + half + ": " + split + " does not exist (it lists the corpora of each half)");
    }
    com.fasterxml.jackson.databind.JsonNode names = JSON.readTree(split.toFile()).get(half);
    if (names == null || !names.isArray()) {
      throw new SpecException("--half: " + split + " has no list \"" + half + "\" (halves: development, evaluation)");
    }
    java.util.Set<String> wanted = new java.util.TreeSet<>();
    names.forEach(n -> wanted.add(n.asText()));
    List<Path> dirs = all.stream().filter(p -> wanted.contains(p.getFileName().toString())).toList();
    if (dirs.size() != wanted.size()) {
      java.util.Set<String> missing = new java.util.TreeSet<>(wanted);
      dirs.forEach(p -> missing.remove(p.getFileName().toString()));
      throw new SpecException("--half " + half + ": not recorded under " + root + ": " + String.join(", ", missing));
    }
    return dirs;
  }

  /** Writes the scenarios of a family list and seed range under {@code work}; reused by {@code bench}. */
  public static List<Path> generate(String familyList, String seedRange, double scale, Path work) throws IOException {
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

  public static long[] seeds(String text) {
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

  /** Figures in JSON: four decimals. */
  public static double round(double v) {
    return Math.round(v * 10000) / 10000d;
  }
}
