package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunJobWindowTest {
  @Test
  void keepsTheConfiguredWindowForAnOrdinarySpanAndWidensItForYears() {
    long day = 86_400L * 1_000_000L;
    assertThat(RunJob.windowFor(10, day)).isEqualTo(10);
    assertThat(RunJob.windowFor(10, 30 * day)).isEqualTo(60);
    assertThat(RunJob.windowFor(10, 21L * 365 * day)).isEqualTo(3600);
  }
}
