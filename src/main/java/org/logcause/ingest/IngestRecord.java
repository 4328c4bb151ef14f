package org.logcause.ingest;

import java.util.Map;

/**
 * What the ingest of one file yields, in file order: events, quarantined lines, and finally the file's own
 * accounting. The Spark stage turns these into rows of {@link IngestSchema#RECORDS}.
 */
public sealed interface IngestRecord {
  String file();

  /** An event; {@code line} is its first line and {@code lineCount} includes its continuation lines. */
  record Event(String file, long line, int lineCount, long tsMicros, String level, String message, String host,
      Map<String, String> attributes) implements IngestRecord {}

  /** A line that could not be parsed, with the reason and its first characters. */
  record Quarantined(String file, long line, String raw, String reason) implements IngestRecord {}

  /**
   * The file's accounting. {@code linesRead} is counted by the reader, independently of the parser, so that
   * {@code linesRead == event lines + quarantined} is a real check. {@code error} names a file-level failure.
   */
  record FileStats(String file, long linesRead, long bytes, long events, long continuationLines, long quarantined,
      long invalidUtf8Lines, String error) implements IngestRecord {}
}
