package org.logcause.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.logcause.signals.core.AnomalyFinder;

class DetectAnomaliesTest {
  private static List<double[]> step(int n, int at, double before, double after) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      points.add(new double[] {1000 + i, i < at ? before + (i % 3) : after});
    }
    return points;
  }

  private static List<Row> anomalies(List<Row> rows) {
    return rows.stream().filter(r -> r.getString(0).equals("anomaly")).toList();
  }

  @Test
  void scoresAgainstTheWindowsBeforeTheBaselineEnd() {
    List<Row> rows = DetectAnomalies.score("db\u0000category:timeout\u0000count", step(200, 150, 5, 60), null, 0,
        1000, 1199, 1100, AnomalyFinder.Settings.defaults());
    assertThat(anomalies(rows)).singleElement().satisfies(a -> {
      assertThat(a.getLong(7)).isEqualTo(1150L); // onset window
      assertThat(a.getDouble(5)).isEqualTo(6.0); // baseline median of 5,6,7,...
    });
    assertThat(rows.stream().filter(r -> r.getString(0).equals("signal"))).hasSize(200);
  }

  @Test
  void withAHistoryEveryWindowIsAnalysedAndMissingCountsAreZeros() {
    List<Double> history = List.of(1.0, 2.0, 1.0); // three windows with data out of 100: the rest were zeros
    List<double[]> series = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      series.add(new double[] {1000 + i, i >= 10 ? 40 : i == 4 ? 1 : 0}); // as sparse as the history, then a step
    }
    List<Row> rows = DetectAnomalies.score("db\u0000category:timeout\u0000count", series, history, 100,
        1000, 1049, 1000, AnomalyFinder.Settings.defaults());
    assertThat(anomalies(rows)).singleElement().satisfies(a -> {
      assertThat(a.getLong(7)).isEqualTo(1010L);
      assertThat(a.getDouble(5)).isEqualTo(0.0);
    });
  }

  /**
   * An access log that began after the data did (its server's logs start earlier): the windows before its first
   * request and the partial window of its first request are no baseline of the rate, so a steady load is no anomaly.
   */
  @Test
  void aRequestCountIsJudgedFromWhereItsLogBegins() {
    List<double[]> series = new ArrayList<>();
    series.add(new double[] {1004, 4}); // the log began a second before this window ended
    for (int i = 5; i < 60; i++) {
      series.add(new double[] {1000 + i, 120 + (i % 4) * 8}); // a steady 120-144 requests a window from then on
    }
    List<Row> rows = DetectAnomalies.score("lb\u0000requests\u0000count", series, null, 0, 1000, 1059, 1006,
        AnomalyFinder.Settings.defaults());
    assertThat(anomalies(rows)).isEmpty();
    assertThat(rows.get(0).getDouble(5)).isEqualTo(128.0); // the baseline: the one full window, not the zeros before

    // the same counts of an error category are an anomaly: before its first occurrence an error count was zero
    List<Row> errors = DetectAnomalies.score("lb\u0000category:server_error\u0000count", series, null, 0, 1000, 1059,
        1006, AnomalyFinder.Settings.defaults());
    assertThat(anomalies(errors)).isNotEmpty();
  }

  @Test
  void aRequestCountWithNoRequestInTheBaselineIsStillJudgedAgainstItsZeros() {
    assertThat(DetectAnomalies.trafficStart("requests", new double[] {0, 0, 0, 5, 6}, 3)).isZero();
    assertThat(DetectAnomalies.trafficStart("requests", new double[] {0, 2, 9, 9, 9}, 4)).isEqualTo(2);
    assertThat(DetectAnomalies.trafficStart("requests", new double[] {0, 0, 9, 9, 9}, 3)).isEqualTo(2);
    assertThat(DetectAnomalies.trafficStart("category:timeout", new double[] {0, 2, 9, 9, 9}, 4)).isZero();
  }
}
