package org.logcause.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.logcause.job.SpecException;
import org.logcause.plan.RunPlan;

/**
 * The earlier signals a run scores against, from published outputs: those of {@code --baseline-history}, or for a
 * nightly run those of the previous nights in its own output folder, their incidents left out. Null when there are
 * none (the run then scores against the start of its own data).
 */
public final class SignalHistory {
  private SignalHistory() {}

  /** @param previous the pointer that was current when the run opened its output folder, or null */
  public static Dataset<Row> read(SparkSession spark, RunPlan plan, Pointer previous) {
    if (plan.baseline() instanceof RunPlan.History h) {
      return OutputFolder.read(spark, h.dir(), Tables.SIGNALS)
          .orElseThrow(() -> new SpecException("--baseline-history: no signals table under " + h.dir()));
    }
    if (!(plan.mode() instanceof RunPlan.Nightly n) || !(plan.baseline() instanceof RunPlan.EarlierNights e)
        || previous == null || !previous.tables().containsKey(Tables.SIGNALS)) {
      return null;
    }
    Column nights = col("date").geq(lit(java.sql.Date.valueOf(n.date().minusDays(e.nights()))))
        .and(col("date").lt(lit(java.sql.Date.valueOf(n.date()))));
    Dataset<Row> past = OutputFolder.read(spark, plan.out(), previous, Tables.SIGNALS).orElseThrow().filter(nights);
    var earlier = OutputFolder.read(spark, plan.out(), previous, Tables.INCIDENTS);
    if (earlier.isPresent()) {
      // Earlier incidents are not normal behaviour: an outage that recurs at the same hour must not become the
      // baseline that hides it. Their windows, with 10 minutes either side, are left out of the history.
      Dataset<Row> incidents = earlier.get().filter(nights)
          .select(col("start").minus(functions.expr("INTERVAL 10 MINUTES")).alias("inc_from"),
              col("end").plus(functions.expr("INTERVAL 10 MINUTES")).alias("inc_to"));
      past = past.join(functions.broadcast(incidents),
          col("window_start").geq(col("inc_from")).and(col("window_start").leq(col("inc_to"))), "left_anti");
    }
    return past;
  }
}
