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
    }
    jobs.put(e.jobId(), new Job(e.jobId(), stage == null ? "-" : stage, description == null ? "-" : description,
        e.time(), -1, stages, tasks));
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    jobs.computeIfPresent(e.jobId(), (k, j) -> new Job(j.id(), j.stage(), j.description(), j.startMillis(), e.time(),
        j.stages(), j.tasks()));
  }

  /** The jobs seen so far, in order. */
  public List<Job> jobs() {
    List<Job> all = new ArrayList<>(jobs.values());
    all.sort(java.util.Comparator.comparingInt(Job::id));
    return all;
  }

  /** Per pipeline stage: jobs, Spark stages (skipped ones included), tasks and the jobs' wall seconds; then every job. */
  public void print(PrintWriter out) {
    Map<String, long[]> by = new LinkedHashMap<>();
    for (Job j : jobs()) {
      long[] a = by.computeIfAbsent(j.stage(), k -> new long[4]);
      a[0]++;
      a[1] += j.stages();
      a[2] += j.tasks();
      a[3] += j.endMillis() < 0 ? 0 : j.endMillis() - j.startMillis();
    }
    out.println("profile: Spark jobs per pipeline stage");
    out.printf(Locale.ROOT, "  %-12s %5s %7s %7s %9s%n", "stage", "jobs", "stages", "tasks", "job s");
    for (Map.Entry<String, long[]> e : by.entrySet()) {
      long[] a = e.getValue();
      out.printf(Locale.ROOT, "  %-12s %5d %7d %7d %9.2f%n", e.getKey(), a[0], a[1], a[2], a[3] / 1000.0);
    }
    out.println("profile: every job");
    for (Job j : jobs()) {
      out.printf(Locale.ROOT, "  #%-4d %-10s %6.2f s %3d stages %5d tasks  %s%n", j.id(), j.stage(),
          j.endMillis() < 0 ? 0 : (j.endMillis() - j.startMillis()) / 1000.0, j.stages(), j.tasks(), j.description());
    }
    out.flush();
  }
}
