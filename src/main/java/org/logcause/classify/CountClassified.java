package org.logcause.classify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Classify stage. Classification itself is fused into the ingest pass (ReadSources applies {@link ClassifyEvents}
 * to every event as it is parsed: one pass over the lines instead of two, and no second copy of the events in
 * memory); this stage reports what it did: the events classified, and those no rule matched. The same pass reads the
 * events' time range, which the detect stage sizes its windows by. When a run analyses every event with a time (an
 * unwindowed forensic run), the reader's own aggregation has counted them already and the run skips this pass.
 */
public final class CountClassified {
  /** The category of an event no rule matched. */
  public static final String UNKNOWN = "unknown";

  /**
   * Events classified, and those that matched no rule (category {@code unknown}); the first and last event's time
   * (epoch microseconds, 0 when there is no event).
   */
  public record Counts(long events, long unknown, long fromMicros, long toMicros) {}

  public Counts apply(Dataset<Row> events) {
    events.sparkSession().sparkContext().setJobDescription("classify events");
    Row r = events.agg(count(lit(1)), count(when(col("category").equalTo(UNKNOWN), 1)), min(unix_micros(col("ts"))),
        max(unix_micros(col("ts")))).first();
    // one pass over the ingest cache for the counts and the range
    return new Counts(r.getLong(0), r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2), r.isNullAt(3) ? 0 : r.getLong(3));
  }
}
