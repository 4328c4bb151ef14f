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
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.logcause.classify.ClassifyEvents;
import org.logcause.classify.core.Rules;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.LineParser;
import org.logcause.job.JobSpec;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourceSpec;
import org.logcause.job.SpecException;
import org.logcause.text.Memo;

/**
 * Ingest stage: lists the files of every source, parses each file in one task (multi-line events never straddle
 * a split, and line numbers are exact), and splits the result into {@code events} and {@code quarantine}.
 */
public final class ReadSources {
  private final LoadedJob job;
  private final String runId;
  private Rules rules;

  public ReadSources(LoadedJob job, String runId) {
    this.job = job;
    this.runId = runId;
  }

  /**
   * Classifies every event in the ingest pass itself: {@link #apply}'s events then carry
   * {@link ClassifyEvents#COLUMNS} but the masked message (category, subcategory, severity, rule id, template key);
   * the masked messages come once per task and key from {@link Ingested#templates}. One pass over the lines instead
   * of two, and no second copy of the events in memory.
   */
  public ReadSources classifyingWith(Rules rules) {
    this.rules = rules;
    return this;
  }

  /** One input file, as a task: which source, where to read it, how to name it in outputs. */
  record FileTask(int sourceIndex, String uri, String displayPath, int year, long size, FileIngestor.Range range)
      implements Serializable {
    FileTask in(FileIngestor.Range r) {
      return new FileTask(sourceIndex, uri, displayPath, year, size, r);
    }
  }

  /** Spark setting: the byte size of the ranges a large file is read in (default: see {@link #splitBytes}). */
  public static final String SPLIT_BYTES = "spark.logcause.ingest.splitBytes";

  /** Events with a time: how many, how many matched no rule, the first and last (epoch microseconds). */
  public record TimedEvents(long events, long unknown, long fromMicros, long toMicros) {}

  /** The ingest result: both tables, and the per-file accounting (computed on demand, one small row per file). */
  public static final class Ingested {
    private final Dataset<Row> records;
    private final Dataset<Row> events;
    private final Dataset<Row> quarantine;

    private final int tasks;
    private final List<SourceFiles.Skipped> skipped;
    private List<ScopeEvents.DayCount> eventsPerDay;
    private long templateRows = -1;
    private TimedEvents timedEvents;

    private final boolean classified;

    Ingested(Dataset<Row> records, Dataset<Row> events, Dataset<Row> quarantine, int tasks, List<SourceFiles.Skipped> skipped) {
      this.classified = java.util.Arrays.asList(records.columns()).contains("category");
      this.records = records;
      this.events = events;
      this.quarantine = quarantine;
      this.tasks = tasks;
      this.skipped = List.copyOf(skipped);
    }

    /** Glob matches that were not read (a folder, a dangling link, a link out of the spec's folder...), with why. */
    public List<SourceFiles.Skipped> skipped() {
      return skipped;
    }

    /** Spark tasks the files were read in: one per file, or per byte range of a large file. */
    public int tasks() {
      return tasks;
    }

    public Dataset<Row> events() {
      return events;
    }

    public Dataset<Row> quarantine() {
      return quarantine;
    }

    /**
     * With {@link #classifyingWith}: rows {@code template_key, masked}, each masked message at least once (events
     * carry only its key). Template mining reads these instead of a message per event.
     */
    public Dataset<Row> templates() {
      return records.filter(col("kind").equalTo(IngestSchema.TEMPLATE))
          .select(ClassifyEvents.TEMPLATE_KEY, ClassifyEvents.MASKED);
    }

    /**
     * What the reader counted per file (lines, bytes, events, continuations, quarantined, invalid UTF-8, error),
     * independently of what the tables will hold. Collected to the driver: one small row per input file.
     */
    public List<FileStat> readerStats() {
      records.sparkSession().sparkContext().setJobDescription("ingest: per-file reader counts, events per day");
      // One pass, three answers: a row per file (the ranges of a split file add up), a row per UTC day of the events,
      // which the plausible range is drawn from (ScopeEvents), and the template rows' count, a bound on the distinct
      // masked messages (see templateRows). Each partition tallies its rows and the driver merges the tallies: a few
      // numbers per file and per day, where an aggregation shuffled them and ran a second job.
      List<Column> columns = new ArrayList<>();
      for (String c : ReaderTally.COLUMNS) {
        columns.add(c.equals("category") && !classified ? lit(null).cast("string").alias(c) : col(c));
      }
      ReaderTally tally = records
          .filter(col("kind").isin(IngestSchema.FILE, IngestSchema.EVENT, IngestSchema.TEMPLATE))
          .select(columns.toArray(Column[]::new))
          .queryExecution().toRdd().toJavaRDD()
          .mapPartitions(rows -> {
            ReaderTally t = new ReaderTally();
            while (rows.hasNext()) {
              t.add(rows.next());
            }
            return List.of(t).iterator();
          })
          .collect().stream().reduce(new ReaderTally(), ReaderTally::merge);
      List<FileStat> stats = new ArrayList<>();
      for (var e : tally.filesInOrder()) {
        ReaderTally.File f = e.getValue();
        stats.add(new FileStat(e.getKey().get(0), e.getKey().get(1), f.counts[0], f.counts[1], f.counts[2],
            f.counts[3], f.counts[4], f.counts[5], f.error, f.maskedValues, -1, 0, 0, -1));
      }
      templateRows = tally.templateRows;
      List<ReaderTally.Day> timed = tally.days.entrySet().stream().filter(d -> d.getKey() != null)
          .map(java.util.Map.Entry::getValue).toList();
      timedEvents = !classified ? null : new TimedEvents(timed.stream().mapToLong(d -> d.events).sum(),
          timed.stream().mapToLong(d -> d.unknown).sum(), timed.stream().mapToLong(d -> d.fromMicros).min().orElse(0),
          timed.stream().mapToLong(d -> d.toMicros).max().orElse(0));
      eventsPerDay = tally.days.entrySet().stream()
          .map(d -> new ScopeEvents.DayCount(d.getKey() == null ? null : java.time.LocalDate.ofEpochDay(d.getKey()),
              d.getValue().events))
          .sorted(java.util.Comparator.comparing(ScopeEvents.DayCount::day,
              java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
          .toList();
      return stats;
    }

    /**
     * The rows of {@link #templates}: at least the distinct masked messages (a task writes each of its keys once),
     * counted by {@link #readerStats}; -1 before it.
     */
    public long templateRows() {
      return templateRows;
    }

    /**
     * The events with a time, counted by {@link #readerStats} (null before it, or when the events were not
     * classified): how many, how many matched no rule, the first and last time (0 and 0 when there is none).
     */
    public TimedEvents timedEvents() {
      return timedEvents;
    }

    /** The events per UTC day (a day null for an event without a time), earliest first; null before {@link #readerStats}. */
    public List<ScopeEvents.DayCount> eventsPerDay() {
      return eventsPerDay;
    }

    public void release() {
      records.unpersist();
    }

  }

  public Ingested apply(SparkSession spark) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JobSpec spec = job.spec();
    HadoopConf conf = new HadoopConf(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<FileTask> listed = listFiles(hadoop);
    List<FileTask> tasks = split(jsc, conf, listed, splitBytes(spark, listed));
    // One task per file, or per byte range of a large file whose format allows it (gzip cannot be split); a small
    // input's files share the cores' tasks instead (see slices).
    List<List<FileTask>> groups = groups(tasks, slices(tasks, spark.sparkContext().defaultParallelism()));
    JavaRDD<FileTask> files = jsc.parallelize(groups, groups.size()).flatMap(List::iterator);
    Rules classifier = rules;
    JavaRDD<Row> rows = files.flatMap(task -> ingestFile(spec, conf, task, classifier));
    StructType schema = IngestSchema.RECORDS;
    if (classifier != null) {
      for (StructField f : ClassifyEvents.COLUMNS) {
        schema = schema.add(f.name(), f.dataType(), true); // null on quarantine and file rows
      }
    }
    Dataset<Row> records = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());

    List<Column> eventColumns = new ArrayList<>(List.of(
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
        to_date(timestamp_micros(col("ts_micros"))).alias("date")));
    if (classifier != null) {
      for (StructField f : ClassifyEvents.COLUMNS) {
        if (!f.name().equals(ClassifyEvents.MASKED)) eventColumns.add(col(f.name())); // on template rows only
      }
    }
    Dataset<Row> events = records.filter(col("kind").equalTo(IngestSchema.EVENT)).select(eventColumns.toArray(Column[]::new));
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
                col("reason"),
                lit(1).alias("line_count"));
    return new Ingested(records, events, quarantine, tasks.size(), skipped);
  }

  /** Below this much input (gzip counted 6x), the records live in one partition per core rather than one per file. */
  static final long SMALL_INPUT_BYTES = 64L << 20;

  /**
   * How many partitions the files (or ranges) are read into: one each, except for a small input, whose files are
   * grouped into one partition per core ({@link #groups}). Every later scan of the ingested records runs
   * a task per partition, and on a small input a task costs more to ship and start than to run: the shipped sample's
   * five files were scanned five tasks at a time by some thirty jobs.
   */
  static int slices(List<FileTask> tasks, int parallelism) {
    long total = tasks.stream().mapToLong(ReadSources::weight).sum();
    int n = Math.max(1, tasks.size());
    return total < SMALL_INPUT_BYTES ? Math.min(n, Math.max(1, parallelism)) : n;
  }

  /** A task's bytes to read: its range of the file, or the file; gzip weighed as what it expands to. */
  static long weight(FileTask t) {
    FileIngestor.Range r = t.range();
    long bytes = r == null ? t.size() : Math.max(0, Math.min(t.size(), r.end()) - r.start());
    return t.uri().endsWith(".gz") ? SourceFiles.GZIP_EXPANSION * bytes : bytes;
  }

  /**
   * The tasks in {@code n} partitions of about equal bytes: the largest first, each onto the lightest partition so
   * far (ties: the earlier); each partition's tasks in the order listed, so the same files give the same partitions.
   * With as many partitions as tasks, one task each, as listed.
   */
  static List<List<FileTask>> groups(List<FileTask> tasks, int n) {
    if (n >= tasks.size()) {
      List<List<FileTask>> one = new ArrayList<>();
      tasks.forEach(t -> one.add(new ArrayList<>(List.of(t))));
      return one;
    }
    Integer[] order = new Integer[tasks.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, java.util.Comparator.comparingLong((Integer i) -> -weight(tasks.get(i))).thenComparingInt(i -> i));
    long[] load = new long[n];
    List<List<Integer>> members = new ArrayList<>();
    for (int g = 0; g < n; g++) members.add(new ArrayList<>());
    for (int i : order) {
      int lightest = 0;
      for (int g = 1; g < n; g++) {
        if (load[g] < load[lightest]) lightest = g;
      }
      load[lightest] += weight(tasks.get(i));
      members.get(lightest).add(i);
    }
    List<List<FileTask>> out = new ArrayList<>();
    for (List<Integer> m : members) {
      if (!m.isEmpty()) {
        out.add(m.stream().sorted().map(tasks::get).collect(java.util.stream.Collectors.toCollection(ArrayList::new)));
      }
    }
    return out;
  }

  /**
   * The range size: {@link #SPLIT_BYTES} if set, else the input spread over twice the default parallelism (so that
   * ranges of unequal cost even out), between 8 MB and 128 MB.
   */
  static long splitBytes(SparkSession spark, List<FileTask> files) {
    String set = spark.conf().get(SPLIT_BYTES, "");
    if (!set.isBlank()) {
      return Math.max(1, Long.parseLong(set.trim()));
    }
    long total = files.stream().mapToLong(FileTask::size).sum();
    long perTask = total / Math.max(1, 2L * spark.sparkContext().defaultParallelism()) + 1;
    return Math.max(8L << 20, Math.min(128L << 20, perTask));
  }

  /**
   * Cuts each file larger than {@code splitBytes} into ranges when its format allows it and its bytes are plain
   * (no gzip, no byte-order mark). The lines before each range are counted in one Spark job over all ranges (the
   * newlines of each range, summed per file on the driver: one number per range), so line numbers are exact.
   */
  private List<FileTask> split(JavaSparkContext jsc, HadoopConf conf, List<FileTask> files, long splitBytes) {
    List<FileTask> cut = new ArrayList<>();
    for (FileTask f : files) {
      if (f.size() <= splitBytes || !splittable(conf, f)) {
        continue;
      }
      for (long start = 0; start < f.size(); start += splitBytes) {
        cut.add(f.in(new FileIngestor.Range(start, Math.min(f.size(), start + splitBytes), 0)));
      }
    }
    if (cut.isEmpty()) {
      return files;
    }
    jsc.sc().setJobDescription("ingest: line numbers of file ranges");
    List<Long> newlines = jsc.parallelize(cut, cut.size()).map(t -> newlinesBefore(conf, t)).collect();
    java.util.Map<String, List<FileTask>> ranges = new java.util.HashMap<>();
    long lines = 1;
    for (int i = 0; i < cut.size(); i++) {
      FileTask t = cut.get(i);
      if (t.range().start() == 0) {
        lines = 1;
      }
      ranges.computeIfAbsent(t.uri(), k -> new ArrayList<>())
          .add(t.in(new FileIngestor.Range(t.range().start(), t.range().end() == t.size() ? Long.MAX_VALUE : t.range().end(),
              t.range().start() == 0 ? 0 : lines)));
      lines += newlines.get(i);
    }
    List<FileTask> out = new ArrayList<>();
    for (FileTask f : files) {
      out.addAll(ranges.getOrDefault(f.uri(), List.of(f)));
    }
    return out;
  }

  private boolean splittable(HadoopConf conf, FileTask f) {
    SourceSpec source = job.spec().sources().get(f.sourceIndex());
    if (!Formats.create(source).newParser(f.year()).splittable()) {
      return false;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(f.uri());
    try (java.io.InputStream in = path.getFileSystem(conf.get()).open(path)) {
      return FileIngestor.plain(in.read(), in.read(), in.read());
    } catch (IOException e) {
      return false; // read whole, where the failure is reported as the file's error
    }
  }

  /** The newlines in {@code [start - 1, end - 1)} of a range (from 0 for the first): summed, the lines before each. */
  private static long newlinesBefore(HadoopConf conf, FileTask t) throws IOException {
    long from = Math.max(0, t.range().start() - 1);
    long to = t.range().end() - 1;
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(t.uri());
    try (org.apache.hadoop.fs.FSDataInputStream in = path.getFileSystem(conf.get()).open(path)) {
      in.seek(from);
      byte[] buf = new byte[256 * 1024];
      long left = to - from;
      long count = 0;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            count++;
          }
        }
        left -= n;
      }
      return count;
    }
  }

  private List<FileTask> listFiles(Configuration hadoop) {
    List<FileTask> tasks = new ArrayList<>();
    List<SourceSpec> sources = job.spec().sources();
    for (int i = 0; i < sources.size(); i++) {
      SourceSpec s = sources.get(i);
      String resolved = job.resolve(s.path());
      SourceFiles.Listing listing;
      try {
        listing = SourceFiles.list(job, s, hadoop);
      } catch (IOException | IllegalArgumentException e) {
        throw new SpecException("sources[" + i + "].path: cannot list \"" + s.path() + "\": " + e.getMessage(), e);
      }
      skipped.addAll(listing.skipped());
      if (listing.files().isEmpty()) {
        throw new SpecException("sources[" + i + "].path: no file matches \"" + s.path() + "\" (resolved: " + resolved + ")"
            + (listing.skipped().isEmpty() ? "" : "; skipped: " + listing.skipped().stream()
                .map(k -> k.path() + " (" + k.reason() + ")").collect(java.util.stream.Collectors.joining("; "))));
      }
      Integer year = s.options().containsKey("year") ? Integer.valueOf(s.options().get("year")) : null;
      for (SourceFiles.Match m : listing.files()) {
        int fileYear = year != null ? year : Instant.ofEpochMilli(m.modifiedMillis()).atZone(ZoneOffset.UTC).getYear();
        tasks.add(new FileTask(i, m.uri(), display(new org.apache.hadoop.fs.Path(m.uri()).toUri()), fileYear, m.size(),
            FileIngestor.Range.WHOLE));
      }
    }
    return tasks;
  }

  private final List<SourceFiles.Skipped> skipped = new ArrayList<>();

  /** A file's name in outputs: relative to the job spec's folder, so runs compare across machines and clones. */
  private String display(URI uri) {
    if (!"file".equals(uri.getScheme()) && uri.getScheme() != null) {
      return uri.toString();
    }
    Path p = Path.of(uri.getPath());
    Path base = job.baseDir().toAbsolutePath().normalize();
    return base.getRoot().equals(p.getRoot()) ? base.relativize(p).toString() : p.toString();
  }

  private static Iterator<Row> ingestFile(JobSpec spec, HadoopConf conf, FileTask task, Rules classifier) {
    SourceSpec source = spec.sources().get(task.sourceIndex());
    LineParser parser = Formats.create(source).newParser(task.year()).maxEventChars(spec.limits().maxEventChars());
    long offsetMicros = source.offset().toNanos() / 1_000L;
    FileIngestor ingestor = new FileIngestor(spec.limits().maxLineBytes(), offsetMicros);
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(task.uri());
    Iterator<IngestRecord> records = ingestor.ingest(task.displayPath(), position -> {
      org.apache.hadoop.fs.FSDataInputStream in = path.getFileSystem(conf.get()).open(path);
      if (position > 0) {
        in.seek(position);
      }
      return in;
    }, parser, task.range());
    String sourceHost = source.host();
    SecretMasker masker = new SecretMasker(spec.masking()); // one per file: its count goes in the file's row
    Memo<ClassifyEvents.Masked> masks = new Memo<>(ClassifyEvents.MASKS, ClassifyEvents.MASKED_CHARS);
    // With a classifier, an event's masked message leaves its row for a template row, the first time this task meets
    // its key: the events keep only the key.
    int keyAt = IngestSchema.RECORDS.length() + fieldIndex(ClassifyEvents.TEMPLATE_KEY);
    int maskedAt = IngestSchema.RECORDS.length() + fieldIndex(ClassifyEvents.MASKED);
    return new Iterator<>() {
      // Keys whose masked message this task has already emitted: bounded (a repeat is removed by the miner's distinct).
      private final java.util.Set<Long> seen = new java.util.HashSet<>();
      private Row pending;

      @Override
      public boolean hasNext() {
        return pending != null || records.hasNext();
      }

      @Override
      public Row next() {
        if (pending != null) {
          Row r = pending;
          pending = null;
          return r;
        }
        Object[] v = values(source, sourceHost, records.next(), masker, classifier, masks);
        if (classifier != null && IngestSchema.EVENT.equals(v[KIND])) {
          String masked = (String) v[maskedAt];
          v[maskedAt] = null;
          if (seen.size() >= 100_000) seen.clear();
          if (seen.add((Long) v[keyAt])) {
            Object[] t = new Object[v.length];
            t[KIND] = IngestSchema.TEMPLATE;
            for (int k : new int[] {SOURCE, COMPONENT, FORMAT, FILE}) t[k] = v[k];
            t[keyAt] = v[keyAt];
            t[maskedAt] = masked;
            pending = RowFactory.create(t);
          }
        }
        return RowFactory.create(v);
      }
    };
  }

  /** The position of a classification column among {@link ClassifyEvents#COLUMNS}. */
  private static int fieldIndex(String name) {
    for (int i = 0; i < ClassifyEvents.COLUMNS.length; i++) {
      if (ClassifyEvents.COLUMNS[i].name().equals(name)) return i;
    }
    throw new IllegalStateException("no classification column " + name);
  }

  /** The positions of {@link IngestSchema#RECORDS}' fields, by name: rows are built by name from the one schema. */
  private static final int KIND = at("kind");
  private static final int SOURCE = at("source");
  private static final int COMPONENT = at("component");
  private static final int FORMAT = at("format");
  private static final int FILE = at("file");
  private static final int LINE = at("line");
  private static final int LINE_COUNT = at("line_count");
  private static final int TS_MICROS = at("ts_micros");
  private static final int LEVEL = at("level");
  private static final int MESSAGE = at("message");
  private static final int HOST = at("host");
  private static final int ATTRIBUTES = at("attributes");
  private static final int RAW = at("raw");
  private static final int REASON = at("reason");
  private static final int LINES_READ = at("lines_read");
  private static final int BYTES = at("bytes");
  private static final int EVENTS = at("events");
  private static final int CONTINUATION_LINES = at("continuation_lines");
  private static final int QUARANTINED = at("quarantined");
  private static final int INVALID_UTF8_LINES = at("invalid_utf8_lines");
  private static final int ERROR = at("error");
  private static final int MASKED_VALUES = at("masked_values");

  private static int at(String field) {
    return IngestSchema.RECORDS.fieldIndex(field);
  }

  /** A record's row values; secrets in what it keeps of the line are masked here, before anything is written. */
  private static Object[] values(SourceSpec s, String sourceHost, IngestRecord r, SecretMasker masker, Rules classifier,
      Memo<ClassifyEvents.Masked> masks) {
    Object[] v = new Object[IngestSchema.RECORDS.length() + (classifier == null ? 0 : ClassifyEvents.COLUMNS.length)];
    v[SOURCE] = s.name();
    v[COMPONENT] = s.component();
    v[FORMAT] = s.format();
    if (r instanceof IngestRecord.Event e) {
      SecretMasker.Masked m = masker.mask(e.message(), e.attributes());
      v[KIND] = IngestSchema.EVENT;
      v[FILE] = e.file();
      v[LINE] = e.line();
      v[LINE_COUNT] = e.lineCount();
      v[TS_MICROS] = e.tsMicros();
      v[LEVEL] = e.level();
      v[MESSAGE] = m.message();
      v[HOST] = e.host() == null || e.host().isEmpty() ? sourceHost : e.host();
      v[ATTRIBUTES] = scala.jdk.javaapi.CollectionConverters.asScala(m.attributes());
      if (classifier != null) {
        Object[] c = ClassifyEvents.columns(classifier, s.format(), s.name(), e.level(), m.message(), m.attributes(), masks);
        System.arraycopy(c, 0, v, IngestSchema.RECORDS.length(), c.length);
      }
    } else if (r instanceof IngestRecord.Quarantined q) {
      v[KIND] = IngestSchema.QUARANTINE;
      v[FILE] = q.file();
      v[LINE] = q.line();
      v[RAW] = masker.mask(q.raw());
      v[REASON] = masker.mask(q.reason());
    } else {
      IngestRecord.FileStats f = (IngestRecord.FileStats) r;
      v[KIND] = IngestSchema.FILE;
      v[FILE] = f.file();
      v[LINES_READ] = f.linesRead();
      v[BYTES] = f.bytes();
      v[EVENTS] = f.events();
      v[CONTINUATION_LINES] = f.continuationLines();
      v[QUARANTINED] = f.quarantined();
      v[INVALID_UTF8_LINES] = f.invalidUtf8Lines();
      v[ERROR] = f.error();
      v[MASKED_VALUES] = masker.masked();
    }
    return v;
  }
}
