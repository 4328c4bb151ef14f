package org.logcause.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.logcause.classify.CountClassified;

/**
 * What the reader counted, tallied in each partition of the ingested records and merged on the driver: per file its
 * reader counts (the ranges of a split file add up), per UTC day its events (how many, the first and last time, how
 * many matched no rule), and the template rows. A handful of numbers per file and per day, so one pass over the
 * partitions and a merge of their tallies replace an aggregation's shuffle and second job.
 *
 * <p>Reads rows of {@link #COLUMNS}, in that order.
 */
final class ReaderTally implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  /** The columns a tallied row holds, in order ({@code category}: null when the events are not classified). */
  static final List<String> COLUMNS = List.of("kind", "source", "file", "ts_micros", "lines_read", "bytes", "events",
      "continuation_lines", "quarantined", "invalid_utf8_lines", "error", "masked_values", "category");
  private static final int KIND = 0, SOURCE = 1, FILE = 2, TS = 3, FIRST_COUNT = 4, ERROR = 10, MASKED = 11,
      CATEGORY = 12;
  private static final UTF8String FILE_KIND = UTF8String.fromString(IngestSchema.FILE);
  private static final UTF8String EVENT_KIND = UTF8String.fromString(IngestSchema.EVENT);
  private static final UTF8String TEMPLATE_KIND = UTF8String.fromString(IngestSchema.TEMPLATE);
  private static final UTF8String UNKNOWN = UTF8String.fromString(CountClassified.UNKNOWN);
  /** lines_read, bytes, events, continuation_lines, quarantined, invalid_utf8_lines. */
  private static final int COUNTS = 6;

  /** A file's reader counts. */
  static final class File implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] counts = new long[COUNTS];
    String error;
    long maskedValues;

    void merge(File o) {
      for (int i = 0; i < COUNTS; i++) counts[i] += o.counts[i];
      error = maxOf(error, o.error);
      maskedValues += o.maskedValues;
    }
  }

  /** A day's events (the day null for events without a time). */
  static final class Day implements Serializable {
    private static final long serialVersionUID = 1L;
    long events;
    long unknown;
    long fromMicros = Long.MAX_VALUE;
    long toMicros = Long.MIN_VALUE;

    void merge(Day o) {
      events += o.events;
      unknown += o.unknown;
      fromMicros = Math.min(fromMicros, o.fromMicros);
      toMicros = Math.max(toMicros, o.toMicros);
    }
  }

  /** Keyed by source and file (a two-element list). */
  final Map<List<String>, File> files = new HashMap<>();
  /** Keyed by the UTC day since the epoch, or null. */
  final Map<Long, Day> days = new HashMap<>();
  long templateRows;

  /** Tallies one row of {@link #COLUMNS}. */
  void add(InternalRow r) {
    UTF8String kind = r.getUTF8String(KIND);
    if (kind.equals(FILE_KIND)) {
      File f = files.computeIfAbsent(List.of(r.getUTF8String(SOURCE).toString(), r.getUTF8String(FILE).toString()),
          k -> new File());
      for (int i = 0; i < COUNTS; i++) {
        if (!r.isNullAt(FIRST_COUNT + i)) f.counts[i] += r.getLong(FIRST_COUNT + i);
      }
      if (!r.isNullAt(ERROR)) f.error = maxOf(f.error, r.getUTF8String(ERROR).toString());
      if (!r.isNullAt(MASKED)) f.maskedValues += r.getLong(MASKED);
    } else if (kind.equals(EVENT_KIND)) {
      Long day = r.isNullAt(TS) ? null : Math.floorDiv(r.getLong(TS), MICROS_PER_DAY);
      Day d = days.computeIfAbsent(day, k -> new Day());
      d.events++;
      if (day != null) {
        long ts = r.getLong(TS);
        d.fromMicros = Math.min(d.fromMicros, ts);
        d.toMicros = Math.max(d.toMicros, ts);
      }
      if (!r.isNullAt(CATEGORY) && r.getUTF8String(CATEGORY).equals(UNKNOWN)) d.unknown++;
    } else if (kind.equals(TEMPLATE_KIND)) {
      templateRows++;
    }
  }

  ReaderTally merge(ReaderTally o) {
    o.files.forEach((k, f) -> files.merge(k, f, (a, b) -> {
      a.merge(b);
      return a;
    }));
    o.days.forEach((k, d) -> days.merge(k, d, (a, b) -> {
      a.merge(b);
      return a;
    }));
    templateRows += o.templateRows;
    return this;
  }

  /** The files' rows, ordered by source then file as Spark orders strings (by their UTF-8 bytes). */
  List<Map.Entry<List<String>, File>> filesInOrder() {
    Comparator<String> utf8 = Comparator.comparing(UTF8String::fromString);
    List<Map.Entry<List<String>, File>> out = new ArrayList<>(files.entrySet());
    out.sort(Comparator.comparing((Map.Entry<List<String>, File> e) -> e.getKey().get(0), utf8)
        .thenComparing(e -> e.getKey().get(1), utf8));
    return out;
  }

  /** As Spark's max of strings: by UTF-8 bytes, nulls ignored. */
  private static String maxOf(String a, String b) {
    if (a == null) return b;
    if (b == null) return a;
    return UTF8String.fromString(a)
        .compareTo(UTF8String.fromString(b)) >= 0 ? a : b;
  }
}
