package org.logcause.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
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

  private final int maxLineBytes;
  private final long offsetMicros;

  public FileIngestor(int maxLineBytes, long offsetMicros) {
    this.maxLineBytes = maxLineBytes;
    this.offsetMicros = offsetMicros;
  }

  public Iterator<IngestRecord> ingest(String file, Opener opener, LineParser parser) {
    return new Run(file, opener, parser);
  }

  private final class Run implements Iterator<IngestRecord> {
    private final String file;
    private final Opener opener;
    private final LineParser parser;
    private final ArrayDeque<IngestRecord> ready = new ArrayDeque<>();
    private LineReader reader;
    private InputStream stream;
    private boolean done;
    private String error;

    private ParsedEvent open;
    private long openLine;
    private int openCount;

    private long lineNo;
    private long events;
    private long continuations;
    private long quarantined;
    private long invalidUtf8;

    Run(String file, Opener opener, LineParser parser) {
      this.file = file;
      this.opener = opener;
      this.parser = parser;
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
        if (reader == null) {
          stream = decode(opener.open());
          reader = new LineReader(stream, maxLineBytes);
        }
        LineReader.Line line = reader.next();
        if (line == null) {
          finish();
          return;
        }
        lineNo++;
        accept(line);
      } catch (IOException | RuntimeException e) {
        // A truncated or corrupt file: keep everything read so far, name the failure, go on with other files.
        error =
            (reader == null ? "cannot open: " : "read failed after line " + lineNo + ": ")
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        finish();
      }
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
      if (parsed instanceof Parsed.Start start) {
        emitOpen();
        open = start.event();
        openLine = lineNo;
        openCount = 1;
      } else if (parsed instanceof Parsed.Continuation) {
        openCount++;
        continuations++;
      } else if (parsed instanceof Parsed.Rejected rejected) {
        quarantine(line.text(), rejected.reason());
      }
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
      emitOpen();
      done = true;
      long bytes = reader == null ? 0 : reader.bytesRead();
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          if (error == null) {
            error = "close failed: " + e.getMessage();
          }
        }
      }
      ready.add(new IngestRecord.FileStats(file, lineNo, bytes, events, continuations, quarantined, invalidUtf8, error));
    }
  }

  /** Unwraps gzip and transcodes UTF-16 (by BOM) to UTF-8; drops a UTF-8 BOM. */
  static InputStream decode(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    in.mark(4);
    int b0 = in.read();
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return decode(new GZIPInputStream(in, 64 * 1024));
    }
    if (b0 == 0xFF && b1 == 0xFE || b0 == 0xFE && b1 == 0xFF) {
      Charset utf16 = b0 == 0xFF ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
      in.skip(2);
      return ReaderInputStream.builder()
          .setReader(new InputStreamReader(in, utf16))
          .setCharset(StandardCharsets.UTF_8)
          .get();
    }
    if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
      in.skip(3);
    }
    return in;
  }
}
