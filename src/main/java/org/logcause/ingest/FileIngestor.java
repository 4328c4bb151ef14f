package org.logcause.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.commons.io.input.ReaderInputStream;
import org.logcause.ingest.format.LineParser;
import org.logcause.ingest.format.Parsed;
import org.logcause.ingest.format.ParsedEvent;

/**
 * Reads one file into events and quarantined lines, lazily and in order, accounting for every line. Gzip is
 * detected by its magic bytes, UTF-16 and UTF-8 by their byte-order marks. A file that fails part-way (a
 * truncated .gz) keeps what was read before the failure and reports the failure in its {@link
 * IngestRecord.FileStats}; it never stops the other files.
 */
public final class FileIngestor {
  static final int RAW_CHARS = 1024;

  /** Opens the file's raw bytes. */
  public interface Opener {
    InputStream open() throws IOException;
  }

  /** Opens the file's raw bytes from a byte position. */
  public interface RangeOpener {
    InputStream open(long position) throws IOException;
  }

  /**
   * A byte range of a plain (not compressed, no byte-order mark) file of a {@link LineParser#splittable()} format:
   * the events that start in {@code [start, end)}, where an event starts at the first line at or after
   * {@code start} that {@link LineParser#startsEvent} accepts. {@code linesBefore} is the number of lines that begin
   * before {@code start} (1 + the newlines in {@code [0, start - 1)}), so line numbers stay those of the whole file.
   */
  public record Range(long start, long end, long linesBefore) implements java.io.Serializable {
    public static final Range WHOLE = new Range(0, Long.MAX_VALUE, 0);

    boolean whole() {
      return start == 0 && end == Long.MAX_VALUE;
    }
  }

  private final int maxLineBytes;
  private final long offsetMicros;

  public FileIngestor(int maxLineBytes, long offsetMicros) {
    this.maxLineBytes = maxLineBytes;
    this.offsetMicros = offsetMicros;
  }

  public Iterator<IngestRecord> ingest(String file, Opener opener, LineParser parser) {
    return new Run(file, position -> opener.open(), parser, Range.WHOLE);
  }

  /**
   * One range of a file; the ranges of a file, each read with its own parser, yield exactly what the whole file
   * yields (their {@link IngestRecord.FileStats} add up to the file's).
   */
  public Iterator<IngestRecord> ingest(String file, RangeOpener opener, LineParser parser, Range range) {
    return new Run(file, opener, parser, range);
  }

  private final class Run implements Iterator<IngestRecord> {
    private final String file;
    private final RangeOpener opener;
    private final LineParser parser;
    private final Range range;
    private long base; // the file offset of the stream's first byte
    private long firstOffset = -1; // the file offset of this range's first line
    private long endOffset = -1; // the file offset after this range's last line
    private long linesRead;
    private LineReader.Line pending; // the first line of a range, read while looking for it
    private long pendingAt;
    private final ArrayDeque<IngestRecord> ready = new ArrayDeque<>();
    private LineReader reader;
    private InputStream stream;
    private final Damage damage = new Damage();
    private boolean done;
    private String error;

    private ParsedEvent open;
    private long openLine;
    private int openCount;
    private final List<Map.Entry<Long, String>> partial = new ArrayList<>(); // Pending lines

    private long lineNo;
    private long events;
    private long continuations;
    private long quarantined;
    private long invalidUtf8;

    Run(String file, RangeOpener opener, LineParser parser, Range range) {
      this.file = file;
      this.opener = opener;
      this.parser = parser;
      this.range = range;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !done) {
        step();
      }
      return !ready.isEmpty();
    }

    @Override
    public IngestRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void step() {
      try {
        if (reader == null && !open()) {
          finish();
          return;
        }
        long at;
        LineReader.Line line;
        if (pending != null) {
          at = pendingAt;
          line = pending;
          pending = null;
        } else {
          at = base + reader.offset();
          line = reader.next();
        }
        if (line == null || at >= range.end() && startsEvent(line)) {
          endOffset = at;
          finish();
          return;
        }
        if (firstOffset < 0) {
          firstOffset = at;
        }
        lineNo++;
        linesRead++;
        if (damage.failure != null && reader.endedMidLine()) {
          // The line the damage cut: what is left of it is not the line the server wrote.
          quarantine(line.text(), "incomplete last line of a damaged gzip stream (" + damage.failure + ")");
          return;
        }
        accept(line);
      } catch (IOException | java.io.UncheckedIOException e) {
        // A truncated or corrupt file, or one that cannot be read: keep everything read so far, name the failure, go
        // on with other files. Anything else is a bug (a parser must turn bad input into a rejection, never throw):
        // it fails the run, with its stack trace, rather than pass for bad input.
        error =
            (reader == null ? "cannot open: " : "read failed after line " + lineNo + ": ")
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        finish();
      }
    }

    /**
     * Opens the stream; for a range after the first, positions it at the range's first event: the partial line
     * before {@code start} and the lines up to the first that starts an event belong to the range before. False
     * when the range holds no event start.
     */
    private boolean open() throws IOException {
      if (range.start() == 0) {
        stream = range.whole() ? decode(opener.open(0), damage) : new BufferedInputStream(opener.open(0), 64 * 1024);
        reader = new LineReader(stream, maxLineBytes);
        return true;
      }
      base = range.start() - 1;
      stream = opener.open(base);
      reader = new LineReader(stream, maxLineBytes);
      reader.next(); // ends at the first newline at or after start - 1: the lines after it start at or after start
      lineNo = range.linesBefore();
      while (true) {
        long at = base + reader.offset();
        if (at >= range.end()) {
          return false;
        }
        LineReader.Line line = reader.next();
        if (line == null) {
          return false;
        }
        if (startsEvent(line)) {
          pending = line;
          pendingAt = at;
          return true;
        }
        lineNo++;
      }
    }

    private boolean startsEvent(LineReader.Line line) {
      return !line.tooLong() && parser.startsEvent(line.text());
    }

    private void accept(LineReader.Line line) {
      if (line.invalidUtf8()) {
        invalidUtf8++;
      }
      if (line.tooLong()) {
        quarantine(line.text(), "line of " + line.bytes() + " bytes exceeds limits.max_line_bytes (" + maxLineBytes + ")");
        return;
      }
      Parsed parsed = parser.parse(line.text());
      if (parsed instanceof Parsed.Pending pending) {
        if (pending.dropWaiting() != null) {
          quarantinePartial(pending.dropWaiting());
        }
        partial.add(Map.entry(lineNo, line.text()));
      } else if (parsed instanceof Parsed.Start start) {
        if (start.dropWaiting() != null) {
          quarantinePartial(start.dropWaiting());
        }
        emitOpen();
        open = start.event();
        openLine = partial.isEmpty() ? lineNo : partial.get(0).getKey();
        openCount = 1 + partial.size();
        continuations += partial.size();
        partial.clear();
      } else if (parsed instanceof Parsed.Continuation) {
        openCount += 1 + partial.size();
        continuations += 1 + partial.size();
        partial.clear();
      } else if (parsed instanceof Parsed.Rejected rejected) {
        quarantinePartial("partial line: the rest of its record was rejected: " + rejected.reason());
        quarantine(line.text(), rejected.reason());
      }
    }

    /** The partial lines of a record that did not become part of an event, each with its own line number. */
    private void quarantinePartial(String reason) {
      long at = lineNo;
      for (Map.Entry<Long, String> p : partial) {
        lineNo = p.getKey();
        quarantine(p.getValue(), reason);
      }
      lineNo = at;
      partial.clear();
    }

    private void quarantine(String text, String reason) {
      quarantined++;
      String raw = text.length() > RAW_CHARS ? text.substring(0, RAW_CHARS) : text;
      ready.add(new IngestRecord.Quarantined(file, lineNo, raw, reason));
    }

    private void emitOpen() {
      if (open == null) {
        return;
      }
      events++;
      if (open.truncated()) {
        open.put("truncated", "true");
      }
      ready.add(
          new IngestRecord.Event(
              file, openLine, openCount, open.tsMicros() + offsetMicros, open.level(), open.message(), open.host(),
              open.attributes()));
      open = null;
    }

    private void finish() {
      quarantinePartial(parser.waitingAtEnd());
      emitOpen();
      done = true;
      if (damage.failure != null && error == null) {
        error = String.format(java.util.Locale.ROOT, "gzip stream damaged after %,d decompressed bytes (%s): the %,d lines "
            + "before the damage were read, what followed it is lost", damage.decompressed, damage.failure, linesRead);
      }
      long bytes;
      if (range.whole()) {
        bytes = reader == null ? 0 : reader.bytesRead();
      } else {
        // The bytes of this range's lines: the ranges of a file add up to its size.
        long end = endOffset >= 0 ? endOffset : reader == null ? 0 : base + reader.offset();
        bytes = firstOffset < 0 ? 0 : end - firstOffset;
      }
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          if (error == null) {
            error = "close failed: " + e.getMessage();
          }
        }
      }
      ready.add(new IngestRecord.FileStats(file, linesRead, bytes, events, continuations, quarantined, invalidUtf8, error));
    }
  }

  /**
   * Whether a file whose first three bytes are these is read byte for byte by {@link #decode} (no gzip, no
   * byte-order mark): the files that can be read in {@link Range}s.
   */
  static boolean plain(int b0, int b1, int b2) {
    return !isGzip(b0, b1) && !isUtf16Bom(b0, b1) && !isUtf8Bom(b0, b1, b2);
  }

  private static boolean isGzip(int b0, int b1) {
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static boolean isUtf16Bom(int b0, int b1) {
    return b0 == 0xFF && b1 == 0xFE || b0 == 0xFE && b1 == 0xFF;
  }

  private static boolean isUtf8Bom(int b0, int b1, int b2) {
    return b0 == 0xEF && b1 == 0xBB && b2 == 0xBF;
  }

  /** Where a gzip stream broke (truncated or corrupt), and how much it had given until then. */
  static final class Damage {
    String failure;
    long decompressed;
  }

  /**
   * A gzip stream that ends where it breaks: every byte zlib could still decompress is returned, then end of stream,
   * and the failure is kept in {@link Damage} (a truncated .gz keeps every complete line before the cut).
   */
  private static final class Salvaging extends java.io.FilterInputStream {
    private final Damage damage;

    Salvaging(InputStream gzip, Damage damage) {
      super(gzip);
      this.damage = damage;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (damage.failure != null) return -1;
      try {
        int n = super.read(b, off, len);
        if (n > 0) damage.decompressed += n;
        return n;
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        damage.failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return -1;
      }
    }
  }

  /** Unwraps gzip (salvaging a damaged stream) and transcodes UTF-16 (by BOM) to UTF-8; drops a UTF-8 BOM. */
  static InputStream decode(InputStream raw) throws IOException {
    return decode(raw, new Damage());
  }

  static InputStream decode(InputStream raw, Damage damage) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    in.mark(4);
    int b0 = in.read();
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (isGzip(b0, b1)) {
      return decode(new Salvaging(new GZIPInputStream(in, 64 * 1024), damage), damage);
    }
    if (isUtf16Bom(b0, b1)) {
      Charset utf16 = b0 == 0xFF ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
      in.skip(2);
      return ReaderInputStream.builder()
          .setReader(new InputStreamReader(in, utf16))
          .setCharset(StandardCharsets.UTF_8)
          .get();
    }
    if (isUtf8Bom(b0, b1, b2)) {
      in.skip(3);
    }
    return in;
  }
}
