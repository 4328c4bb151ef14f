package org.logcause.signals.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FirstChangeTest {
  private static final AnomalyFinder.Settings S = AnomalyFinder.Settings.defaults();

  /** A noisy but steady count: 3, 5, 4, 6, 2, ... */
  private static double[] steady(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2 + (i * 7) % 5;
    }
    return v;
  }

  @Test
  void aLevelThatStaysIsAChangeAtItsFirstWindow() {
    double[] v = steady(40);
    for (int i = 22; i < 40; i++) {
      v[i] += 30;
    }
    assertThat(FirstChange.of(v, 6, 40, S, false)).isEqualTo(22);
    assertThat(FirstChange.of(v, 6, 22, S, false)).as("not searched past searchEnd").isEqualTo(-1);
  }

  @Test
  void aSingleBurstOrNoiseIsNoChange() {
    double[] v = steady(40);
    v[15] = 60;
    v[30] = 55;
    assertThat(FirstChange.of(v, 6, 40, S, false)).isEqualTo(-1);
    assertThat(FirstChange.of(steady(40), 6, 40, S, false)).isEqualTo(-1);
  }

  @Test
  void errorsFromNothingAreAChangeButRequestsFromNothingAreTheLoadStarting() {
    double[] v = new double[30];
    Arrays.fill(v, 12, 30, 20);
    assertThat(FirstChange.of(v, 6, 30, S, false)).isEqualTo(12);
    assertThat(FirstChange.of(v, 6, 30, S, true)).isEqualTo(-1);
  }

  @Test
  void aFewErrorsEveryWindowAfterNoneAtAllAreAChangeTooFewForTheMinimumExcess() {
    double[] v = new double[40];
    v[16] = 3; // a replica that cannot reach its primary: two errors a window for as long as the fault lasts
    Arrays.fill(v, 17, 40, 2);
    assertThat(FirstChange.of(v, 6, 40, S, false)).isEqualTo(16);
    double[] scattered = new double[40];
    scattered[10] = 2;
    scattered[20] = 2;
    scattered[21] = 1;
    scattered[33] = 2;
    assertThat(FirstChange.of(scattered, 6, 40, S, false)).as("scattered errors are no level").isEqualTo(-1);
  }

  @Test
  void requestsJudgedFromWhenTheLoadStartedSoItsRampIsNoChange() {
    double[] v = new double[40];
    double[] load = {1, 63, 63, 82, 65, 67, 65, 52, 54, 56, 63, 50, 62, 53, 48, 52, 46, 59, 56, 48};
    System.arraycopy(load, 0, v, 4, load.length);
    for (int i = 24; i < 40; i++) {
      v[i] = 55 + (i % 3);
    }
    assertThat(FirstChange.of(v, 6, 40, S, true)).isEqualTo(-1);
    for (int i = 30; i < 40; i++) {
      v[i] = 240; // then a surge that stays
    }
    assertThat(FirstChange.of(v, 6, 40, S, true)).isEqualTo(30);
  }

  @Test
  void aChangeBeforeTheBaselineHasItsMinimumLengthIsNotJudged() {
    double[] v = steady(30);
    for (int i = 3; i < 30; i++) {
      v[i] += 40;
    }
    assertThat(FirstChange.of(v, 6, 30, S, false)).isEqualTo(-1);
  }
}
