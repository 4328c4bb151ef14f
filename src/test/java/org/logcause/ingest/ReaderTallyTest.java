package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class ReaderTallyTest {
  private static final long DAY = 86_400_000_000L;

  @Test
  void aSplitFilesRangesAddUpAndTheGreatestErrorIsKept() {
    ReaderTally t = tally(
        file("app", "a.log", 10, 100, 8, 2, 0, 1, null, 3),
        file("app", "a.log", 5, 50, 4, 0, 1, 0, "b: cannot read", 0),
        file("app", "a.log", 1, 10, 1, 0, 0, 0, "a: truncated", 2));
    assertThat(t.files).hasSize(1);
    ReaderTally.File f = t.files.get(List.of("app", "a.log"));
    assertThat(f.counts).containsExactly(16, 160, 13, 2, 1, 1);
    assertThat(f.error).isEqualTo("b: cannot read");
    assertThat(f.maskedValues).isEqualTo(5);
  }

  @Test
  void eventsPerUtcDayWithTheirFirstAndLastTimeAndThoseNoRuleMatched() {
    long day1 = 20_000 * DAY;
    ReaderTally t = tally(event(day1 + 5, "timeout"), event(day1 + DAY - 1, "unknown"), event(day1 + 7, "unknown"),
        event(day1 + DAY, "restart"), event(null, "unknown"), event(-1L, null),
        row("template", "app", "a.log", null), row("template", "app", "a.log", null), row("quarantine", "app", "a.log", null));
    assertThat(t.days.keySet()).containsExactlyInAnyOrder(20_000L, 20_001L, -1L, null);
    ReaderTally.Day d = t.days.get(20_000L);
    assertThat(new long[] {d.events, d.unknown, d.fromMicros, d.toMicros})
        .containsExactly(3, 2, day1 + 5, day1 + DAY - 1);
    assertThat(t.days.get(-1L).events).as("before the epoch: the day before it, as to_date gives").isEqualTo(1);
    assertThat(t.days.get(null).events).isEqualTo(1);
    assertThat(t.days.get(null).unknown).isEqualTo(1);
    assertThat(t.templateRows).isEqualTo(2);
    assertThat(t.files).isEmpty();
  }

  @Test
  void mergedPartitionsGiveWhatOnePartitionGives() {
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(i % 3 == 0 ? file("s" + (i % 2), "f" + (i % 4), i, 2L * i, i / 2, 1, 0, i % 2, i % 5 == 0 ? "e" + i : null, 1)
          : i % 3 == 1 ? event(i * DAY / 7, i % 4 == 0 ? "unknown" : "timeout") : row("template", "s", "f", null));
    }
    ReaderTally whole = tally(rows.toArray(InternalRow[]::new));
    ReaderTally merged = tally(rows.subList(0, 17).toArray(InternalRow[]::new))
        .merge(tally(rows.subList(17, 40).toArray(InternalRow[]::new)))
        .merge(tally(rows.subList(40, 60).toArray(InternalRow[]::new)));
    assertThat(merged.templateRows).isEqualTo(whole.templateRows).isEqualTo(20);
    assertThat(merged.files.keySet()).isEqualTo(whole.files.keySet());
    whole.files.forEach((k, f) -> {
      assertThat(merged.files.get(k).counts).isEqualTo(f.counts);
      assertThat(merged.files.get(k).error).isEqualTo(f.error);
      assertThat(merged.files.get(k).maskedValues).isEqualTo(f.maskedValues);
    });
    assertThat(merged.days.keySet()).isEqualTo(whole.days.keySet());
    whole.days.forEach((k, d) -> assertThat(new long[] {merged.days.get(k).events, merged.days.get(k).unknown,
        merged.days.get(k).fromMicros, merged.days.get(k).toMicros}).containsExactly(d.events, d.unknown, d.fromMicros, d.toMicros));
  }

  @Test
  void filesAreOrderedAsSparkOrdersStringsByTheirUtf8Bytes() {
    // U+FF01 sorts after a surrogate pair in UTF-16 but before it in UTF-8 (EF BC 81 < F0 9F 98 80).
    ReaderTally t = tally(file("b", "x", 1, 1, 1, 0, 0, 0, null, 0), file("a", "\uD83D\uDE00.log", 1, 1, 1, 0, 0, 0, null, 0),
        file("a", "\uFF01.log", 1, 1, 1, 0, 0, 0, null, 0), file("B", "z", 1, 1, 1, 0, 0, 0, null, 0));
    assertThat(t.filesInOrder().stream().map(Map.Entry::getKey).toList()).containsExactly(
        List.of("B", "z"), List.of("a", "\uFF01.log"), List.of("a", "\uD83D\uDE00.log"), List.of("b", "x"));
  }

  private static ReaderTally tally(InternalRow... rows) {
    ReaderTally t = new ReaderTally();
    for (InternalRow r : rows) t.add(r);
    return t;
  }

  private static InternalRow file(String source, String file, long lines, long bytes, long events, long continuation,
      long quarantined, long invalidUtf8, String error, long masked) {
    Object[] v = values("file", source, file, null);
    long[] counts = {lines, bytes, events, continuation, quarantined, invalidUtf8};
    for (int i = 0; i < counts.length; i++) v[4 + i] = counts[i];
    v[10] = error == null ? null : UTF8String.fromString(error);
    v[11] = masked;
    return new GenericInternalRow(v);
  }

  private static InternalRow event(Long ts, String category) {
    Object[] v = values("event", "app", "a.log", ts);
    v[12] = category == null ? null : UTF8String.fromString(category);
    return new GenericInternalRow(v);
  }

  private static InternalRow row(String kind, String source, String file, Long ts) {
    return new GenericInternalRow(values(kind, source, file, ts));
  }

  private static Object[] values(String kind, String source, String file, Long ts) {
    Object[] v = new Object[ReaderTally.COLUMNS.size()];
    v[0] = UTF8String.fromString(kind);
    v[1] = UTF8String.fromString(source);
    v[2] = UTF8String.fromString(file);
    v[3] = ts;
    return v;
  }
}
