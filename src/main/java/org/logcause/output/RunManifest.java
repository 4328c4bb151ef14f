package org.logcause.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.logcause.ingest.FileStat;

/**
 * What a run did: its identity, per-file accounting, per-stage timings, and how it ended. Written as
 * {@code run_manifest.json} beside the tables and as the one-row Parquet table {@code run_manifest}. {@code plausibleFrom}
 * and {@code plausibleTo} bound the event times the run trusted (events outside are quarantined as
 * {@code implausible_time}); {@code skipped} names the glob matches that were not read.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunManifest(
    String runId,
    String mode,
    String job,
    String specHash,
    String codeVersion,
    String startedAt,
    String finishedAt,
    String status,
    int exitCode,
    String windowFrom,
    String windowTo,
    String baseline,
    long maskedValues,
    String plausibleFrom,
    String plausibleTo,
    List<SourceEntry> sources,
    List<FileEntry> files,
    List<SkippedEntry> skipped,
    List<StageEntry> stages) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** One input file: lines read, events, continuation lines, quarantined, and the file-level error if any. */
  public record FileEntry(String source, String file, long linesRead, long bytes, long events, long continuationLines,
      long quarantined, long invalidUtf8Lines, long outOfWindowLines, long implausibleTime, long maskedValues,
      boolean reconciled, String error) {
    public static FileEntry of(FileStat s) {
      return new FileEntry(s.source(), s.file(), s.linesRead(), s.bytes(), s.events(), s.continuationLines(),
          s.quarantined(), s.invalidUtf8Lines(), s.outOfWindowLines(), s.implausibleTimeLines(), s.maskedValues(),
          s.reconciled(), s.error());
    }
  }

  /** A glob match that was not read, and why (a folder, a dangling or looping link, unreadable, outside the spec). */
  public record SkippedEntry(String source, String path, String reason) {}

  /** One source: its files' counts added up. */
  public record SourceEntry(String source, int files, long linesRead, long events, long quarantined, long outOfWindowLines,
      long implausibleTime, long maskedValues, int fileErrors) {
    /** Per source, in the order of the files. */
    public static List<SourceEntry> of(List<FileStat> files) {
      java.util.Map<String, SourceEntry> by = new java.util.LinkedHashMap<>();
      for (FileStat f : files) {
        SourceEntry e = by.getOrDefault(f.source(), new SourceEntry(f.source(), 0, 0, 0, 0, 0, 0, 0, 0));
        by.put(f.source(), new SourceEntry(f.source(), e.files + 1, e.linesRead + f.linesRead(), e.events + f.events(),
            e.quarantined + f.quarantined(), e.outOfWindowLines + f.outOfWindowLines(),
            e.implausibleTime + f.implausibleTimeLines(), e.maskedValues + f.maskedValues(),
            e.fileErrors + (f.error() == null ? 0 : 1)));
      }
      return List.copyOf(by.values());
    }
  }

  /** One stage of the run: its name, the rows it produced, and how long it took. */
  public record StageEntry(String stage, long rows, double seconds) {}

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
