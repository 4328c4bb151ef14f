package org.logcause.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.logcause.job.JobSpec;
import org.logcause.plan.RunPlan;

/**
 * Which events a run analyses and writes. Events dated outside the plausible range (a clock reset to 1970, a year
 * typed as 2999) are set aside as quarantine rows, so that they can neither widen the windows nor hide an incident;
 * the range runs from {@code limits.plausible_before} before to {@code limits.plausible_after} after a reference
 * span: the night, the window, or the bulk of the events. Of the rest, a run analyses its span (a forensic window
 * with the data before it as baseline, a night, everything up to a cutoff, or everything) and writes its window;
 * the lines of events outside it are counted per file.
 */
public final class ScopeEvents {
  /** The run's id (on the quarantine rows), its mode, and the limits of plausible times. */
  public record Settings(String runId, RunPlan.Mode mode, JobSpec.Limits limits) {}

  /**
   * The scope: the events analysed, the predicate of those written, the implausible events as quarantine rows, the
   * plausible range, per file ({@code source \0 file}) the lines outside the window and those implausible, and
   * whether the events analysed are known to be every event with a time (an unwindowed forensic run whose every
   * counted day is plausible): what the reader counted of those is then what the analysed events hold.
   */
  public record Scoped(Dataset<Row> analysed, Column written, Dataset<Row> implausible, Range plausible,
      Map<String, long[]> outside, boolean everyTimedEvent) {
    public long outOfWindowLines() {
      return outside.values().stream().mapToLong(v -> v[0]).sum();
    }

    public long implausibleLines() {
      return outside.values().stream().mapToLong(v -> v[1]).sum();
    }
  }

  /** A span of time in microseconds, {@code [from, to)}, and what it was computed from. */
  public record Range(long from, long to, String basis) {}

  private static final long UNBOUNDED = Long.MIN_VALUE / 4;

  private final Settings settings;

  public ScopeEvents(Settings settings) {
    this.settings = settings;
  }

  /** Events of one UTC day ({@code day} null: events without a time). */
  public record DayCount(LocalDate day, long events) {}

  /**
   * {@code eventsPerDay}: the events per UTC day, earliest first, as the reader's accounting counted them
   * ({@code ReadSources.Ingested#eventsPerDay}, the same job as the per-file counts).
   */
  public Scoped apply(SparkSession spark, Dataset<Row> events, List<DayCount> eventsPerDay) {
    Range plausible = plausibleRange(eventsPerDay);
    Column ts = unix_micros(col("ts"));
    Column isPlausible = ts.geq(plausible.from()).and(ts.lt(plausible.to()));
    Column span = isPlausible;
    Column written = isPlausible;
    RunPlan.Mode mode = settings.mode();
    if (mode instanceof RunPlan.Nightly n) {
      span = span.and(ts.geq(n.fromMicros())).and(ts.lt(n.toMicros()));
      written = span;
    } else if (mode instanceof RunPlan.Forensic f && f.windowed()) {
      span = span.and(ts.geq(f.from() - f.lookbackMicros())).and(ts.lt(f.to()));
      written = isPlausible.and(ts.geq(f.from())).and(ts.lt(f.to()));
    } else if (mode instanceof RunPlan.Forensic f && f.to() != null) {
      span = span.and(ts.lt(f.to()));
      written = span;
    }
    // Nothing to count (and no job) when every day the reader counted lies wholly inside what is written.
    Map<String, long[]> outside = allInside(eventsPerDay, writtenRange(plausible)) ? new HashMap<>()
        : linesOutside(spark, events, isPlausible, written);
    boolean everyTimedEvent = mode instanceof RunPlan.Forensic f && !f.windowed() && f.to() == null
        && allInside(eventsPerDay, plausible);
    return new Scoped(events.filter(span), written, implausible(events.filter(functions.not(isPlausible)), plausible),
        plausible, outside, everyTimedEvent);
  }

  /**
   * The plausible range: the limits around a reference span, which is the night of a nightly run, the window (with
   * its baseline) of a windowed forensic run, or else the bulk of the events: the UTC days between the events of rank
   * k and n-k, k = 1% of the n events, at least 1 once there are 3. A handful of lines dated 1970 or 2999 fall
   * outside it, whatever the files hold.
   */
  Range plausibleRange(List<DayCount> counted) {
    long before = settings.limits().plausibleBeforeMicros();
    long after = settings.limits().plausibleAfterMicros();
    if (settings.mode() instanceof RunPlan.Nightly n) {
      return new Range(n.fromMicros() - before, n.toMicros() + after, "the night");
    }
    if (settings.mode() instanceof RunPlan.Forensic f && f.windowed()) {
      return new Range(f.from() - f.lookbackMicros() - before, f.to() + after, "the window");
    }
    List<DayCount> days = java.util.Objects.requireNonNull(counted, "the events per day (readerStats first)");
    long n = days.stream().mapToLong(DayCount::events).sum();
    if (n == 0) {
      return new Range(UNBOUNDED, Long.MAX_VALUE, "no events");
    }
    long k = n >= 3 ? Math.max(1, n / 100) : 0;
    long seen = 0;
    LocalDate low = null;
    LocalDate high = null;
    for (DayCount d : days) {
      seen += d.events();
      if (low == null && seen > k) low = d.day();
      if (high == null && seen >= n - k) high = d.day();
    }
    long lowMicros = low.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    long highMicros = high.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    return new Range(lowMicros - before, highMicros + after, "the bulk of the events");
  }

  /** The span the written events lie in: the plausible range, cut by the night, the window or the cutoff. */
  Range writtenRange(Range plausible) {
    long from = plausible.from();
    long to = plausible.to();
    RunPlan.Mode mode = settings.mode();
    if (mode instanceof RunPlan.Nightly n) {
      from = Math.max(from, n.fromMicros());
      to = Math.min(to, n.toMicros());
    } else if (mode instanceof RunPlan.Forensic f && f.windowed()) {
      from = Math.max(from, f.from());
      to = Math.min(to, f.to());
    } else if (mode instanceof RunPlan.Forensic f && f.to() != null) {
      to = Math.min(to, f.to());
    }
    return new Range(from, to, plausible.basis());
  }

  private static final long DAY_MICROS = 86_400_000_000L;

  /**
   * Whether every event of these days lies in {@code range}: each day with events lies wholly inside it (events
   * without a time are never counted outside). False when the days were not counted.
   */
  static boolean allInside(List<DayCount> days, Range range) {
    if (days == null) {
      return false;
    }
    for (DayCount d : days) {
      if (d.day() == null || d.events() == 0) {
        continue;
      }
      long start = d.day().atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
      if (start < range.from() || start + DAY_MICROS > range.to()) {
        return false;
      }
    }
    return true;
  }

  /** The events dated outside the plausible range, as quarantine rows (one per event, with its line count). */
  private Dataset<Row> implausible(Dataset<Row> events, Range plausible) {
    String range = micros(plausible.from()) + " .. " + micros(plausible.to()) + " (" + settings.limits().plausibleBefore()
        + " before to " + settings.limits().plausibleAfter() + " after " + plausible.basis()
        + "; limits.plausible_before/plausible_after)";
    Column when = functions.date_format(col("ts"), "yyyy-MM-dd'T'HH:mm:ss'Z'");
    return events.select(lit(settings.runId()).alias("run_id"), col("source"), col("component"), col("file"), col("line"),
        functions.substring(functions.concat(lit("["), when, lit("] "), col("message")), 1, 1024).alias("raw"),
        functions.concat(lit("implausible_time: dated "), when, lit(", outside the plausible range "), lit(range)).alias("reason"),
        col("line_count"));
  }

  /**
   * Per file ({@code source \0 file}): the lines of plausible events outside what is written (read, counted, not
   * written) and the lines of implausible events (quarantined). One small aggregation.
   */
  private static Map<String, long[]> linesOutside(SparkSession spark, Dataset<Row> events, Column plausible, Column written) {
    spark.sparkContext().setJobDescription("ingest: lines outside the window or the plausible range");
    Map<String, long[]> out = new HashMap<>();
    Column lines = col("line_count").cast("long");
    for (Row r : events.filter(functions.not(written)).groupBy("source", "file")
        .agg(sum(functions.when(plausible, lines).otherwise(0L)), sum(functions.when(functions.not(plausible), lines).otherwise(0L)))
        .collectAsList()) {
      out.put(r.getString(0) + "\u0000" + r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
    }
    return out;
  }

  /** A time in microseconds as ISO-8601. */
  public static String micros(long us) {
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L).toString();
  }
}
