package org.logcause.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.Rules;
import org.logcause.text.Memo;

class ClassifyEventsTest {
  @Test
  void theMaskedMessagesATaskRemembersGiveTheSameColumns() {
    Rules rules = Rules.withOverrides(List.of());
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      messages.add("GET /api/products?page=" + (i % 7) + " 200");
      messages.add("duration: " + (i * 13.7) + " ms  statement: SELECT * FROM orders WHERE id = " + i);
      messages.add("canceling statement due to statement timeout");
      messages.add(null);
    }
    Memo<ClassifyEvents.Masked> memo = new Memo<>(ClassifyEvents.MASKS, ClassifyEvents.MASKED_CHARS);
    for (String m : messages) {
      Object[] plain = ClassifyEvents.columns(rules, "postgres", "db", "ERROR", m, Map.of());
      Object[] remembered = ClassifyEvents.columns(rules, "postgres", "db", "ERROR", m, Map.of(), memo);
      assertThat(Arrays.asList(remembered)).as(String.valueOf(m)).isEqualTo(Arrays.asList(plain));
    }
    assertThat(ClassifyEvents.columns(rules, "postgres", "db", "ERROR", "canceling statement due to statement timeout",
        Map.of(), memo)[0]).isEqualTo("timeout");
  }
}
