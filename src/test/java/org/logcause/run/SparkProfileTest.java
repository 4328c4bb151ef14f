package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.logcause.support.SharedSpark;

/** The profile names each Spark job after the pipeline stage that launched it. */
class SparkProfileTest {
  @Test
  void countsTheJobsOfEachPipelineStage() throws Exception {
    SparkSession spark = SharedSpark.get();
    SparkProfile profile = new SparkProfile();
    spark.sparkContext().addSparkListener(profile);
    try {
      Progress progress = new Progress(new PrintWriter(new StringWriter())).attach(spark.sparkContext());
      progress.begin("ingest");
      // the shared session's thread may hold an earlier test's description
      spark.sparkContext().setJobDescription("count");
      spark.range(1000).count();
      spark.range(10).count();
      progress.begin("detect");
      spark.range(100).repartition(3).count();
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      spark.sparkContext().removeSparkListener(profile);
      spark.sparkContext().setJobDescription(null);
    }
    assertThat(profile.jobs()).extracting(SparkProfile.Job::stage).containsSubsequence("ingest", "ingest", "detect").last().isEqualTo("detect");
    assertThat(profile.jobs()).allMatch(j -> j.endMillis() >= j.startMillis() && j.tasks() > 0);
    StringWriter out = new StringWriter();
    profile.print(new PrintWriter(out));
    assertThat(out.toString()).contains("ingest", "detect").containsPattern("ingest +[2-9] ");
    // the tasks' CPU is counted against their jobs
    assertThat(profile.jobs().stream().mapToDouble(j -> profile.taskCpuSeconds(j.id())[1]).sum()).isPositive();
    assertThat(profile.jobs()).allMatch(j -> profile.taskCpuSeconds(j.id())[0] >= 0 && profile.taskCpuSeconds(j.id())[1] >= 0);
    StringWriter summed = new StringWriter();
    profile.print(new PrintWriter(summed), false);
    assertThat(summed.toString()).doesNotContain("every job").containsPattern("ingest / count +[2-9] ");
  }
}
