package org.logcause.ingest;

/**
 * The accounting of one input file, as the run manifest reports it. {@code reconciled} is true when the lines
 * the reader counted equal the lines found in the written events, plus the lines of events outside the run's window
 * (read and counted, not written), plus the lines the quarantine table holds (rejected lines, and events dated
 * outside the plausible range: {@code implausibleTimeLines}).
 */
public record FileStat(String source, String file, long linesRead, long bytes, long events, long continuationLines,
    long quarantined, long invalidUtf8Lines, String error, long maskedValues, long eventLinesWritten,
    long outOfWindowLines, long implausibleTimeLines, long quarantineLinesWritten) {

  /**
   * The same file with what the written tables hold for it, the lines of its events outside the run's window, and
   * those of its events dated outside the plausible range (quarantined).
   */
  public FileStat withWritten(long eventLines, long outOfWindow, long implausible, long quarantineLines) {
    return new FileStat(source, file, linesRead, bytes, events, continuationLines, quarantined, invalidUtf8Lines,
        error, maskedValues, eventLines, outOfWindow, implausible, quarantineLines);
  }

  public boolean reconciled() {
    return linesRead == eventLinesWritten + outOfWindowLines + quarantineLinesWritten;
  }
}
