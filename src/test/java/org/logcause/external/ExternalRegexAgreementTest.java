package org.logcause.external;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.logcause.text.BoundedRegexTest;

/**
 * Every built-in rule finds a match in the same real lines whichever engine runs it: java.util.regex on the rewritten
 * pattern, or RE2/J (see {@code BoundedRegex#find}). The first 150 lines of every sample under
 * ../shared/data/external (about 11,000 lines, a million comparisons: RE2/J's side takes tens of microseconds each).
 */
@Tag("external")
class ExternalRegexAgreementTest {
  @Test
  void everyRuleAgreesWithRe2OnTheExternalSamples() {
    List<String> patterns = BoundedRegexTest.builtInPatterns();
    Set<String> texts = new LinkedHashSet<>(BoundedRegexTest.TRICKY);
    texts.addAll(BoundedRegexTest.lines(ExternalAccuracyFloorsTest.external(), 150));
    org.assertj.core.api.Assertions.assertThat(texts).hasSizeGreaterThan(8_000);
    BoundedRegexTest.assertAgree(patterns, texts);
  }
}
