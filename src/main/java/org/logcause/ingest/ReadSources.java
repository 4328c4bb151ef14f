package org.logcause.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_date;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.LineParser;
import org.logcause.job.JobSpec;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourceSpec;
import org.logcause.job.SpecException;

/**
 * Ingest stage: lists the files of every source, parses each file in one task (multi-line events never straddle
 * a split, and line numbers are exact), and splits the result into {@code events} and {@code quarantine}.
 */
public final class ReadSources {
  private final LoadedJob job;
  private final String runId;

  public ReadSources(LoadedJob job, String runId) {
    this.job = job;
    this.runId = runId;
  }

  /** One input file, as a task: which source, where to read it, how to name it in outputs. */
  record FileTask(int sourceIndex, String uri, String displayPath, int year) implements Serializable {}

  /** The ingest result: both tables, and the per-file accounting (computed on demand, one small row per file). */
  public static final class Ingested {
    private final Dataset<Row> records;
    private final Dataset<Row> events;
    private final Dataset<Row> quarantine;

    Ingested(Dataset<Row> records, Dataset<Row> events, Dataset<Row> quarantine) {
      this.records = records;
      this.events = events;
      this.quarantine = quarantine;
    }

    public Dataset<Row> events() {
      return events;
    }

    public Dataset<Row> quarantine() {
      return quarantine;
    }

    /**
     * What the reader counted per file (lines, bytes, events, continuations, quarantined, invalid UTF-8, error),
     * independently of what the tables will hold. Collected to the driver: one small row per input file.
     */
    public List<FileStat> readerStats() {
      records.sparkSession().sparkContext().setJobDescription("ingest: per-file reader counts");
      List<Row> rows =
          records
              .filter(col("kind").equalTo(IngestSchema.FILE))
              .select("source", "file", "lines_read", "bytes", "events", "continuation_lines", "quarantined",
                  "invalid_utf8_lines", "error", "masked_values")
              .orderBy(col("source"), col("file"))
              .collectAsList();
      List<FileStat> stats = new ArrayList<>();
      for (Row r : rows) {
        stats.add(new FileStat(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
            r.getLong(5), r.getLong(6), r.getLong(7), r.getString(8), r.getLong(9), -1, 0, -1));
      }
      return stats;
    }

    public void release() {
      records.unpersist();
    }

  }

  public Ingested apply(SparkSession spark) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileTask> tasks = listFiles(hadoop);
    JobSpec spec = job.spec();
    HadoopConf conf = new HadoopConf(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // One task per file: a file is the unit that multi-line events and line numbers need (gzip cannot be split).
    JavaRDD<FileTask> files = jsc.parallelize(tasks, Math.max(1, Math.min(tasks.size(), 10_000)));
    JavaRDD<Row> rows = files.flatMap(task -> ingestFile(spec, conf, task));
    Dataset<Row> records = spark.createDataFrame(rows, IngestSchema.RECORDS).persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> events =
        records
            .filter(col("kind").equalTo(IngestSchema.EVENT))
            .select(
                substring(sha2(concat_ws("|", col("source"), col("file"), col("line").cast("string")), 256), 1, 24)
                    .alias("event_id"),
                timestamp_micros(col("ts_micros")).alias("ts"),
                col("source"),
                col("component"),
                col("host"),
                col("format"),
                col("level"),
                col("message"),
                col("attributes"),
                col("file"),
                col("line"),
                col("line_count"),
                to_date(timestamp_micros(col("ts_micros"))).alias("date"));
    Dataset<Row> quarantine =
        records
            .filter(col("kind").equalTo(IngestSchema.QUARANTINE))
            .select(
                lit(runId).alias("run_id"),
                col("source"),
                col("component"),
                col("file"),
                col("line"),
                col("raw"),
                col("reason"));
    return new Ingested(records, events, quarantine);
  }

  private List<FileTask> listFiles(Configuration hadoop) {
    List<FileTask> tasks = new ArrayList<>();
    List<SourceSpec> sources = job.spec().sources();
    for (int i = 0; i < sources.size(); i++) {
      SourceSpec s = sources.get(i);
      String resolved = job.resolve(s.path());
      org.apache.hadoop.fs.Path glob = new org.apache.hadoop.fs.Path(resolved);
      FileStatus[] matches;
      try {
        FileSystem fs = glob.getFileSystem(hadoop);
        matches = fs.globStatus(glob);
      } catch (IOException e) {
        throw new SpecException("sources[" + i + "].path: cannot list \"" + s.path() + "\": " + e.getMessage(), e);
      }
      List<FileStatus> found = new ArrayList<>();
      if (matches != null) {
        for (FileStatus st : matches) {
          if (st.isFile()) {
            found.add(st);
          }
        }
      }
      if (found.isEmpty()) {
        throw new SpecException("sources[" + i + "].path: no file matches \"" + s.path() + "\" (resolved: " + resolved + ")");
      }
      found.sort(Comparator.comparing(st -> st.getPath().toString()));
      Integer year = s.options().containsKey("year") ? Integer.valueOf(s.options().get("year")) : null;
      for (FileStatus st : found) {
        int fileYear =
            year != null ? year : Instant.ofEpochMilli(st.getModificationTime()).atZone(ZoneOffset.UTC).getYear();
        tasks.add(new FileTask(i, st.getPath().toString(), display(st.getPath().toUri()), fileYear));
      }
    }
    return tasks;
  }

  /** A file's name in outputs: relative to the job spec's folder, so runs compare across machines and clones. */
  private String display(URI uri) {
    if (!"file".equals(uri.getScheme()) && uri.getScheme() != null) {
      return uri.toString();
    }
    Path p = Path.of(uri.getPath());
    Path base = job.baseDir().toAbsolutePath().normalize();
    return base.getRoot().equals(p.getRoot()) ? base.relativize(p).toString() : p.toString();
  }

  private static Iterator<Row> ingestFile(JobSpec spec, HadoopConf conf, FileTask task) {
    SourceSpec source = spec.sources().get(task.sourceIndex());
    LineParser parser = Formats.create(source).newParser(task.year()).maxEventChars(spec.limits().maxEventChars());
    long offsetMicros = source.offset().toNanos() / 1_000L;
    FileIngestor ingestor = new FileIngestor(spec.limits().maxLineBytes(), offsetMicros);
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(task.uri());
    Iterator<IngestRecord> records =
        ingestor.ingest(task.displayPath(), () -> path.getFileSystem(conf.get()).open(path), parser);
    String sourceHost = source.host();
    SecretMasker masker = new SecretMasker(spec.masking()); // one per file: its count goes in the file's row
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public Row next() {
        return toRow(source, sourceHost, records.next(), masker);
      }
    };
  }

  /** A record as a row; secrets in what it keeps of the line are masked here, before anything is written. */
  private static Row toRow(SourceSpec s, String sourceHost, IngestRecord r, SecretMasker masker) {
    if (r instanceof IngestRecord.Event e) {
      SecretMasker.Masked m = masker.mask(e.message(), e.attributes());
      return RowFactory.create(
          IngestSchema.EVENT, s.name(), s.component(), s.format(), e.file(), e.line(), e.lineCount(), e.tsMicros(),
          e.level(), m.message(), e.host() == null || e.host().isEmpty() ? sourceHost : e.host(),
          scala.jdk.javaapi.CollectionConverters.asScala(m.attributes()), null, null, null, null, null, null,
          null, null, null, null);
    }
    if (r instanceof IngestRecord.Quarantined q) {
      return RowFactory.create(
          IngestSchema.QUARANTINE, s.name(), s.component(), s.format(), q.file(), q.line(), null, null, null, null,
          null, null, masker.mask(q.raw()), masker.mask(q.reason()), null, null, null, null, null, null, null, null);
    }
    IngestRecord.FileStats f = (IngestRecord.FileStats) r;
    return RowFactory.create(
        IngestSchema.FILE, s.name(), s.component(), s.format(), f.file(), null, null, null, null, null, null, null,
        null, null, f.linesRead(), f.bytes(), f.events(), f.continuationLines(), f.quarantined(),
        f.invalidUtf8Lines(), f.error(), masker.masked());
  }
}
