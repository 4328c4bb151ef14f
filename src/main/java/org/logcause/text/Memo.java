package org.logcause.text;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The results of a pure function of a string, remembered for the strings that come back: an access log's request
 * lines, status words and user agents, or an application's messages, repeat thousands of times in a file, and masking
 * them again costs more than a lookup. One per task (not thread-safe). Bounded: it forgets everything when full, and
 * stops remembering for good when its first {@value #PROBE} lookups found fewer than one in {@value #MIN_HIT_PERCENT}
 * percent already known (a statement log, where nearly every message differs). The function's answer is the same
 * either way; only its cost changes.
 */
public final class Memo<V> {
  static final int PROBE = 4096;
  static final int MIN_HIT_PERCENT = 20;

  private final Map<String, V> known = new HashMap<>();
  private final int capacity;
  private final int maxKeyChars;
  private int lookups;
  private int hits;
  private boolean off;

  /** At most {@code capacity} strings of at most {@code maxKeyChars} characters each (longer ones are not kept). */
  public Memo(int capacity, int maxKeyChars) {
    this.capacity = capacity;
    this.maxKeyChars = maxKeyChars;
  }

  public V get(String key, Function<String, V> function) {
    if (off || key.length() > maxKeyChars) {
      return function.apply(key);
    }
    V v = known.get(key);
    if (lookups < PROBE) {
      lookups++;
      if (v != null) hits++;
      if (lookups == PROBE && hits * 100L < (long) PROBE * MIN_HIT_PERCENT) {
        off = true;
        known.clear();
      }
    }
    if (v != null) {
      return v;
    }
    v = function.apply(key);
    if (!off) {
      if (known.size() >= capacity) known.clear();
      known.put(key, v);
    }
    return v;
  }

  /** Whether it stopped remembering (its first lookups rarely met a string twice). */
  public boolean off() {
    return off;
  }
}
