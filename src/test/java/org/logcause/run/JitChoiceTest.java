package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's JIT choice: quick for small local inputs, full for large, remote or unreadable ones. Spark-free. */
class JitChoiceTest {
  @TempDir Path dir;

  private Path job(String path) throws Exception {
    Path spec = dir.resolve("job.yaml");
    Files.writeString(spec, """
        job: sized
        sources:
          - name: api
            component: orders-api
            format: json
            path: %s
        """.formatted(path));
    return spec;
  }

  /** A file of that many bytes (sparse: nothing is written). */
  private void file(String name, long bytes) throws Exception {
    Files.createDirectories(dir.resolve(name).getParent());
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
      f.setLength(bytes);
    }
  }

  @Test
  void theShippedSampleRunsWithTheQuickCompilerInEitherSpelling() {
    String sample = "sample-data/redcrow-2024-06-20/job.yaml";
    assertThat(JitChoice.choose(List.of("forensic", "--job", sample))).isEqualTo(JitChoice.QUICK);
    assertThat(JitChoice.choose(List.of("nightly", "--date", "2024-06-20", "--job=" + sample))).isEqualTo(JitChoice.QUICK);
  }

  @Test
  void largeInputsKeepTheOptimizingCompilerAndGzipCountsAsWhatItExpandsTo() throws Exception {
    file("logs/a.jsonl", 100L << 20);
    Path spec = job("logs/*");
    assertThat(JitChoice.choose(List.of("forensic", "--job", spec.toString()))).isEqualTo(JitChoice.QUICK);
    file("logs/b.jsonl", 40L << 20); // 140 MB in all
    assertThat(JitChoice.choose(List.of("forensic", "--job", spec.toString()))).isEqualTo(JitChoice.FULL);
    Files.delete(dir.resolve("logs/b.jsonl"));
    file("logs/c.jsonl.gz", 5L << 20); // 100 MB + 6 × 5 MB
    assertThat(JitChoice.choose(List.of("forensic", "--job", spec.toString()))).isEqualTo(JitChoice.FULL);
  }

  @Test
  void aQueryIsSizedByTheTablesOfTheCurrentRunTheLinkPointsTo() throws Exception {
    Path out = dir.resolve("out");
    file("out/_runs/r1/events/part-0.parquet", 10L << 20);
    file("out/_runs/r2/events/part-0.parquet", 30L << 20); // an older snapshot: not read
    Files.createSymbolicLink(out.resolve("current"), Path.of("_runs/r1"));
    assertThat(JitChoice.choose(List.of("query", "--out", out.toString(), "select 1"))).isEqualTo(JitChoice.QUICK);
    Files.delete(out.resolve("current"));
    Files.createSymbolicLink(out.resolve("current"), Path.of("_runs/r2")); // 30 MB of Parquet: 180 MB of rows or so
    assertThat(JitChoice.choose(List.of("query", "--out=" + out, "select 1"))).isEqualTo(JitChoice.FULL);
    assertThat(JitChoice.choose(List.of("query", "--out", dir.resolve("nothing").toString(), "select 1"))).isEqualTo(JitChoice.FULL);
  }

  @Test
  void evalIsSizedByItsLargestScenarioNotByAllOfThem() throws Exception {
    assertThat(JitChoice.choose(List.of("eval", "--families", "all", "--seeds", "1100-1119", "--scale", "0.3")))
        .as("180 small generated scenarios").isEqualTo(JitChoice.QUICK);
    assertThat(JitChoice.choose(List.of("eval", "--families", "all", "--seeds", "1-2"))).as("scale 1").isEqualTo(JitChoice.QUICK);
    assertThat(JitChoice.choose(List.of("eval", "--families=all", "--seeds=1-2", "--scale=20"))).isEqualTo(JitChoice.FULL);
    Path lab = dir.resolve("lab");
    for (String name : List.of("a-1", "b-1", "c-1")) {
      Files.createDirectories(lab.resolve(name));
      Files.writeString(lab.resolve(name).resolve("job.yaml"), "job: %s\nsources:\n  - name: api\n    component: api\n    format: json\n    path: logs/*\n".formatted(name));
      file("lab/" + name + "/logs/api.jsonl", 60L << 20); // 180 MB in all, 60 MB per scenario
    }
    assertThat(JitChoice.choose(List.of("eval", "--scenarios", lab.toString(), "--half", "development"))).isEqualTo(JitChoice.QUICK);
    file("lab/b-1/logs/more.jsonl", 80L << 20);
    assertThat(JitChoice.choose(List.of("eval", "--scenarios", lab.toString()))).as("one scenario of 140 MB").isEqualTo(JitChoice.FULL);
    assertThat(JitChoice.choose(List.of("eval", "--scenarios", "sample-data/lab"))).as("the committed lab corpora").isEqualTo(JitChoice.QUICK);
  }

  @Test
  void whatItCannotMeasureKeepsTheDefault() throws Exception {
    assertThat(JitChoice.choose(List.of("forensic", "--job", job("hdfs://nn/logs/*.jsonl").toString())))
        .as("a remote source").isEqualTo(JitChoice.FULL);
    Files.writeString(dir.resolve("broken.yaml"), "job: [");
    assertThat(JitChoice.choose(List.of("forensic", "--job", dir.resolve("broken.yaml").toString())))
        .as("a spec the run itself will refuse").isEqualTo(JitChoice.FULL);
    assertThat(JitChoice.choose(List.of("forensic"))).as("no job").isEqualTo(JitChoice.FULL);
  }
}
