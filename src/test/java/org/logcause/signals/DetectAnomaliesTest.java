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
}
