package org.logcause.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.logcause.classify.ClassifyEvents;
import org.logcause.classify.MineTemplates;
import org.logcause.classify.core.Rules;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.ingest.FileStat;
import org.logcause.ingest.ReadSources;
import org.logcause.job.JobSpecLoader;
import org.logcause.run.SparkSessions;
import org.logcause.simulate.Family;
import org.logcause.simulate.Simulator;

/** Lines/s of ingest + classify + template mining on one generated scenario, beside Spark's plain text read. */
public final class ClassifyThroughput {
  private ClassifyThroughput() {}

  public static void measure(double scale, Path dir, boolean json, PrintWriter out) throws IOException {
    Simulator.write(new Simulator.Settings(Family.REPLICATION_MISCONFIG, 1, scale, null, null), dir);
    List<String> files;
    try (Stream<Path> s = Files.walk(dir.resolve("logs"))) {
      files = Stream.concat(s.filter(Files::isRegularFile), Stream.of(dir.resolve("changes/changes.jsonl")))
          .map(Path::toString).sorted().toList();
    }
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.start("logcause bench classify", null, false);
    try {
      // Warm-up, so neither measurement pays for class loading and code generation.
      spark.read().text(files.toArray(String[]::new)).agg(sum(length(col("value")))).collect();

      long t0 = System.nanoTime();
      long textLines = spark.read().text(files.toArray(String[]::new)).count();
      double countSeconds = (System.nanoTime() - t0) / 1e9;

      t0 = System.nanoTime();
      var job = JobSpecLoader.load(dir.resolve("job.yaml"));
      ReadSources.Ingested ingested = new ReadSources(job, "bench").apply(spark);
      long lines = ingested.readerStats().stream().mapToLong(FileStat::linesRead).sum();
      Dataset<Row> classified = new ClassifyEvents(Rules.builtIn()).apply(ingested.events())
          .persist(StorageLevel.MEMORY_AND_DISK());
      long events = classified.count();
      long templates = new MineTemplates(new TemplateMiner()).templates(classified).select("template").distinct().count();
      double pipelineSeconds = (System.nanoTime() - t0) / 1e9;
      classified.unpersist();
      ingested.release();

      long bytes = files.stream().mapToLong(f -> Path.of(f).toFile().length()).sum();
      if (json) {
        out.println(new ObjectMapper().createObjectNode().put("input_mb", bytes / 1e6).put("lines", lines)
            .put("events", events).put("templates", templates)
            .put("text_count_lines_per_s", Math.round(textLines / countSeconds))
            .put("ingest_classify_templates_lines_per_s", Math.round(lines / pipelineSeconds)));
      } else {
        out.printf(Locale.ROOT, "throughput on %.1f MB, %,d lines (%d cores): spark.read().text().count() %,.0f lines/s; "
                + "ingest+classify+templates %,.0f lines/s (%,d events, %,d templates)%n",
            bytes / 1e6, lines, Runtime.getRuntime().availableProcessors(), textLines / countSeconds,
            lines / pipelineSeconds, events, templates);
      }
      out.flush();
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }
}
