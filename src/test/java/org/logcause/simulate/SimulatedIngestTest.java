package org.logcause.simulate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/** Every family's files ingest through the real pipeline, and only the lines it corrupts on purpose are quarantined. */
class SimulatedIngestTest {

  @ParameterizedTest
  @EnumSource(Family.class)
  void onlyDeliberatelyCorruptedLinesAreQuarantined(Family family, @TempDir Path dir) throws IOException {
    Labels labels = Simulator.write(new Simulator.Settings(family, 11, 0.2, null, null), dir.resolve("scenario"));
    Path out = dir.resolve("out");
    var job = JobSpecLoader.load(dir.resolve("scenario/job.yaml"));
    RunJob.Outcome o = new RunJob(job, org.logcause.plan.RunPlan.forensic(job, out.toString()),
        new Progress(new PrintWriter(new StringWriter()))).apply(SharedSpark.get());

    assertThat(o.exitCode()).isZero();
    assertThat(o.files()).hasSize(5).allMatch(FileStat::reconciled);
    assertThat(o.files().stream().mapToLong(FileStat::events).sum()).isGreaterThan(5_000);
    Map<String, List<Long>> expected = labels.corruptedLines().stream().collect(Collectors.groupingBy(
        Labels.CorruptLine::file, Collectors.mapping(Labels.CorruptLine::line, Collectors.toList())));
    List<Row> quarantined = Out.table(out, "quarantine")
        .orderBy(col("file"), col("line")).collectAsList();
    Map<String, List<Long>> actual = quarantined.stream().collect(Collectors.groupingBy(
        r -> r.<String>getAs("file").replaceFirst("^scenario/", ""),
        Collectors.mapping(r -> r.<Long>getAs("line"), Collectors.toList())));
    assertThat(actual).isEqualTo(expected);
  }
}
