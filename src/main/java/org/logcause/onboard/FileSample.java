package org.logcause.onboard;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The first lines of a file, as {@code init} looks at them: gzip is recognised by its magic bytes, UTF-16 by its
 * byte-order mark, invalid UTF-8 becomes U+FFFD; a file with NUL bytes in its first kilobytes is binary.
 *
 * @param lines up to the number asked for, without line terminators
 * @param binary true when the file is not text (nothing else is read)
 * @param gzip true when the file is gzip-compressed
 */
public record FileSample(List<String> lines, boolean binary, boolean gzip) {
  /** Bytes read at most, whatever the number of lines: a file of one huge line must not be read whole. */
  private static final int MAX_BYTES = 1 << 20;

  public static FileSample read(Path file, int maxLines) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream in = gzip ? new GZIPInputStream(raw, 64 * 1024) : raw;
      byte[] head;
      try {
        head = in.readNBytes(MAX_BYTES);
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        head = new byte[0]; // a damaged gzip stream: ingest names it; init places the file by its name only
      }
      int probe = Math.min(head.length, 8192);
      Charset charset = StandardCharsets.UTF_8;
      int skip = 0;
      if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
        charset = StandardCharsets.UTF_16LE;
        skip = 2;
      } else if (head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
        charset = StandardCharsets.UTF_16BE;
        skip = 2;
      } else if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
        skip = 3;
      }
      if (skip == 0) {
        for (int i = 0; i < probe; i++) {
          if (head[i] == 0) {
            return new FileSample(List.of(), true, gzip);
          }
        }
      }
      String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(java.nio.ByteBuffer.wrap(head, skip, head.length - skip)).toString();
      List<String> lines = new ArrayList<>();
      int start = 0;
      while (lines.size() < maxLines && start < text.length()) {
        int nl = text.indexOf('\n', start);
        if (nl < 0) {
          if (head.length < MAX_BYTES) {
            lines.add(strip(text.substring(start)));
          }
          break;
        }
        lines.add(strip(text.substring(start, nl)));
        start = nl + 1;
      }
      return new FileSample(List.copyOf(lines), false, gzip);
    }
  }

  private static String strip(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
