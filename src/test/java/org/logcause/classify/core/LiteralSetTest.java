package org.logcause.classify.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiteralSetTest {

  @Test
  void findsWhatContainsFindsOnRandomTextsAndLiterals() {
    // A small alphabet makes literals overlap, repeat, share their first two characters and collide in buckets.
    String alphabet = "abc :_Ié\u00e9";
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      List<String> literals = new ArrayList<>();
      int count = random.nextInt(12);
      for (int i = 0; i < count; i++) {
        literals.add(randomText(random, alphabet, random.nextInt(5)));
      }
      LiteralSet set = new LiteralSet(literals);
      for (int t = 0; t < 10; t++) {
        String text = randomText(random, alphabet, random.nextInt(40));
        long[] found = set.find(text);
        assertThat(set.containsAnyOf(text)).as("any of %s in \"%s\"", literals, text)
            .isEqualTo(literals.stream().anyMatch(text::contains));
        for (int i = 0; i < literals.size(); i++) {
          assertThat(LiteralSet.contains(found, i))
              .as("\"%s\" in \"%s\"", literals.get(i), text)
              .isEqualTo(text.contains(literals.get(i)));
        }
      }
    }
  }

  @Test
  void moreThanSixtyFourLiteralsAndAnyOfAGroup() {
    List<String> literals = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      literals.add("w" + i + ";");
    }
    LiteralSet set = new LiteralSet(literals);
    long[] found = set.find("x w7; y w149; z w70");
    assertThat(LiteralSet.contains(found, 7)).isTrue();
    assertThat(LiteralSet.contains(found, 149)).isTrue();
    assertThat(LiteralSet.contains(found, 70)).isFalse(); // no ';' after it
    assertThat(LiteralSet.containsAny(found, new int[] {3, 70, 149})).isTrue();
    assertThat(LiteralSet.containsAny(found, new int[] {3, 70, 100})).isFalse();
    assertThat(set.find("")).hasSize(3);
  }

  private static String randomText(Random random, String alphabet, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
