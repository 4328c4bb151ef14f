package org.logcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.JobSpecLoader;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.simulate.Family;
import org.logcause.simulate.Flavour;
import org.logcause.simulate.Labels;
import org.logcause.simulate.Simulator;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/** The detect stage on small simulated scenarios: the incident window and the root cause's onset. */
class DetectionSparkTest {
  private static RunJob run(Path scenario, Path out) throws IOException {
    return run(scenario, out, null);
  }

  private static RunJob run(Path scenario, Path out, String history) throws IOException {
    var job = JobSpecLoader.load(scenario.resolve("job.yaml"));
    return new RunJob(job, org.logcause.plan.RunPlan.forensic(job, out.toString(), null, null, history, "forensic"),
        new Progress(new PrintWriter(new StringWriter())));
  }

  @Test
  void findsTheRedcrowIncidentAndDatesTheChangeThatCausedIt(@TempDir Path dir) throws IOException {
    SparkSession spark = SharedSpark.get();
    Labels labels = Simulator.write(new Simulator.Settings(Family.REPLICATION_MISCONFIG, 11, 0.3, null, Flavour.POSTGRES),
        dir.resolve("s"));
    run(dir.resolve("s"), dir.resolve("out")).apply(spark);

    List<Row> incidents = Out.table(dir.resolve("out"), "incidents").collectAsList();
    assertThat(incidents).hasSize(1);
    Instant start = incidents.get(0).getTimestamp(1).toInstant();
    Instant end = incidents.get(0).getTimestamp(2).toInstant();
    Instant labelledStart = Instant.parse(labels.incident().start());
    assertThat(Duration.between(labelledStart, start).abs()).isLessThan(Duration.ofMinutes(3));
    assertThat(end).isAfter(Instant.parse(labels.incident().end()).minus(Duration.ofMinutes(5)));

    Row first = Out.table(dir.resolve("out"), "anomalies")
        .filter(col("component").equalTo(labels.rootCause().component()).and(col("incident_id").isNotNull()))
        .orderBy("onset").first();
    Instant onset = first.<java.sql.Timestamp>getAs("onset").toInstant();
    assertThat(Duration.between(Instant.parse(labels.rootCause().onset()), onset).abs())
        .as("onset of %s", first.<String>getAs("signal")).isLessThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(Out.table(dir.resolve("out"), "signals")
        .filter(col("signal").equalTo("retry_share")).count()).isGreaterThan(0);
  }

  @Test
  void opensNoIncidentOnNoiseAndAcceptsABaselineHistory(@TempDir Path dir) throws IOException {
    SparkSession spark = SharedSpark.get();
    Simulator.write(new Simulator.Settings(Family.NO_INCIDENT, 12, 0.3, null, null), dir.resolve("s"));
    run(dir.resolve("s"), dir.resolve("out")).apply(spark);
    assertThat(Out.table(dir.resolve("out"), "incidents").count()).isZero();
    // The same quiet day scored against itself as history: still nothing.
    run(dir.resolve("s"), dir.resolve("out2"), dir.resolve("out").toString()).apply(spark);
    assertThat(Out.table(dir.resolve("out2"), "incidents").count()).isZero();
    assertThat(Out.table(dir.resolve("out2"), "signals").count()).isGreaterThan(1000);
  }
}
