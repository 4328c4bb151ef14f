package org.logcause.ingest;

/**
 * The accounting of one input file, as the run manifest reports it. {@code reconciled} is true when the lines
 * the reader counted equal the lines found in the written events, plus the lines of events outside the run's window
 * (read and counted, not written), plus the quarantined lines.
 */
public record FileStat(String source, String file, long linesRead, long bytes, long events, long continuationLines,
    long quarantined, long invalidUtf8Lines, String error, long maskedValues, long eventLinesWritten,
    long outOfWindowLines, long quarantineRowsWritten) {

  /** The same file with what the written tables hold for it, and the lines of its events outside the run's window. */
  public FileStat withWritten(long eventLines, long outOfWindow, long quarantineRows) {
    return new FileStat(source, file, linesRead, bytes, events, continuationLines, quarantined, invalidUtf8Lines,
        error, maskedValues, eventLines, outOfWindow, quarantineRows);
  }

  public boolean reconciled() {
    return linesRead == eventLinesWritten + outOfWindowLines + quarantineRowsWritten;
  }
}
