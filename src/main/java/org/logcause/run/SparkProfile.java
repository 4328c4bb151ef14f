package org.logcause.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Where a run's seconds go, from Spark's own listener events: every job Spark ran, with the pipeline stage that
 * launched it (the local property {@link #STAGE} that {@link Progress} sets), its description, its stages and
 * tasks, and its wall time. {@code --profile} prints it after the run.
 */
public final class SparkProfile extends SparkListener {
  /** The local property holding the pipeline stage under way. */
  public static final String STAGE = "logcause.stage";

  /** One Spark job. */
  public record Job(int id, String stage, String description, long startMillis, long endMillis, int stages, int tasks) {}

  private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  /** Per job: its tasks' CPU deserializing them and running them, in nanoseconds. */
  private final Map<Integer, long[]> taskNanos = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    java.util.Properties p = e.properties();
    String stage = p == null ? null : p.getProperty(STAGE);
    String description = p == null ? null : p.getProperty("spark.job.description");
    int tasks = 0;
    int stages = 0;
    for (StageInfo s : scala.jdk.javaapi.CollectionConverters.asJava(e.stageInfos())) {
      stages++;
      tasks += s.numTasks();
      jobOfStage.put(s.stageId(), e.jobId());
    }
    jobs.put(e.jobId(), new Job(e.jobId(), stage == null ? "-" : stage, description == null ? "-" : description,
        e.time(), -1, stages, tasks));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    Integer job = jobOfStage.get(e.stageId());
    if (job == null || e.taskMetrics() == null) return;
    long[] a = taskNanos.computeIfAbsent(job, k -> new long[2]);
    synchronized (a) {
      a[0] += e.taskMetrics().executorDeserializeCpuTime();
      a[1] += e.taskMetrics().executorCpuTime();
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    jobs.computeIfPresent(e.jobId(), (k, j) -> new Job(j.id(), j.stage(), j.description(), j.startMillis(), e.time(),
        j.stages(), j.tasks()));
  }

  /** Waits for the listener events already posted (the last jobs' ends), then stops listening. */
  public static void detach(org.apache.spark.sql.SparkSession spark, SparkProfile profiler, PrintWriter console) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } catch (java.util.concurrent.TimeoutException e) {
      console.println("profile: Spark's listener events were still arriving; the profile may miss the last jobs");
    }
    spark.sparkContext().removeSparkListener(profiler);
  }

  /** A job's tasks' CPU seconds so far: deserializing them, running them. */
  public double[] taskCpuSeconds(int jobId) {
    long[] t = taskNanos.getOrDefault(jobId, new long[2]);
    return new double[] {t[0] / 1e9, t[1] / 1e9};
  }

  /** The jobs seen so far, in order. */
  public List<Job> jobs() {
    List<Job> all = new ArrayList<>(jobs.values());
    all.sort(java.util.Comparator.comparingInt(Job::id));
    return all;
  }

  /** Per pipeline stage: jobs, Spark stages (skipped ones included), tasks and the jobs' wall seconds; then every job. */
  public void print(PrintWriter out) {
    print(out, true);
  }

  /**
   * Per pipeline stage: jobs, Spark stages (skipped ones included), tasks, the jobs' wall seconds and their tasks' CPU
   * seconds (deserializing the task; running it). Then every job, or, without {@code everyJob} (many runs, as eval's),
   * the jobs summed per stage and description.
   */
  public void print(PrintWriter out, boolean everyJob) {
    out.println("profile: Spark jobs per pipeline stage (tasks' CPU seconds: deserializing the task, running it)");
    table(out, "stage", j -> j.stage());
    if (everyJob) {
      out.println("profile: every job");
      for (Job j : jobs()) {
        long[] t = taskNanos.getOrDefault(j.id(), new long[2]);
        out.printf(Locale.ROOT, "  #%-4d %-10s %6.2f s %3d stages %5d tasks %6.2f %6.2f  %s%n", j.id(), j.stage(),
            seconds(j), j.stages(), j.tasks(), t[0] / 1e9, t[1] / 1e9, j.description());
      }
    } else {
      out.println("profile: per stage and job description");
      table(out, "stage / description", j -> j.stage() + " / " + j.description());
    }
    out.flush();
  }

  private void table(PrintWriter out, String title, java.util.function.Function<Job, String> key) {
    Map<String, double[]> by = new LinkedHashMap<>();
    for (Job j : jobs()) {
      double[] a = by.computeIfAbsent(key.apply(j), k -> new double[6]);
      long[] t = taskNanos.getOrDefault(j.id(), new long[2]);
      a[0]++;
      a[1] += j.stages();
      a[2] += j.tasks();
      a[3] += seconds(j);
      a[4] += t[0] / 1e9;
      a[5] += t[1] / 1e9;
    }
    out.printf(Locale.ROOT, "  %-12s %5s %7s %7s %9s %9s %9s%n", title, "jobs", "stages", "tasks", "job s", "deser s",
        "run s");
    for (Map.Entry<String, double[]> e : by.entrySet()) {
      double[] a = e.getValue();
      out.printf(Locale.ROOT, "  %-12s %5d %7d %7d %9.2f %9.2f %9.2f%n", e.getKey(), (long) a[0], (long) a[1], (long) a[2],
          a[3], a[4], a[5]);
    }
  }

  private static double seconds(Job j) {
    return j.endMillis() < 0 ? 0 : (j.endMillis() - j.startMillis()) / 1000.0;
  }
}
