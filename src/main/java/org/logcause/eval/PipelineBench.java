package org.logcause.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.logcause.job.JobSpecLoader;
import org.logcause.output.RunManifest;
import org.logcause.output.Tables;
import org.logcause.run.JitChoice;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.simulate.Family;
import org.logcause.simulate.Flavour;
import org.logcause.simulate.Simulator;

/**
 * {@code bench pipeline}: the nightly job end to end on a generated scenario, beside Spark's own floor on the same
 * files (a text read that touches every line), and beside pgBadger and GoAccess on the same PostgreSQL and access logs
 * when they are installed.
 */
public final class PipelineBench {
  static final Instant START = Instant.parse("2026-03-01T00:30:00Z");

  private PipelineBench() {}

  /** One measured run at one scale. */
  public record Result(double scale, double inputMb, long lines, double floorSeconds, double pipelineSeconds,
      List<RunManifest.StageEntry> stages, long driverPeakHeapMb, long driverHeapAfterGcMb, long driverMaxHeapMb,
      Map<String, Tool> tools, Map<String, Double> baselines) {
    double floorLinesPerS() {
      return lines / floorSeconds;
    }

    double endToEndLinesPerS() {
      return lines / pipelineSeconds;
    }

    /** Spark's least for the same work: every line kept with a regex result, and the run's events written. */
    double sparkMinimalSeconds() {
      return baselines.get(REGEX_CACHED) + baselines.get(EVENTS_TO_PARQUET);
    }

    double ingestClassifySeconds() {
      return stages.stream().filter(s -> s.stage().equals("ingest") || s.stage().equals("classify"))
          .mapToDouble(RunManifest.StageEntry::seconds).sum();
    }
  }

  /**
   * Spark alone doing one piece of the work every logcause run must do, on the same files and rows, timed like the
   * floor: how far each piece by itself already is from the floor. Keys are those of the JSON's
   * {@code spark_baselines}.
   */
  static final String CACHE_TEXT = "cache_text";
  static final String ONE_REGEX = "one_regex";
  static final String REGEX_CACHED = "regex_cached";
  static final String EVENTS_TO_PARQUET = "events_to_parquet";

  /** One case-insensitive pattern of the kind a classification rule holds, tried on every line by {@code rlike}. */
  static final String BASELINE_PATTERN = "(?i)\\b(?:timed? ?out|timeout)\\b";

  /** A tool's run on one file: what, how long, how much. */
  record Tool(String file, double mb, long lines, double seconds, String command, String error) {}

  /** Generates the scenario (once per scale and work folder) and measures. */
  public static Result run(double scale, Path work, boolean tools, PrintWriter console) throws Exception {
    Path scenario = work.resolve(String.format(Locale.ROOT, "scenario-%s", trim(scale)));
    if (!Files.exists(scenario.resolve("job.yaml"))) {
      console.printf("generating a replication-misconfig scenario (with a statement log) at scale %s into %s ...%n", trim(scale), scenario);
      console.flush();
      // With the primary's statement log: a busy database's log, the size pgBadger users feed it.
      Simulator.write(new Simulator.Settings(Family.REPLICATION_MISCONFIG, 1, scale, START, Flavour.POSTGRES, true), scenario);
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(scenario.resolve("logs"))) {
      files = Stream.concat(s.filter(Files::isRegularFile), Stream.of(scenario.resolve("changes/changes.jsonl"))).sorted().toList();
    }
    String[] paths = files.stream().map(Path::toString).toArray(String[]::new);
    long bytes = 0;
    for (Path f : files) bytes += Files.size(f);

    SparkSession spark = SparkSession.active();
    // Warm-up: class loading and code generation are paid once, by neither measurement.
    spark.read().text(paths).agg(sum(length(col("value")))).collect();
    long t0 = System.nanoTime();
    spark.read().text(paths).agg(sum(length(col("value")))).collect(); // touches every line; count() alone would not
    double floor = (System.nanoTime() - t0) / 1e9;

    Path out = work.resolve("out-" + trim(scale));
    deleteRecursively(out);
    var job = JobSpecLoader.load(scenario.resolve("job.yaml"));
    LocalDate night = LocalDate.ofInstant(START, ZoneOffset.UTC);
    // Warm like the baselines (timed after it, fastest of two): one untimed run of the same job first, so neither
    // side pays class loading, code generation or a cold page cache.
    Path warm = work.resolve("out-" + trim(scale) + "-warm-up");
    deleteRecursively(warm);
    new RunJob(job, org.logcause.plan.RunPlan.nightly(job, warm.toString(), night), new Progress(new PrintWriter(new StringWriter())))
        .apply(spark);
    deleteRecursively(warm);
    System.gc();
    HeapSampler heap = new HeapSampler();
    heap.start();
    t0 = System.nanoTime();
    RunJob.Outcome o = new RunJob(job, org.logcause.plan.RunPlan.nightly(job, out.toString(), night), new Progress(console))
        .apply(spark);
    double pipeline = (System.nanoTime() - t0) / 1e9;
    long peak = heap.finish();
    long afterGc = heap.afterGcPeakMb();
    long lines = o.files().stream().mapToLong(org.logcause.ingest.FileStat::linesRead).sum();

    Map<String, Double> baselines = baselines(spark, paths, out);

    Map<String, Tool> measured = new LinkedHashMap<>();
    if (tools) {
      Path pg = files.stream().filter(f -> f.getFileName().toString().equals("postgresql.log"))
          .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElse(null);
      Path access = files.stream().filter(f -> f.getFileName().toString().equals("access.log")).findFirst().orElse(null);
      if (pg != null) {
        measured.put("pgbadger", external(pg, List.of("pgbadger", "-j", "2", "-f", "stderr", "--prefix", "%m [%p] %q%u@%d ",
            "-q", "-o", work.resolve("pgbadger.html").toString(), pg.toString())));
        measured.put("logcause_postgres", postgresOnly(spark, scenario, pg, work, night));
      }
      if (access != null) {
        measured.put("goaccess", external(access, List.of("goaccess", access.toString(), "--log-format=COMBINED",
            "--no-global-config", "-o", work.resolve("goaccess.html").toString())));
      }
    }
    return new Result(scale, bytes / 1e6, lines, floor, pipeline, o.manifest().stages(), peak, afterGc,
        Runtime.getRuntime().maxMemory() / (1024 * 1024), measured, baselines);
  }

  /**
   * Seconds Spark itself takes for pieces of the work, each alone, after the pipeline (so warm like the floor). Each
   * is timed twice and the faster kept: a lower bound on what Spark needs for that piece.
   * <ul>
   *   <li>{@value #CACHE_TEXT}: keep the raw lines in memory ({@code persist} of {@code spark.read().text()}, filled
   *       by {@code sum(length(value))}); logcause keeps its parsed events so, for the stages that read them again;
   *   <li>{@value #ONE_REGEX}: one regular expression ({@link #BASELINE_PATTERN}) tried on every line with
   *       {@code rlike}, counted; parsing and classifying try several per line;
   *   <li>{@value #REGEX_CACHED}: both at once, the least an ingest does: every line with its {@code rlike} result
   *       kept in memory, filled by an aggregate over both columns;
   *   <li>{@value #EVENTS_TO_PARQUET}: write the run's own {@code events} rows, read back and held in memory
   *       beforehand (not timed), to Parquet with Spark's writer and settings.
   * </ul>
   */
  static Map<String, Double> baselines(SparkSession spark, String[] paths, Path out) throws IOException {
    Map<String, Double> b = new LinkedHashMap<>();
    spark.sparkContext().setJobDescription("bench: Spark baselines");
    b.put(CACHE_TEXT, fastestOfTwo(() -> {
      var text = spark.read().text(paths).persist(StorageLevel.MEMORY_AND_DISK());
      return timed(() -> text.agg(sum(length(col("value")))).collect(), () -> text.unpersist(true));
    }));
    b.put(ONE_REGEX, fastestOfTwo(() -> timed(
        () -> spark.read().text(paths).agg(count(when(col("value").rlike(BASELINE_PATTERN), 1))).collect(), () -> {})));
    b.put(REGEX_CACHED, fastestOfTwo(() -> {
      var matched = spark.read().text(paths).select(col("value"), col("value").rlike(BASELINE_PATTERN).as("hit"))
          .persist(StorageLevel.MEMORY_AND_DISK());
      return timed(() -> matched.agg(sum(length(col("value"))), count(when(col("hit"), 1))).collect(),
          () -> matched.unpersist(true));
    }));

    var events = org.logcause.output.OutputFolder.table(spark, out.toString(), Tables.EVENTS).drop("date")
        .persist(StorageLevel.MEMORY_AND_DISK());
    events.count();
    Path copy = out.resolveSibling(out.getFileName() + "-baseline-events");
    b.put(EVENTS_TO_PARQUET, fastestOfTwo(() -> {
      double seconds = timed(() -> events.write().mode(SaveMode.Overwrite).parquet(copy.toString()), () -> {});
      deleteRecursively(copy);
      return seconds;
    }));
    events.unpersist(true);
    spark.sparkContext().setJobDescription(null);
    return b;
  }

  /** One timing of a baseline. */
  private interface Timing {
    double seconds() throws IOException;
  }

  private static double fastestOfTwo(Timing timing) throws IOException {
    return Math.min(timing.seconds(), timing.seconds());
  }

  /** Seconds {@code work} takes; {@code after} (untimed) releases what it held. */
  private static double timed(Runnable work, Runnable after) {
    long t0 = System.nanoTime();
    work.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    after.run();
    return seconds;
  }

  /**
   * logcause's full analysis (the nightly job: ingest, classify, templates, detect, attribute, write) of the one
   * PostgreSQL log pgBadger reads, on the same Spark session.
   */
  static Tool postgresOnly(SparkSession spark, Path scenario, Path pg, Path work, LocalDate night) throws Exception {
    String spec = Files.readString(scenario.resolve("job.yaml"));
    String relative = scenario.relativize(pg).toString();
    // Keep the source whose path is this file; drop the others (each source is one "- name:" block).
    StringBuilder kept = new StringBuilder();
    String[] blocks = spec.split("(?m)^(?=- name: )");
    kept.append(blocks[0]);
    for (int i = 1; i < blocks.length; i++) {
      if (blocks[i].contains("path: " + relative)) kept.append(blocks[i]);
    }
    Path job = scenario.resolve("job-postgres-only.yaml");
    Files.writeString(job, kept.toString().replaceAll("(?ms)^topology:.*?(?=^sources:)", ""));
    Path out = work.resolve("out-postgres-only");
    deleteRecursively(out);
    long t0 = System.nanoTime();
    var pgJob = JobSpecLoader.load(job);
    RunJob.Outcome o = new RunJob(pgJob, org.logcause.plan.RunPlan.nightly(pgJob, out.toString(), night),
        new Progress(new PrintWriter(new StringWriter()))).apply(spark);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long lines = o.files().stream().mapToLong(org.logcause.ingest.FileStat::linesRead).sum();
    return new Tool(pg.toString(), Files.size(pg) / 1e6, lines, seconds, "nightly job with this log as its only source", null);
  }

  /** What a user waits for beyond the pipeline: a forensic run of the sample, a bare query, an evaluation. */
  public record Waits(double forensicSampleSeconds, double queryStartupSeconds, double evalSeconds, int evalScenarios) {
    double forensicSampleRatio() {
      return forensicSampleSeconds / queryStartupSeconds;
    }

    double evalSecondsPerScenario() {
      return evalSeconds / Math.max(1, evalScenarios);
    }
  }

  /**
   * The user's own commands, each in a fresh JVM started like this one (same flags, class path and class-data
   * archive): {@code forensic} on {@code sampleJob} into a folder under {@code work}, then {@code query "select
   * count(*) from events"} over the table it committed; each run twice and the second timed (warm: page cache and
   * class-data archive). Then {@code eval} of the simulated families at {@code evalScale}, seeds {@code evalSeeds}, in
   * a child JVM started as {@code bin/logcause eval} would be (the scenarios generated first, untimed; the figure is
   * eval's own {@code eval_seconds}: the runs and their scoring, from a started session, as before). NaN for what was
   * skipped (no sample, or no seeds).
   */
  public static Waits waits(Path sampleJob, String evalSeeds, double evalScale, Path work, PrintWriter console)
      throws Exception {
    double forensic = Double.NaN;
    double query = Double.NaN;
    if (sampleJob != null && Files.isRegularFile(sampleJob)) {
      Path out = work.resolve("out-sample");
      deleteRecursively(out);
      String[] run = {"forensic", "--job", sampleJob.toString(), "--out", out.toString()};
      String[] count = {"query", "--out", out.toString(), "select count(*) from events"};
      console.printf("timing forensic on %s and a bare query over its events, each in its own JVM, twice ...%n", sampleJob);
      console.flush();
      child(work, run);
      forensic = child(work, run);
      child(work, count);
      query = child(work, count);
    }
    double eval = Double.NaN;
    int scenarios = 0;
    if (evalSeeds != null) {
      Path dir = work.resolve("eval-" + trim(evalScale) + "-" + evalSeeds);
      console.printf("timing eval of every family at scale %s, seeds %s ...%n", trim(evalScale), evalSeeds);
      console.flush();
      List<Path> dirs = Evaluation.generate("all", evalSeeds, evalScale, dir.resolve("scenarios"));
      Path runs = dir.resolve("runs");
      deleteRecursively(runs);
      child(work, "eval", "--scenarios", dir.resolve("scenarios").toString(), "--work", runs.toString(), "--json");
      // eval's own figure: the scenarios' runs and scoring, without the JVM's and Spark's start (timed above)
      eval = Evaluation.JSON.readTree(Files.readString(work.resolve("child-eval.log")).lines()
          .filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
              () -> new IOException("eval printed no JSON; its output: " + work.resolve("child-eval.log"))))
          .path("eval_seconds").asDouble(Double.NaN);
      scenarios = dirs.size();
    }
    return new Waits(forensic, query, eval, scenarios);
  }

  /**
   * Wall seconds of {@code org.logcause.cli.Main args} in a child JVM, its output in a log under {@code work}. For the
   * commands {@code bin/logcause} decides the JIT compiler of, the decision is timed too, as the launcher makes it: a
   * JVM of its own running {@link JitChoice}, mapping the launcher's archive for it when there is a current one.
   */
  static double child(Path work, String... args) throws IOException, InterruptedException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-XX:ArchiveClassesAtExit")) {
        cmd.add(a);
      }
    }
    long t0 = System.nanoTime();
    if (Set.of("forensic", "nightly", "query", "eval").contains(args[0]) && JitChoice.QUICK.equals(decide(javaBin, classPath, args))) {
      cmd.add("-XX:TieredStopAtLevel=1"); // as bin/logcause starts it (LOGCAUSE_JIT=auto): the JVM's last flag wins
      cmd.add("-XX:ReservedCodeCacheSize=256m");
    }
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("org.logcause.cli.Main");
    cmd.addAll(List.of(args));
    Path log = work.resolve("child-" + args[0] + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("logcause " + args[0] + " did not finish in 30 minutes; its output: " + log);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IOException("logcause " + String.join(" ", args) + " exited " + p.exitValue() + "; its output: " + log);
    }
    return seconds;
  }

  /**
   * The JIT choice for {@code args}, made as {@code bin/logcause} makes it (so that its JVM's start is part of the
   * wait): {@code java -XX:TieredStopAtLevel=1 -cp CLASSPATH org.logcause.run.JitChoice ARGS}, with the launcher's
   * archive {@code jitchoice.jsa} beside the jar when it is newer than the jar. {@link JitChoice#FULL} if it fails.
   */
  static String decide(String javaBin, String classPath, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:TieredStopAtLevel=1", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    // the launcher's case: the one runnable jar, its archive beside it
    boolean oneJar = classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator);
    Path jar = oneJar ? Path.of(classPath) : null;
    Path archive = oneJar ? jar.resolveSibling("jitchoice.jsa") : null;
    Path recording = null;
    if (oneJar && Files.isRegularFile(jar) && Files.isRegularFile(archive)
        && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
      cmd.add("-XX:SharedArchiveFile=" + archive);
    } else if (oneJar && Files.isRegularFile(jar) && Set.of("forensic", "nightly").contains(args[0])) {
      // recorded as the launcher records it, by the first forensic or nightly decision after a build (the untimed run)
      recording = archive.resolveSibling("jitchoice.jsa." + ProcessHandle.current().pid() + ".tmp");
      cmd.add("-XX:ArchiveClassesAtExit=" + recording);
    } else {
      cmd.add("-Xshare:auto");
    }
    cmd.addAll(List.of("-cp", classPath, JitChoice.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String answer;
    try (var in = p.getInputStream()) {
      answer = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      p.waitFor();
      answer = JitChoice.FULL;
    }
    if (recording != null) {
      if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
        Files.move(recording, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.deleteIfExists(recording);
      }
    }
    return p.exitValue() == 0 && JitChoice.QUICK.equals(answer) ? JitChoice.QUICK : JitChoice.FULL;
  }

  /** Adds the waits' keys to the bench's JSON (those measured). */
  public static void json(ObjectNode o, Waits w) {
    if (Double.isFinite(w.forensicSampleSeconds())) {
      o.put("forensic_sample_seconds", round(w.forensicSampleSeconds())).put("query_startup_seconds", round(w.queryStartupSeconds()))
          .put("forensic_sample_ratio", round(w.forensicSampleRatio()));
    }
    if (Double.isFinite(w.evalSeconds())) {
      o.put("eval_scenarios", w.evalScenarios()).put("eval_seconds", round(w.evalSeconds()))
          .put("eval_seconds_per_scenario", round(w.evalSecondsPerScenario()));
    }
  }

  public static void print(PrintWriter out, Waits w) {
    if (Double.isFinite(w.forensicSampleSeconds())) {
      out.printf(Locale.ROOT, "forensic on the sample %.1f s, a bare query %.1f s: ratio %.2f (goal ≤ 2)%n",
          w.forensicSampleSeconds(), w.queryStartupSeconds(), w.forensicSampleRatio());
    }
    if (Double.isFinite(w.evalSeconds())) {
      out.printf(Locale.ROOT, "eval: %d scenarios in %.1f s, %.2f s per scenario (goal ≤ 3)%n", w.evalScenarios(), w.evalSeconds(),
          w.evalSecondsPerScenario());
    }
    out.flush();
  }

  /** Runs a tool if it is installed; its wall time, or why it did not run. */
  static Tool external(Path file, List<String> command) throws IOException, InterruptedException {
    double mb = Files.size(file) / 1e6;
    long lines;
    try (Stream<String> s = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      lines = s.count();
    }
    String joined = String.join(" ", command);
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Tool(file.toString(), mb, lines, Double.NaN, joined, "timed out after 30 minutes");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return p.exitValue() == 0 ? new Tool(file.toString(), mb, lines, seconds, joined, null)
          : new Tool(file.toString(), mb, lines, seconds, joined, "exit " + p.exitValue());
    } catch (IOException e) {
      return new Tool(file.toString(), mb, lines, Double.NaN, joined, "not installed (" + command.get(0) + ")");
    }
  }

  /**
   * The driver's heap in use, sampled every 20 ms ({@link #finish}: the highest sample in MB, garbage included: a JVM
   * with headroom collects late), and the heap left in use after each garbage collection ({@link #afterGcPeakMb}: the
   * highest, in MB), which is what the run kept alive.
   */
  static final class HeapSampler extends Thread {
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong afterGc = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile boolean running = true;

    HeapSampler() {
      setDaemon(true);
      setName("heap-sampler");
      Set<String> heapPools = new HashSet<>();
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) heapPools.add(pool.getName());
      }
      javax.management.NotificationListener listener = (n, handback) -> {
        if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          return;
        }
        var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) n.getUserData());
        long used = 0;
        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        }
        afterGc.accumulateAndGet(used, Math::max);
      };
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter emitter) {
          emitter.addNotificationListener(listener, null, null);
          unsubscribe.add(() -> {
            try {
              emitter.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
              // already gone
            }
          });
        }
      }
    }

    @Override
    public void run() {
      var memory = ManagementFactory.getMemoryMXBean();
      while (running) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long finish() throws InterruptedException {
      running = false;
      join();
      unsubscribe.forEach(Runnable::run);
      return peak.get() / (1024 * 1024);
    }

    /** The most heap left in use after a collection during the sampling, in MB (0 when none ran). */
    long afterGcPeakMb() {
      return afterGc.get() / (1024 * 1024);
    }
  }

  public static ObjectNode json(Result r) {
    ObjectNode o = Evaluation.JSON.createObjectNode();
    o.put("scale", r.scale()).put("input_mb", round(r.inputMb())).put("lines", r.lines())
        .put("floor_seconds", round(r.floorSeconds())).put("floor_lines_per_s", Math.round(r.floorLinesPerS()))
        .put("end_to_end_seconds", round(r.pipelineSeconds())).put("end_to_end_lines_per_s", Math.round(r.endToEndLinesPerS()))
        .put("ratio_end_to_end", round(r.endToEndLinesPerS() / r.floorLinesPerS()))
        .put("ratio_ingest_classify", round((r.lines() / r.ingestClassifySeconds()) / r.floorLinesPerS()))
        .put("ratio_ingest_vs_regex_cached", round(r.baselines().get(REGEX_CACHED) / r.ingestClassifySeconds()))
        .put("ratio_end_to_end_vs_spark_minimal", round(r.sparkMinimalSeconds() / r.pipelineSeconds()))
        .put("timing", "warm: the pipeline after one untimed run of the same job, each baseline the faster of two")
        .put("driver_peak_heap_mb", r.driverPeakHeapMb())
        .put("driver_heap_after_gc_peak_mb", r.driverHeapAfterGcMb()).put("driver_max_heap_mb", r.driverMaxHeapMb())
        .put("cores", Runtime.getRuntime().availableProcessors());
    ObjectNode stages = o.putObject("stages");
    for (RunManifest.StageEntry s : r.stages()) {
      stages.putObject(s.stage()).put("rows", s.rows()).put("seconds", s.seconds())
          .put("mb_per_s", round(r.inputMb() / Math.max(1e-9, s.seconds())))
          .put("lines_per_s", Math.round(r.lines() / Math.max(1e-9, s.seconds())));
    }
    ObjectNode baselines = o.putObject("spark_baselines");
    r.baselines().forEach((name, seconds) -> baselines.putObject(name).put("seconds", round(seconds))
        .put("lines_per_s", Math.round(r.lines() / seconds)).put("ratio", round(r.floorSeconds() / seconds)));
    if (!r.tools().isEmpty()) {
      ObjectNode tools = o.putObject("tools");
      r.tools().forEach((name, t) -> {
        ObjectNode n = tools.putObject(name).put("file", t.file()).put("mb", round(t.mb())).put("lines", t.lines())
            .put("command", t.command());
        if (t.error() != null) {
          n.put("error", t.error());
        } else {
          n.put("seconds", round(t.seconds())).put("mb_per_s", round(t.mb() / t.seconds()))
              .put("lines_per_s", Math.round(t.lines() / t.seconds()));
        }
      });
      Tool pgb = r.tools().get("pgbadger");
      Tool ours = r.tools().get("logcause_postgres");
      if (pgb != null && ours != null && pgb.error() == null) {
        tools.put("speedup_vs_pgbadger", round(pgb.seconds() / ours.seconds()));
      }
    }
    return o;
  }

  public static void print(PrintWriter out, Result r) {
    out.printf(Locale.ROOT, "%n%.1f MB, %,d lines, %d cores%n", r.inputMb(), r.lines(), Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "floor   spark.read().text() + sum(length(value)): %6.1f s  %,10.0f lines/s  %6.1f MB/s%n",
        r.floorSeconds(), r.floorLinesPerS(), r.inputMb() / r.floorSeconds());
    out.printf(Locale.ROOT, "logcause nightly job, end to end:              %6.1f s  %,10.0f lines/s  %6.1f MB/s  ratio %.2f%n",
        r.pipelineSeconds(), r.endToEndLinesPerS(), r.inputMb() / r.pipelineSeconds(), r.endToEndLinesPerS() / r.floorLinesPerS());
    out.printf(Locale.ROOT, "  ingest + classify:                           %6.1f s  %,10.0f lines/s               ratio %.2f%n",
        r.ingestClassifySeconds(), r.lines() / r.ingestClassifySeconds(), r.lines() / r.ingestClassifySeconds() / r.floorLinesPerS());
    for (RunManifest.StageEntry s : r.stages()) {
      out.printf(Locale.ROOT, "  %-12s %,12d rows %7.1f s %,12.0f lines/s%n", s.stage(), s.rows(), s.seconds(),
          r.lines() / Math.max(1e-9, s.seconds()));
    }
    out.printf("driver peak heap: %d MB sampled, %d MB left after a collection at most (of a %d MB heap)%n",
        r.driverPeakHeapMb(), r.driverHeapAfterGcMb(), r.driverMaxHeapMb());
    out.println("Spark alone, one piece of the work each, same files (ratio: of the floor's lines/s):");
    r.baselines().forEach((name, seconds) -> out.printf(Locale.ROOT, "  %-18s %6.1f s  %,10.0f lines/s  ratio %.2f%n", name,
        seconds, r.lines() / seconds, r.floorSeconds() / seconds));
    out.printf(Locale.ROOT, "regex_cached ÷ ingest+classify: %.2f (goal ≥ 0.5); regex_cached + events_to_parquet ÷ end to end: "
        + "%.2f (goal ≥ 0.5); both warm%n", r.baselines().get(REGEX_CACHED) / r.ingestClassifySeconds(),
        r.sparkMinimalSeconds() / r.pipelineSeconds());
    r.tools().forEach((name, t) -> {
      if (t.error() != null) {
        out.printf("%-18s %s%n", name, t.error());
      } else {
        out.printf(Locale.ROOT, "%-18s %6.1f s on %.1f MB (%,d lines): %.1f MB/s, %,.0f lines/s%n", name, t.seconds(), t.mb(),
            t.lines(), t.mb() / t.seconds(), t.lines() / t.seconds());
      }
    });
    Tool pgb = r.tools().get("pgbadger");
    Tool ours = r.tools().get("logcause_postgres");
    if (pgb != null && ours != null && pgb.error() == null) {
      out.printf(Locale.ROOT, "logcause's full analysis of the PostgreSQL log is %.1f× faster than pgBadger -j 2%n", pgb.seconds() / ours.seconds());
    }
    out.flush();
  }

  static String trim(double scale) {
    return scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale);
  }

  public static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }

  public static List<Double> scales(double base, boolean scaling) {
    return scaling ? List.of(base, base * 4, base * 16) : new ArrayList<>(List.of(base));
  }
}
