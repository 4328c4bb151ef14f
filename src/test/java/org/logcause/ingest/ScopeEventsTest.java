package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.logcause.job.JobSpec;
import org.logcause.plan.RunPlan;

/** The plausible range of an unwindowed forensic run, from the events per day the reader counted (Spark-free). */
class ScopeEventsTest {
  private static final long DAY = 86_400_000_000L;

  private final ScopeEvents scope = new ScopeEvents(new ScopeEvents.Settings("run", new RunPlan.Forensic("forensic",
      null, null, 0, false), new JobSpec.Limits(null, null, "2d", "1d")));

  private static long micros(String day) {
    return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
  }

  private static ScopeEvents.DayCount day(String day, long events) {
    return new ScopeEvents.DayCount(day == null ? null : LocalDate.parse(day), events);
  }

  @Test
  void theBulkOfTheEventsLeavesOutAStrayLineDated1970Or2999() {
    ScopeEvents.Range r = scope.plausibleRange(List.of(day("1970-01-01", 1), day("2024-06-20", 900),
        day("2024-06-21", 300), day("2999-12-31", 1)));
    assertThat(r.from()).isEqualTo(micros("2024-06-20") - 2 * DAY);
    assertThat(r.to()).isEqualTo(micros("2024-06-22") + DAY);
    assertThat(r.basis()).isEqualTo("the bulk of the events");
  }

  @Test
  void aDayWithMoreThanOnePercentOfTheEventsIsInTheBulk() {
    ScopeEvents.Range r = scope.plausibleRange(List.of(day("2024-06-18", 30), day("2024-06-20", 900),
        day("2024-06-21", 70)));
    assertThat(r.from()).isEqualTo(micros("2024-06-18") - 2 * DAY);
    assertThat(r.to()).isEqualTo(micros("2024-06-22") + DAY);
  }

  @Test
  void linesOutsideAreCountedOnlyWhenADayReachesOutOfWhatIsWritten() {
    List<ScopeEvents.DayCount> days = List.of(day(null, 5), day("2024-06-20", 900), day("2024-06-21", 300));
    ScopeEvents.Range all = scope.plausibleRange(days);
    assertThat(ScopeEvents.allInside(days, scope.writtenRange(all))).isTrue();
    List<ScopeEvents.DayCount> stray = List.of(day("1970-01-01", 1), day("2024-06-20", 900), day("2024-06-21", 300));
    assertThat(ScopeEvents.allInside(stray, scope.writtenRange(scope.plausibleRange(stray)))).isFalse();
    assertThat(ScopeEvents.allInside(null, all)).isFalse();

    // a window, a night or a cutoff inside a day: that day reaches out of it
    ScopeEvents windowed = new ScopeEvents(new ScopeEvents.Settings("run", new RunPlan.Forensic("forensic",
        micros("2024-06-20") + DAY / 2, micros("2024-06-22"), 0, false), new JobSpec.Limits(null, null, "2d", "1d")));
    ScopeEvents.Range window = windowed.writtenRange(windowed.plausibleRange(days));
    assertThat(window.from()).isEqualTo(micros("2024-06-20") + DAY / 2);
    assertThat(window.to()).isEqualTo(micros("2024-06-22"));
    assertThat(ScopeEvents.allInside(days, window)).isFalse();
    assertThat(ScopeEvents.allInside(List.of(day("2024-06-21", 300)), window)).isTrue();
  }

  @Test
  void noEventsNoLimit() {
    ScopeEvents.Range r = scope.plausibleRange(List.of());
    assertThat(r.basis()).isEqualTo("no events");
    assertThat(r.to()).isEqualTo(Long.MAX_VALUE);
  }
}
