package org.logcause.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MemoTest {
  @Test
  void aRepeatedStringIsComputedOnceAndAnsweredTheSame() {
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> upper = s -> {
      calls.incrementAndGet();
      return s.toUpperCase(java.util.Locale.ROOT);
    };
    Memo<String> memo = new Memo<>(100, 20);
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answers.add(memo.get(i % 2 == 0 ? "get /cart 200" : "post /orders 201", upper));
    }
    assertThat(calls).hasValue(2);
    assertThat(answers).containsOnly("GET /CART 200", "POST /ORDERS 201").hasSize(1000);
    assertThat(memo.off()).isFalse();
  }

  @Test
  void longStringsAreNotKeptAndAFullMemoForgets() {
    AtomicInteger calls = new AtomicInteger();
    Function<String, Integer> length = s -> {
      calls.incrementAndGet();
      return s.length();
    };
    Memo<Integer> memo = new Memo<>(2, 5);
    assertThat(memo.get("longer than five", length)).isEqualTo(16);
    assertThat(memo.get("longer than five", length)).isEqualTo(16);
    assertThat(calls).hasValue(2); // too long to keep
    memo.get("a", length);
    memo.get("b", length);
    memo.get("c", length); // full: forgets a and b, keeps c
    memo.get("c", length);
    assertThat(calls).hasValue(5);
    assertThat(memo.get("a", length)).isEqualTo(1);
    assertThat(calls).hasValue(6);
  }

  @Test
  void itStopsRememberingWhenItsFirstLookupsRarelyRepeat() {
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> same = s -> {
      calls.incrementAndGet();
      return s;
    };
    Memo<String> distinct = new Memo<>(100_000, 100);
    for (int i = 0; i < Memo.PROBE; i++) {
      assertThat(distinct.get("statement " + i, same)).isEqualTo("statement " + i);
    }
    assertThat(distinct.off()).isTrue();
    calls.set(0);
    distinct.get("statement 1", same);
    distinct.get("statement 1", same);
    assertThat(calls).hasValue(2); // computed each time, with the same answer

    Memo<String> repeating = new Memo<>(100_000, 100);
    for (int i = 0; i < Memo.PROBE; i++) {
      repeating.get("request " + (i % 10), same);
    }
    assertThat(repeating.off()).isFalse();
  }
}
