package org.logcause.signals.core;

/**
 * Where a series first leaves, for good, everything before it: the change-point a forensic baseline must end
 * before. A short incident bundle often starts only minutes before the fault, so "the first 40% of the data" can
 * hold the fault's first minutes; scored against a baseline that saw them, the cause looks normal and the new
 * clients of a surge look known.
 *
 * <p>The test is sequential: window {@code i} is a change when, against the robust baseline of all windows before
 * it, it and at least two of the next three windows are anomalous by the detector's own rules: score, above the
 * baseline's maximum and, for counts, the minimum excess, or (as {@link AnomalyFinder} treats a count never seen in
 * its baseline) any count at all after a baseline of zeros. A single burst is not a change; a level that stays is:
 * a replica failing to reach its primary logs two errors a window, too few for the minimum excess, for as long as
 * the fault lasts.
 */
public final class FirstChange {
  private FirstChange() {}

  /**
   * @param values the series from the start of the data (zeros filled for counts)
   * @param minBaseline fewest windows a baseline needs before a change can be judged against it
   * @param searchEnd windows at or after this are not searched
   * @param needsActivity whether the series must have been active before: its baseline starts at its first non-zero
   *     window (a request rate rising from zero, then ramping up, is the load starting, not a change of it)
   * @return the first changed window, or -1
   */
  public static int of(double[] values, int minBaseline, int searchEnd, AnomalyFinder.Settings settings,
      boolean needsActivity) {
    int end = Math.min(searchEnd, values.length);
    int start = 0;
    if (needsActivity) { // the baseline starts where the series does, and it must not have stopped since
      while (start < values.length && values[start] <= 0) start++;
    }
    for (int i = start + Math.max(1, minBaseline); i < end; i++) {
      RobustBaseline b = RobustBaseline.of(java.util.Arrays.copyOfRange(values, start, i), settings.coldStartWindows());
      if (needsActivity && b.median() <= 0) {
        continue;
      }
      if (!hot(values[i], b, settings)) {
        continue;
      }
      int ahead = Math.min(3, values.length - 1 - i);
      int hot = 0;
      for (int k = i + 1; k <= i + ahead; k++) {
        if (hot(values[k], b, settings)) hot++;
      }
      if (ahead >= 2 && hot >= ahead - 1) {
        return i;
      }
    }
    return -1;
  }

  private static boolean hot(double v, RobustBaseline b, AnomalyFinder.Settings s) {
    boolean unseen = b.windows() >= s.coldStartWindows() && b.max() == 0 && v > 0;
    return unseen || (b.score(v, true) >= s.minScore() && v > b.max() && v - b.median() >= s.minExcess());
  }
}
