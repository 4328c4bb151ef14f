package org.logcause.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.logcause.plan.RunPlan;

/**
 * Writes the manifest into the snapshot: the {@code run_manifest} table, {@code run_manifest.json}, and for a
 * nightly run {@code manifests/<run id>.json} (the other nights' are carried over beside it).
 */
public final class WriteManifest {
  /** Folder of every nightly run's manifest JSON ({@code run_manifest.json} is the latest run's). */
  public static final String MANIFESTS = "manifests";

  private final RunPlan plan;
  private final SnapshotCommit commit;
  private final WriteTables tables;

  public WriteManifest(RunPlan plan, SnapshotCommit commit, WriteTables tables) {
    this.plan = plan;
    this.commit = commit;
    this.tables = tables;
  }

  public void apply(SparkSession spark, RunManifest manifest) {
    String json = manifest.toJson();
    spark.sparkContext().setJobDescription("write " + Tables.RUN_MANIFEST);
    Dataset<String> one = spark.createDataset(List.of(json.replace('\n', ' ')), Encoders.STRING());
    tables.apply(spark, spark.read().schema(SCHEMA).json(one).coalesce(1), Tables.RUN_MANIFEST);
    writeText(spark, new Path(commit.path(Tables.MANIFEST_JSON)), json);
    if (plan.mode() instanceof RunPlan.Nightly) {
      writeText(spark, new Path(commit.path(MANIFESTS + "/" + plan.runId() + ".json")), json);
    }
  }

  /**
   * The manifest table's schema, the same for every run, as Spark infers it from {@link #inferred}: written out here
   * because inferring it is a Spark job of its own in every run. {@code WriteManifestTest} keeps the two equal.
   */
  static final StructType SCHEMA = StructType.fromDDL(String.join(",",
      "baseline STRING", "code_version STRING", "exit_code BIGINT",
      "files ARRAY<STRUCT<bytes: BIGINT, continuation_lines: BIGINT, error: STRING, events: BIGINT, file: STRING, "
          + "implausible_time: BIGINT, invalid_utf8_lines: BIGINT, lines_read: BIGINT, masked_values: BIGINT, "
          + "out_of_window_lines: BIGINT, quarantined: BIGINT, reconciled: BOOLEAN, source: STRING>>",
      "finished_at STRING", "job STRING", "masked_values BIGINT", "mode STRING", "plausible_from STRING",
      "plausible_to STRING", "run_id STRING",
      "skipped ARRAY<STRUCT<path: STRING, reason: STRING, source: STRING>>",
      "sources ARRAY<STRUCT<events: BIGINT, file_errors: BIGINT, files: BIGINT, implausible_time: BIGINT, "
          + "lines_read: BIGINT, masked_values: BIGINT, out_of_window_lines: BIGINT, quarantined: BIGINT, source: STRING>>",
      "spec_hash STRING",
      "stages ARRAY<STRUCT<rows: BIGINT, seconds: DOUBLE, stage: STRING>>",
      "started_at STRING", "status STRING", "window_from STRING", "window_to STRING"));

  /**
   * The manifest table's schema as Spark infers it from a manifest with one entry in every list and a value in every
   * field (inferred from a real manifest, an empty list or a null field would change the type from run to run, and
   * nights written with different types could not be read together).
   */
  static StructType inferred(SparkSession spark) {
    RunManifest full = new RunManifest("r", "m", "j", "h", "v", "s", "f", "st", 0, "wf", "wt", "b", 0, "pf", "pt",
        List.of(new RunManifest.SourceEntry("s", 0, 0, 0, 0, 0, 0, 0, 0)),
        List.of(new RunManifest.FileEntry("s", "f", 0, 0, 0, 0, 0, 0, 0, 0, 0, true, "e")),
        List.of(new RunManifest.SkippedEntry("s", "p", "r")), List.of(new RunManifest.StageEntry("s", 0, 0.5)));
    return spark.read().json(spark.createDataset(List.of(full.toJson().replace('\n', ' ')), Encoders.STRING())).schema();
  }

  static void writeText(SparkSession spark, Path path, String text) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (FSDataOutputStream o = fs.create(path, true)) {
        o.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
