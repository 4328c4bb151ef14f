package org.logcause.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code current.json}: the one file that says which run's tables an output folder holds. A run writes a complete
 * snapshot under {@code _runs/<snapshot>/} and then renames a new pointer over this file: that rename publishes the
 * run, all tables at once. Every path in it is relative to the output folder, so a folder can be moved or copied.
 *
 * @param logcausePointer the pointer format (1); a file without it is not logcause's and is never replaced
 * @param snapshot the folder of the published snapshot, e.g. {@code _runs/20261204T170102Z-forensic-3f2a}
 * @param runId the run that wrote it
 * @param mode {@code forensic}, {@code nightly} or {@code eval}
 * @param publishedAt when the pointer was renamed into place (UTC, ISO-8601)
 * @param tables per table, its partition column (or null) and the folders that hold its rows: the table folder
 *     itself, or one folder per partition (a nightly snapshot carries the other nights' partitions over; on a local
 *     disk as hard links inside the snapshot, elsewhere as references to the snapshot that wrote them)
 * @param files other files of the run (the manifest JSON, postmortem drafts, charts, nightly manifests): name → path
 * @param history the snapshots published in this folder, newest first (this one included); retention reads it
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Pointer(
    @JsonProperty("logcause_pointer") int logcausePointer,
    String snapshot,
    String runId,
    String mode,
    String publishedAt,
    Map<String, TableParts> tables,
    Map<String, String> files,
    List<String> history) {
  public static final int FORMAT = 1;

  public Pointer {
    tables = tables == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
    files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** Where one table's rows are: a partition column (null for none) and the folders holding its rows. */
  public record TableParts(String partition, List<String> parts) {
    public TableParts {
      parts = parts == null ? List.of() : List.copyOf(parts);
    }
  }

  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pointer in {@code text}, or null when the text is not a logcause pointer (someone else's file). */
  public static Pointer parse(String text) {
    try {
      Pointer p = JSON.readValue(text, Pointer.class);
      return p != null && p.logcausePointer() == FORMAT && p.snapshot() != null ? p : null;
    } catch (IOException e) {
      return null;
    }
  }
}
