package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.format.Formats;
import org.logcause.job.SourceSpec;

class FileIngestorTest {
  private static final String PG = """
      2024-06-20 14:01:15.902 UTC [5180] ERROR:  canceling statement due to statement timeout
      2024-06-20 14:01:15.902 UTC [5180] STATEMENT:  UPDATE orders
      \tSET status = 'paid'
      2024-06-20 14:03:40.001 UTC [5231] FATAL:  sorry, too many clients already
      """;

  private static List<IngestRecord> ingest(byte[] bytes, int maxLineBytes) {
    SourceSpec s = new SourceSpec("pg", "db", "h", "postgres", "x", "UTC", null, Map.of());
    FileIngestor ingestor = new FileIngestor(maxLineBytes, 0);
    List<IngestRecord> out = new ArrayList<>();
    ingestor.ingest("f.log", () -> new ByteArrayInputStream(bytes), Formats.create(s).newParser(2024))
        .forEachRemaining(out::add);
    return out;
  }

  private static IngestRecord.FileStats stats(List<IngestRecord> records) {
    return (IngestRecord.FileStats) records.get(records.size() - 1);
  }

  private static long eventLines(List<IngestRecord> records) {
    return records.stream().filter(r -> r instanceof IngestRecord.Event).mapToLong(r -> ((IngestRecord.Event) r).lineCount()).sum();
  }

  private static List<IngestRecord.Quarantined> quarantined(List<IngestRecord> records) {
    return records.stream().filter(r -> r instanceof IngestRecord.Quarantined).map(r -> (IngestRecord.Quarantined) r).toList();
  }

  @Test
  void accountsForEveryLineOfAMultiLineFile() {
    List<IngestRecord> out = ingest(PG.getBytes(StandardCharsets.UTF_8), 1 << 20);
    IngestRecord.FileStats st = stats(out);
    assertThat(st.linesRead()).isEqualTo(4);
    assertThat(st.events()).isEqualTo(2);
    assertThat(st.continuationLines()).isEqualTo(2);
    assertThat(eventLines(out)).isEqualTo(4);
    IngestRecord.Event first = (IngestRecord.Event) out.get(0);
    assertThat(first.line()).isEqualTo(1);
    assertThat(first.lineCount()).isEqualTo(3);
    assertThat(first.attributes()).containsEntry("statement", "UPDATE orders\nSET status = 'paid'");
  }

  @Test
  void readsGzipCrlfAndAMissingFinalNewline() throws IOException {
    String crlf = PG.strip().replace("\n", "\r\n");
    List<IngestRecord> out = ingest(gzip(crlf.getBytes(StandardCharsets.UTF_8)), 1 << 20);
    assertThat(stats(out).linesRead()).isEqualTo(4);
    assertThat(stats(out).error()).isNull();
    assertThat(((IngestRecord.Event) out.get(1)).message()).isEqualTo("sorry, too many clients already");
  }

  @Test
  void keepsEveryLineZlibCanRecoverFromATruncatedGzipAndNamesTheLoss() throws IOException {
    byte[] big = PG.repeat(2000).getBytes(StandardCharsets.UTF_8);
    byte[] gz = gzip(big);
    for (int cutAt : new int[] {gz.length / 3, gz.length / 2, gz.length - 9}) {
      byte[] cut = Arrays.copyOf(gz, cutAt);
      // What zlib can still give: decompress byte by byte until the stream breaks; its complete lines.
      java.io.ByteArrayOutputStream recoverable = new java.io.ByteArrayOutputStream();
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(cut))) {
        for (int b = in.read(); b >= 0; b = in.read()) recoverable.write(b);
      } catch (java.io.EOFException expected) {
        // the cut
      }
      String text = recoverable.toString(StandardCharsets.UTF_8);
      long complete = text.chars().filter(c -> c == '\n').count();
      boolean partial = !text.isEmpty() && !text.endsWith("\n");

      List<IngestRecord> out = ingest(cut, 1 << 20);
      IngestRecord.FileStats st = stats(out);
      assertThat(st.linesRead()).as("cut at %d", cutAt).isEqualTo(complete + (partial ? 1 : 0));
      assertThat(st.error()).startsWith("gzip stream damaged after").contains("EOFException", "what followed it is lost");
      assertThat(eventLines(out) + quarantined(out).size()).isEqualTo(st.linesRead());
      if (partial) {
        assertThat(quarantined(out)).last().satisfies(q -> {
          assertThat(q.reason()).startsWith("incomplete last line of a damaged gzip stream");
          assertThat(q.line()).isEqualTo(st.linesRead());
        });
      }
    }
  }

  /** Bad input is a file-level error; a parser that throws is a bug, and the bug is not hidden as bad input. */
  @Test
  void aParserThatThrowsFailsTheRunInsteadOfPassingForABadFile() {
    org.logcause.ingest.format.LineParser buggy = new org.logcause.ingest.format.LineParser() {
      @Override
      public org.logcause.ingest.format.Parsed parse(String line) {
        throw new IllegalStateException("a bug");
      }
    };
    var records = new FileIngestor(1 << 20, 0).ingest("f.log", () -> new ByteArrayInputStream("x\n".getBytes()), buggy);
    org.assertj.core.api.Assertions.assertThatThrownBy(records::hasNext).isInstanceOf(IllegalStateException.class)
        .hasMessage("a bug");
  }

  @Test
  void quarantinesAnOverlongLineWithoutLoadingIt() {
    String longLine = "2024-06-20 14:01:15.902 UTC [1] LOG:  " + "x".repeat(5000);
    String text = longLine + "\n" + PG;
    List<IngestRecord> out = ingest(text.getBytes(StandardCharsets.UTF_8), 2048);
    var q = quarantined(out);
    assertThat(q).hasSize(1);
    assertThat(q.get(0).reason()).isEqualTo("line of " + longLine.length() + " bytes exceeds limits.max_line_bytes (2048)");
    assertThat(q.get(0).raw()).hasSize(FileIngestor.RAW_CHARS);
    assertThat(stats(out).linesRead()).isEqualTo(5);
    assertThat(eventLines(out)).isEqualTo(4);
  }

  @Test
  void keepsInvalidUtf8AsReplacementCharactersAndCountsIt() {
    byte[] bad = "2024-06-20 14:03:40.001 UTC [5231] LOG:  caf\u00e9 \u0000".getBytes(StandardCharsets.UTF_8);
    byte[] withInvalid = new byte[bad.length + 2];
    System.arraycopy(bad, 0, withInvalid, 0, bad.length);
    withInvalid[bad.length] = (byte) 0xC3; // a truncated two-byte sequence
    withInvalid[bad.length + 1] = (byte) 0x28;
    List<IngestRecord> out = ingest(withInvalid, 1 << 20);
    assertThat(stats(out).invalidUtf8Lines()).isEqualTo(1);
    assertThat(((IngestRecord.Event) out.get(0)).message()).contains("caf\u00e9").contains("\uFFFD(");
  }

  @Test
  void quarantinesBinaryGarbageAndOrphanLinesWithReasons() {
    byte[] garbage = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0, 1, 2, 3, '\n', '\t', 'o', 'r', 'p', 'h', 'a', 'n', '\n'};
    List<IngestRecord> out = ingest(garbage, 1 << 20);
    assertThat(stats(out).linesRead()).isEqualTo(3);
    assertThat(quarantined(out)).extracting(IngestRecord.Quarantined::reason)
        .containsOnly("continuation line before the first event of the file");
    assertThat(quarantined(out)).extracting(IngestRecord.Quarantined::line).containsExactly(1L, 2L, 3L);
  }

  @Test
  void readsAnEmptyFileAsZeroLines() {
    List<IngestRecord> out = ingest(new byte[0], 1 << 20);
    assertThat(out).hasSize(1);
    assertThat(stats(out).linesRead()).isZero();
    assertThat(stats(out).error()).isNull();
  }

  @Test
  void transcodesUtf16WithByteOrderMark() {
    byte[] body = PG.getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[body.length + 2];
    withBom[0] = (byte) 0xFF;
    withBom[1] = (byte) 0xFE;
    System.arraycopy(body, 0, withBom, 2, body.length);
    List<IngestRecord> out = ingest(withBom, 1 << 20);
    assertThat(stats(out).events()).isEqualTo(2);
    assertThat(stats(out).quarantined()).isZero();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  private static List<IngestRecord> ingest(SourceSpec s, String text) {
    FileIngestor ingestor = new FileIngestor(1 << 20, 0);
    List<IngestRecord> out = new ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ingestor.ingest("c.log", () -> new ByteArrayInputStream(bytes), Formats.create(s).newParser(2024)).forEachRemaining(out::add);
    return out;
  }

  @Test
  void aRecordsPartialLinesBelongToTheEventItStartsAndAreQuarantinedWhenItNeverEnds() {
    SourceSpec cri = new SourceSpec("k", "api", "h", "json", "x", "UTC", null, Map.of("container", "cri"));
    String text = """
        2024-05-02T10:00:00.2Z stdout P {"ts":"2024-05-02T10:00:00.2Z",
        2024-05-02T10:00:00.2Z stdout P "level":"warn",
        2024-05-02T10:00:00.2Z stdout F "msg":"pool exhausted"}
        2024-05-02T10:00:01Z stdout F {"ts":"2024-05-02T10:00:01Z","msg":"ok"}
        not a CRI line
        2024-05-02T10:00:02Z stdout P {"ts":"2024-05-02T10:00:02Z","msg":"cut short""";
    List<IngestRecord> out = ingest(cri, text);
    IngestRecord.FileStats st = stats(out);
    assertThat(st.linesRead()).isEqualTo(6);
    assertThat(st.events()).isEqualTo(2);
    assertThat(eventLines(out) + st.quarantined()).isEqualTo(6);
    IngestRecord.Event first = (IngestRecord.Event) out.get(0);
    assertThat(first.line()).as("the event starts at its first partial line").isEqualTo(1);
    assertThat(first.lineCount()).isEqualTo(3);
    assertThat(first.message()).isEqualTo("pool exhausted");
    assertThat(quarantined(out)).extracting(IngestRecord.Quarantined::line).containsExactly(5L, 6L);
    assertThat(quarantined(out).get(1).reason()).startsWith("partial line: its record has no final part");
  }

  @Test
  void aSlowLogsBannerBelongsToTheEntryAfterIt() {
    SourceSpec slow = new SourceSpec("s", "db", "h", "mysql-slow", "x", "UTC", null, Map.of());
    String text = """
        # Time: 2016-07-20T18:13:25.698433Z
        # User@Host: root[root] @ localhost [127.0.0.1]  Id:     3
        # Query_time: 2.003464  Lock_time: 0.000324 Rows_sent: 1  Rows_examined: 2
        SELECT 1;
        /usr/sbin/mysqld, Version: 5.7.12-log (Ubuntu). started with:
        Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
        Time                 Id Command    Argument
        # Time: 2016-07-20T18:20:00Z
        # User@Host: root[root] @ localhost [127.0.0.1]  Id:     4
        # Query_time: 1.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 2
        SELECT 2;
        """;
    List<IngestRecord> out = ingest(slow, text);
    IngestRecord.FileStats st = stats(out);
    assertThat(st.linesRead()).isEqualTo(11);
    assertThat(st.quarantined()).isZero();
    IngestRecord.Event second = (IngestRecord.Event) out.get(1);
    assertThat(second.line()).isEqualTo(5);
    assertThat(second.lineCount()).isEqualTo(7);
    assertThat(second.message()).isEqualTo("duration: 1500.000 ms  statement: SELECT 2;");
    assertThat(((IngestRecord.Event) out.get(0)).lineCount()).isEqualTo(4);
  }

  @Test
  void aSlowLogEntryWithoutATimeIsQuarantinedWithItsReasonNotGivenToTheNextEntry() {
    SourceSpec slow = new SourceSpec("s", "db", "h", "mysql-slow", "x", "UTC", null, Map.of());
    String text = """
        # User@Host: meow[meow] @  [1.2.3.8]
        # Query_time: 0.000899  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0
        SELECT 1;
        # Time: 071015 21:45:10
        # User@Host: root[root] @ localhost []
        # Query_time: 2  Lock_time: 0  Rows_sent: 1  Rows_examined: 0
        select sleep(2) from n;
        /usr/sbin/mysqld, Version: 5.0.38-log. started with:
        """;
    List<IngestRecord> out = ingest(slow, text);
    assertThat(stats(out).linesRead()).isEqualTo(8);
    assertThat(quarantined(out)).extracting(IngestRecord.Quarantined::line).containsExactly(1L, 2L, 3L, 8L);
    assertThat(quarantined(out).get(0).reason()).startsWith("slow log entry without a time");
    assertThat(quarantined(out).get(3).reason()).startsWith("server banner with no entry after it");
    IngestRecord.Event dated = (IngestRecord.Event) out.stream().filter(r -> r instanceof IngestRecord.Event).findFirst().orElseThrow();
    assertThat(dated.line()).isEqualTo(4);
    assertThat(dated.lineCount()).isEqualTo(4);
  }
}
