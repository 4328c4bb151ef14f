package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.LineParser;
import org.logcause.job.SourceSpec;

/**
 * A file read in byte ranges, each with its own parser, yields exactly what the whole file yields: the same events
 * (line numbers, line counts, messages, attributes), the same quarantined lines, and file counts that add up. Every
 * range size from 1 byte to the whole file is tried, so every cut position is covered: inside a line, on a newline,
 * inside a multi-line event, on a blank line, on an over-long line.
 */
class FileRangesTest {
  private static final int MAX_LINE_BYTES = 200;

  static final String PG = """
      2024-06-20 14:01:15.902 UTC [5180] app@orders ERROR:  canceling statement due to statement timeout
      2024-06-20 14:01:15.902 UTC [5180] app@orders STATEMENT:  UPDATE orders
      \tSET status = 'paid'
      \tWHERE id = 7

      2024-06-20 14:03:40.001 UTC [5231] [unknown]@[unknown] FATAL:  sorry, too many clients already
      not a prefixed line, folded into the event before
      2024-06-20 14:03:40.500 UTC [5231] app@orders DETAIL:  a detail line
      garbage-time 14:03:41 UTC [1] LOG:  no
      %s
      2024-06-20 14:04:00.000 UTC [4101] LOG:  checkpoint starting: time
      2024-06-20 14:04:01.000 UTC [4101] LOG:  checkpoint complete: wrote 3 buffers (0.0%%); Grüße
      2024-06-20 14:04:02.000 UTC [4102] LOG:  last line without a newline""".formatted("x".repeat(300));

  static final String ACCESS = """
      203.0.113.10 - - [20/Jun/2024:14:03:10 +0000] "POST /api/orders HTTP/1.1" 504 160 "-" "m/5.2" 60.001

      203.0.113.11 - - [20/Jun/2024:14:03:13 +0000] "GET /api/orders/1 HTTP/1.1" 200 160 "-" "w/2.9" 0.010
      this is not an access log line
      %s
      203.0.113.12 - - [20/Jun/2024:14:03:14 +0000] "GET /api/orders/2?pw=1 HTTP/1.1" 200 160 "-" "w/2.9" 0.011


      203.0.113.13 - - [20/Jun/2024:14:03:15 +0000] "GET / HTTP/1.1" 301 0 "-" "curl/8" 0.001
      """.formatted("y".repeat(250));

  static final String JSON = """
      {"timestamp":"2024-06-20T14:03:40.300Z","level":"ERROR","message":"Connection is not available"}
      {"timestamp":"2024-06-20T14:03:41.300Z","level":"ERROR","message":"cut in the midd

      {"timestamp":"not a time","level":"INFO","message":"x"}
      {"timestamp":"2024-06-20T14:03:42.000Z","level":"WARN","message":"retrying","attempt":3}
      """;

  @Test
  void postgresRangesYieldTheWholeFile() {
    check(source("postgres", Map.of("log_line_prefix", "%m [%p] %q%u@%d ")), PG);
  }

  @Test
  void accessLogRangesYieldTheWholeFile() {
    check(source("access", Map.of()), ACCESS);
  }

  @Test
  void jsonLinesRangesYieldTheWholeFile() {
    check(source("json", Map.of()), JSON);
  }

  @Test
  void formatsWithStateAcrossLinesAreNotSplittable() {
    assertThat(Formats.create(source("postgres-csv", Map.of())).newParser(2024).splittable()).isFalse();
    assertThat(Formats.create(source("syslog", Map.of())).newParser(2024).splittable()).isFalse();
    assertThat(Formats.create(source("access", Map.of())).newParser(2024).splittable()).isTrue();
  }

  @Test
  void aContinuationIsNeverTakenForAnEventStart() {
    LineParser pg = Formats.create(source("postgres", Map.of("log_line_prefix", "%m [%p] %q%u@%d "))).newParser(2024);
    assertThat(pg.startsEvent("2024-06-20 14:01:15.902 UTC [5180] app@orders ERROR:  boom")).isTrue();
    assertThat(pg.startsEvent("2024-06-20 14:01:15.902 UTC [5180] app@orders STATEMENT:  SELECT 1")).isFalse();
    assertThat(pg.startsEvent("\tSET status = 'paid'")).isFalse();
    assertThat(pg.startsEvent("")).isFalse();
  }

  private static SourceSpec source(String format, Map<String, String> options) {
    return new SourceSpec("s", "c", "h", format, "x", "UTC", null, options);
  }

  private static void check(SourceSpec source, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<IngestRecord> whole = records(source, bytes, FileIngestor.Range.WHOLE);
    IngestRecord.FileStats total = (IngestRecord.FileStats) whole.remove(whole.size() - 1);
    assertThat(total.quarantined()).as("the sample exercises quarantine").isPositive();
    assertThat(total.continuationLines()).as("the sample exercises continuations").isPositive();
    for (int size = 1; size <= bytes.length; size++) {
      List<IngestRecord> joined = new ArrayList<>();
      long lines = 0;
      long byteCount = 0;
      long events = 0;
      long continuations = 0;
      long quarantined = 0;
      for (long start = 0; start < bytes.length; start += size) {
        long end = start + size >= bytes.length ? Long.MAX_VALUE : start + size;
        List<IngestRecord> part = records(source, bytes, new FileIngestor.Range(start, end, linesBefore(bytes, start)));
        IngestRecord.FileStats st = (IngestRecord.FileStats) part.remove(part.size() - 1);
        joined.addAll(part);
        lines += st.linesRead();
        byteCount += st.bytes();
        events += st.events();
        continuations += st.continuationLines();
        quarantined += st.quarantined();
      }
      // A range emits its last event when it ends, so only the order can differ: rows, not a stream.
      assertThat(joined).as("records with ranges of %d bytes", size).containsExactlyInAnyOrderElementsOf(whole);
      assertThat(new long[] {lines, byteCount, events, continuations, quarantined}).as("counts with ranges of %d bytes", size)
          .containsExactly(total.linesRead(), bytes.length, total.events(), total.continuationLines(), total.quarantined());
    }
  }

  /** The definition {@link FileIngestor.Range} gives: 1 + the newlines in [0, start - 1). */
  private static long linesBefore(byte[] bytes, long start) {
    if (start == 0) {
      return 0;
    }
    long n = 1;
    for (int i = 0; i < start - 1; i++) {
      if (bytes[i] == '\n') n++;
    }
    return n;
  }

  private static List<IngestRecord> records(SourceSpec source, byte[] bytes, FileIngestor.Range range) {
    List<IngestRecord> out = new ArrayList<>();
    FileIngestor ingestor = new FileIngestor(MAX_LINE_BYTES, 0);
    LineParser parser = Formats.create(source).newParser(2024);
    ingestor.ingest("f", position -> {
      InputStream in = new ByteArrayInputStream(bytes);
      in.skipNBytes(position);
      return in;
    }, parser, range).forEachRemaining(out::add);
    return out;
  }
}
