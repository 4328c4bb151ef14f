package org.logcause.signals.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyFinderTest {
  private final AnomalyFinder finder = new AnomalyFinder(AnomalyFinder.Settings.defaults());

  private static double[] noise(int n, double mean, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.max(0, Math.round(mean + r.nextGaussian() * Math.sqrt(mean)));
    }
    return v;
  }

  @Test
  void oneFailedRequestAMinuteBeforeAnOutageNeitherAlarmsNorDatesIt() {
    double[] base = new double[30]; // an error ratio that was flat zero
    double[] series = new double[40];
    series[5] = 0.014; // one failed request among seventy
    for (int i = 11; i < 30; i++) series[i] = 0.65; // the outage, six windows later
    RobustBaseline shares = RobustBaseline.of(base).withGaugeFloor(AnomalyFinder.Settings.defaults().shareFloor());
    List<AnomalyFinder.Anomaly> a = finder.find(series, shares, false);
    assertThat(a).singleElement().satisfies(x -> assertThat(x.onset()).isEqualTo(11));
    // without the floor, the flat baseline makes the one failure an alarm of its own
    assertThat(finder.find(series, RobustBaseline.of(base), false)).hasSize(2);
  }

  @Test
  void findsAStepAtItsFirstWindow() {
    double[] base = noise(100, 5, 1);
    double[] series = noise(80, 5, 2);
    for (int i = 40; i < 70; i++) series[i] += 30;
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), true);
    assertThat(a).hasSize(1);
    assertThat(a.get(0).onset()).isEqualTo(40);
    assertThat(a.get(0).end()).isEqualTo(69);
  }

  @Test
  void aLaterBurstNeverDatesItsOnsetIntoAnEarlierOne() {
    double[] base = new double[100]; // a signal that is zero in the baseline
    double[] series = new double[60];
    for (int i : new int[] {10, 11, 12, 20, 21, 22, 35, 36, 37}) series[i] = 6;
    for (int i = 13; i < 35; i++) series[i] = 1; // never back to zero: the CUSUM does not reset between bursts
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), true);
    assertThat(a).hasSizeGreaterThan(1);
    for (int k = 1; k < a.size(); k++) {
      assertThat(a.get(k).onset()).isGreaterThan(a.get(k - 1).end());
    }
  }

  @Test
  void aBlipsExcessDoesNotCarryOverTheQuietAfterItIntoTheNextOnset() {
    double[] base = new double[30]; // an error ratio that was flat zero
    double[] series = new double[40];
    series[5] = 0.06;
    series[6] = 0.26; // a two-window blip that clears on its own
    for (int i = 14; i < 30; i++) series[i] = 0.45; // the outage, seven quiet windows later
    RobustBaseline shares = RobustBaseline.of(base).withGaugeFloor(AnomalyFinder.Settings.defaults().shareFloor());
    List<AnomalyFinder.Anomaly> a = finder.find(series, shares, false);
    assertThat(a).hasSize(2);
    assertThat(a.get(1).onset()).isEqualTo(14); // not 7, right after the blip, where the blip's CUSUM had not decayed
  }

  @Test
  void aLoneSlowWindowMinutesBeforeALatencySpikeDoesNotDateIt() {
    Random r = new Random(11);
    double[] base = new double[60]; // a p95 of about 480 ms
    for (int i = 0; i < base.length; i++) base[i] = 480 + r.nextGaussian() * 40;
    double[] series = new double[40];
    for (int i = 0; i < series.length; i++) series[i] = 480 + r.nextGaussian() * 20;
    series[10] = 930; // one slow window, too short to be an anomaly of its own
    series[17] = 2100; // six healthy windows later, the spike
    series[18] = 810;
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), false);
    assertThat(a).singleElement().satisfies(x -> assertThat(x.onset()).isEqualTo(17));
    // a count is not measured when nothing happens: its sparse events before the alarm are its run-up
    double[] counts = new double[40];
    counts[10] = 1;
    counts[17] = 12;
    counts[18] = 9;
    assertThat(finder.find(counts, RobustBaseline.of(new double[60]), true))
        .singleElement().satisfies(x -> assertThat(x.onset()).isEqualTo(10));
  }

  @Test
  void datesASparseFaultFromItsUnbrokenRunNotFromWhenItPiledUp() {
    Random r = new Random(7);
    double[] base = new double[300];
    for (int i = 0; i < base.length; i++) base[i] = r.nextDouble() < 0.3 ? 1 : 0; // an error now and then
    double[] series = new double[120];
    for (int i = 0; i < 40; i++) series[i] = r.nextDouble() < 0.3 ? 1 : 0;
    for (int i = 40; i < 55; i++) series[i] = 1; // the fault: once per window, like the noise, but every window
    for (int i = 55; i < 120; i++) series[i] = 8;
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), true);
    assertThat(a).hasSize(1);
    assertThat(a.get(0).onset()).isBetween(38, 41);
    assertThat(AnomalyFinder.runUp(series, 55, 0.3, 0, 60)).isBetween(38, 41);
    double[] noise = new double[120];
    for (int i = 0; i < noise.length; i++) noise[i] = r.nextDouble() < 0.3 ? 1 : 0;
    assertThat(55 - AnomalyFinder.runUp(noise, 55, 0.3, 0, 60)).as("noise has no long dense run").isLessThan(4);
  }

  @Test
  void datesARampFromWhereItBeganNotWhereItCrossedTheThreshold() {
    double[] base = noise(100, 10, 3);
    double[] series = noise(80, 10, 4);
    for (int i = 30; i < 80; i++) series[i] += 2.0 * (i - 29); // +2 per window
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), true);
    assertThat(a).hasSize(1);
    int firstAlarm = 30 + 8; // the threshold is crossed several windows into the ramp
    assertThat(a.get(0).onset()).isLessThan(firstAlarm).isBetween(29, 34);
  }

  @Test
  void ignoresASingleModestSpikeButKeepsAHugeOne() {
    double[] base = noise(100, 5, 5);
    double[] modest = noise(60, 5, 6);
    modest[20] = 22;
    assertThat(finder.find(modest, RobustBaseline.of(base), true)).isEmpty();
    double[] huge = noise(60, 5, 6);
    huge[20] = 200;
    assertThat(finder.find(huge, RobustBaseline.of(base), true)).singleElement()
        .satisfies(x -> assertThat(x.onset()).isEqualTo(20));
  }

  @Test
  void periodicNoiseSeenInTheBaselineIsNotAnAnomaly() {
    // an error every 30 s in 10 s windows: 1, 0, 0, 1, 0, 0 ... and a nightly burst of 3 seen before
    double[] base = new double[120];
    double[] series = new double[120];
    for (int i = 0; i < 120; i++) {
      base[i] = i % 3 == 0 ? 1 : 0;
      series[i] = i % 3 == 0 ? 1 : 0;
    }
    base[50] = 3;
    series[70] = 3;
    assertThat(finder.find(series, RobustBaseline.of(base), true)).isEmpty();
  }

  @Test
  void aSignalNeverSeenInTheBaselineIsAnAnomalyFromItsFirstOccurrence() {
    double[] base = new double[60];
    double[] series = new double[60];
    series[33] = 1;
    List<AnomalyFinder.Anomaly> a = finder.find(series, RobustBaseline.of(base), true);
    assertThat(a).singleElement().satisfies(x -> {
      assertThat(x.onset()).isEqualTo(33);
      assertThat(x.newSignal()).isTrue();
    });
  }

  @Test
  void robustBaselineIgnoresOutliers() {
    RobustBaseline b = RobustBaseline.of(new double[] {10, 11, 9, 10, 12, 10, 500});
    assertThat(b.median()).isEqualTo(10);
    assertThat(b.mad()).isEqualTo(1);
    assertThat(b.score(20, false)).isGreaterThan(5);
  }
}
