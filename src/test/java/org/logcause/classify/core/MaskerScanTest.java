package org.logcause.classify.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The template masker's scans decide exactly what the regexes they replace decided. */
class MaskerScanTest {
  @Test
  void theScansAgreeWithTheRegexesTheyReplace() {
    Pattern id = Pattern.compile("[A-Za-z_]*(?:<\\*>[A-Za-z_-]*)+");
    Pattern only = Pattern.compile("(?:<\\*>[-._]?)+");
    String[] pieces = {"<*>", "a", "Z", "_", "-", ".", "<", "*", ">", "1", "x_"};
    Random random = new Random(11);
    int ids = 0;
    int onlies = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(8); k >= 0; k--) b.append(pieces[random.nextInt(pieces.length)]);
      String t = b.toString();
      assertThat(Masker.idAroundWildcard(t)).as(t).isEqualTo(id.matcher(t).matches());
      assertThat(Masker.onlyWildcards(t)).as(t).isEqualTo(only.matcher(t).matches());
      if (Masker.idAroundWildcard(t)) ids++;
      if (Masker.onlyWildcards(t)) onlies++;
    }
    assertThat(ids).isGreaterThan(200);
    assertThat(onlies).isGreaterThan(100);
  }
}
