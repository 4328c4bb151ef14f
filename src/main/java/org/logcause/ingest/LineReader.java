package org.logcause.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines ({@code \n}, with a trailing {@code \r} dropped) without ever holding more
 * than {@code maxLineBytes} of one line: a longer line is reported with its length and first bytes only.
 * Lines are decoded as UTF-8; invalid bytes become U+FFFD and the line is flagged, never dropped.
 */
final class LineReader {
  /** One line: its text (the first bytes of an over-long line), its length in bytes, and what was wrong. */
  record Line(String text, long bytes, boolean tooLong, boolean invalidUtf8) {}

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private byte[] line = new byte[1024];
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private long bytesRead;
  private boolean endedMidLine;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  long bytesRead() {
    return bytesRead;
  }

  /** True once the stream has ended inside a line (the last line read had no newline). */
  boolean endedMidLine() {
    return endedMidLine;
  }

  /** Bytes of the stream consumed so far: the offset at which the next line starts. */
  long offset() {
    return bytesRead - (limit - pos);
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    int len = 0;
    long total = 0;
    boolean sawAny = false;
    while (true) {
      if (pos >= limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (!sawAny) {
            return null;
          }
          endedMidLine = true;
          return finish(len, total); // last line without a newline
        }
        bytesRead += limit;
      }
      sawAny = true;
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      int chunk = pos - start;
      total += chunk;
      int keep = Math.min(chunk, maxLineBytes - len);
      if (keep > 0) {
        ensure(len + keep);
        System.arraycopy(buf, start, line, len, keep);
        len += keep;
      }
      if (pos < limit) {
        pos++; // the newline
        return finish(len, total);
      }
    }
  }

  private Line finish(int len, long total) {
    boolean tooLong = total > maxLineBytes;
    if (!tooLong && len > 0 && line[len - 1] == '\r') {
      len--;
      total--;
    }
    if (tooLong) {
      len = Math.min(len, 1024);
    }
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      if (line[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new Line(new String(line, 0, len, StandardCharsets.ISO_8859_1), total, tooLong, false);
    }
    try {
      CharBuffer chars = strict.decode(ByteBuffer.wrap(line, 0, len));
      return new Line(chars.toString(), total, tooLong, false);
    } catch (CharacterCodingException e) {
      // The first bytes of a cut line may end inside a character: that is not invalid input.
      return new Line(new String(line, 0, len, StandardCharsets.UTF_8), total, tooLong, !tooLong);
    }
  }

  private void ensure(int size) {
    if (size > line.length) {
      byte[] bigger = new byte[Math.max(size, Math.min(line.length * 2, maxLineBytes))];
      System.arraycopy(line, 0, bigger, 0, line.length);
      line = bigger;
    }
  }
}
