package org.logcause.signals.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.logcause.job.Detection;

class UserImpactTest {
  private static final UserImpact.Settings LINE = UserImpact.Settings.of(Detection.defaults().impact(), 10);

  /** An edge serving 100 requests a window, all served (benign), p95 500 ms, over windows 0..59. */
  private static UserImpact healthyEdge(UserImpact.Settings line) {
    UserImpact impact = new UserImpact(line, 20);
    for (long w = 0; w < 60; w++) {
      window(impact, "web", w, 100, 100, 0, 0, 500);
    }
    return impact;
  }

  private static void window(UserImpact impact, String component, long w, double requests, double benign, double notFound,
      double refused, double p95) {
    impact.add(component, "requests", w, requests, 100);
    impact.addAccessLines(component, w, "benign", (long) benign);
    impact.addAccessLines(component, w, "client_error", (long) notFound);
    impact.addAccessLines(component, w, "auth_failure", (long) refused);
    impact.addAccessLines(component, w, "server_error", (long) (requests - benign - notFound - refused));
    impact.add(component, "latency_p95_ms", w, p95, 500);
  }

  @Test
  void aHealthyEdgeWasNotHurt() {
    UserImpact impact = healthyEdge(LINE);
    assertThat(impact.judges()).isTrue();
    assertThat(impact.hurt(30, 40)).isFalse();
  }

  @Test
  void serverSideFailuresInTwoOfThreeWindowsHurt() {
    UserImpact impact = healthyEdge(LINE);
    window(impact, "web", 31, 100, 94, 0, 0, 500); // 6% failed (5xx)
    window(impact, "web", 33, 100, 93, 0, 0, 500); // 7%, one window between
    assertThat(impact.hurt(30, 40)).isTrue();
    assertThat(impact.hurt(30, 32)).as("one bad window inside the incident").isFalse();
  }

  @Test
  void failuresBelowTheShareOrNoWorseThanBeforeDoNotHurt() {
    UserImpact small = healthyEdge(LINE);
    window(small, "web", 31, 100, 96, 0, 0, 500); // 4%
    window(small, "web", 32, 100, 96, 0, 0, 500);
    assertThat(small.hurt(30, 40)).isFalse();

    UserImpact alwaysFailing = new UserImpact(LINE, 20);
    UserImpact worse = new UserImpact(LINE, 20);
    for (long w = 0; w < 60; w++) {
      // 6% failed all along (the baseline's own share); then 15% in windows 31-32, less than three times 6%
      window(alwaysFailing, "web", w, 100, w == 31 || w == 32 ? 85 : 94, 0, 0, 500);
      window(worse, "web", w, 100, w == 33 || w == 34 ? 80 : 94, 0, 0, 500); // 20%: three times and more
    }
    assertThat(alwaysFailing.hurt(30, 40)).isFalse();
    assertThat(worse.hurt(30, 40)).isTrue();
  }

  @Test
  void latencyMustBeBothManyTimesAndWellAboveTheBaseline() {
    UserImpact doubled = healthyEdge(LINE);
    window(doubled, "web", 31, 100, 100, 0, 0, 1_000); // twice the baseline: slower, not an outage
    window(doubled, "web", 32, 100, 100, 0, 0, 1_100);
    assertThat(doubled.hurt(30, 40)).isFalse();

    UserImpact slow = healthyEdge(LINE);
    window(slow, "web", 31, 100, 100, 0, 0, 1_300); // 2.6 times and 800 ms above
    window(slow, "web", 32, 100, 100, 0, 0, 1_500);
    assertThat(slow.hurt(30, 40)).isTrue();

    UserImpact fast = new UserImpact(LINE, 20); // a 20-ms service: 3 times as slow is still 60 ms
    for (long w = 0; w < 60; w++) {
      fast.add("web", "requests", w, 100, 100);
      fast.add("web", "latency_p95_ms", w, w == 31 || w == 32 ? 60 : 20, 20);
    }
    assertThat(fast.hurt(30, 40)).isFalse();
  }

  @Test
  void aScannersBurstBesideOneSlowWindowIsNoOutageButFourXxThatGoOnAre() {
    UserImpact scanner = healthyEdge(LINE);
    window(scanner, "web", 31, 107, 100, 7, 0, 500); // a burst of 404s from one address
    window(scanner, "web", 32, 100, 100, 0, 0, 1_400); // one slow window beside it
    assertThat(scanner.hurt(30, 40)).isFalse();

    UserImpact notFound = healthyEdge(LINE);
    for (long w = 31; w <= 36; w++) {
      window(notFound, "web", w, 100, 75, 25, 0, 300); // a quarter of the answers 404, fast
    }
    assertThat(notFound.hurt(30, 40)).isTrue();
  }

  @Test
  void failuresJudgedAgainstTheBaselineNotAgainstTheIncidentsOwnEarlierWindows() {
    UserImpact impact = healthyEdge(LINE);
    impact.addAccessLines("web", 3, "client_error", 8); // a scanner's burst in the baseline
    for (long w = 25; w < 60; w++) {
      window(impact, "web", w, 100, 60, 40, 0, 500); // 404s from window 25 on; the incident opens only at 50
    }
    assertThat(impact.hurt(50, 55)).isTrue();
    UserImpact fromHistory = new UserImpact(LINE, Long.MAX_VALUE); // another run's baseline: the windows before count
    for (long w = 0; w < 60; w++) {
      window(fromHistory, "web", w, 100, w < 25 ? 100 : 60, w < 25 ? 0 : 40, 0, 500);
    }
    assertThat(fromHistory.hurt(30, 40)).isTrue();
    assertThat(fromHistory.hurt(50, 55)).as("40%% failing all along before it").isFalse();
  }

  @Test
  void trafficTheEdgeNoLongerServesHurts() {
    UserImpact gone = new UserImpact(LINE, 20);
    for (long w = 0; w < 31; w++) {
      window(gone, "web", w, 100, 100, 0, 0, 500);
    }
    assertThat(gone.hurt(31, 40)).as("no access line at all after window 30").isTrue();
    UserImpact dipped = healthyEdge(LINE);
    window(dipped, "web", 32, 60, 60, 0, 0, 500); // 60% of the baseline's requests: fewer, still served
    window(dipped, "web", 33, 60, 60, 0, 0, 500);
    assertThat(dipped.hurt(30, 40)).isFalse();
  }

  @Test
  void theLineIsInTimeSoOneBadMinuteIsEnoughInWindowsOfAMinute() {
    UserImpact tenSeconds = healthyEdge(LINE);
    window(tenSeconds, "web", 31, 100, 60, 0, 0, 500);
    assertThat(tenSeconds.hurt(30, 40)).as("10 s of failures").isFalse();
    UserImpact minutes = healthyEdge(UserImpact.Settings.of(Detection.defaults().impact(), 60));
    window(minutes, "web", 31, 100, 60, 0, 0, 500);
    assertThat(minutes.hurt(30, 40)).as("a minute of failures").isTrue();
  }

  @Test
  void withoutAnAccessLogOrWhenNotRequiredEveryIncidentStands() {
    UserImpact noEdge = new UserImpact(LINE, 20);
    noEdge.add("db", "category:timeout", 31, 40, 0);
    noEdge.add("db", "latency_p95_ms", 31, 9_000, 10); // no request count: not an edge
    assertThat(noEdge.judges()).isFalse();
    assertThat(noEdge.hurt(30, 40)).isTrue();

    var off = new Detection.Impact(false, null, null, null, null, null, null, null, null);
    UserImpact notRequired = healthyEdge(UserImpact.Settings.of(off, 10));
    assertThat(notRequired.judges()).isFalse();
    assertThat(notRequired.hurt(30, 40)).isTrue();
  }

  @Test
  void anyEdgeComponentHurtIsEnough() {
    UserImpact impact = healthyEdge(LINE);
    for (long w = 0; w < 60; w++) {
      window(impact, "api-gw", w, 100, 100, 0, 0, 200);
    }
    window(impact, "api-gw", 35, 100, 90, 0, 0, 200);
    window(impact, "api-gw", 36, 100, 90, 0, 0, 200);
    assertThat(impact.hurt(30, 40)).isTrue();
    assertThat(impact.hurt(20, 34)).isFalse();
  }
}
