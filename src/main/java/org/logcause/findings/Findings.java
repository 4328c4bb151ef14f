package org.logcause.findings;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.logcause.attribution.core.CausalKnowledge;
import org.logcause.classify.core.LiteralSet;

/**
 * The nightly findings: what a night's events show that the follow-ups of a postmortem check every night, each with
 * its severity, component, first and last seen, count and example event ids, compared with the earlier nights'
 * findings. Kinds (documented in docs/output-tables.md):
 * <ul>
 *   <li>{@code replication}: replication errors, disconnects and synchronous-commit waits, per component and kind;
 *   <li>{@code setting_change}: a change to a database setting that can stop commits or refuse connections (the
 *       causal knowledge's parameters that produce replication faults or connection saturation), who and when;
 *   <li>{@code restart}: a component's restart, shutdown or crash lines;
 *   <li>{@code timeouts}, {@code refusals}: timeouts and refused or exhausted connections, per component and kind;
 *       recurring (seen on an earlier night too) is medium, else low;
 *   <li>{@code job_failed}, {@code job_missing}, {@code job_ran}: scheduled jobs ({@link ScheduledJobs}) that failed,
 *       that ran on an earlier night and logged nothing tonight, and (info, the routine) that ran.
 * </ul>
 */
public final class Findings {
  /** The table's columns, in order. */
  public static final List<String> COLUMNS = List.of("finding_id", "kind", "severity", "component", "subject", "title",
      "detail", "first_seen", "last_seen", "count", "nights_seen", "example_event_ids");
  /** Severity of routine findings: in the table (later nights need them), not in the digest's findings. */
  public static final String ROUTINE = "info";

  private final Set<String> criticalParameters;
  private final ScheduledJobs jobs;

  public Findings(CausalKnowledge knowledge, ScheduledJobs jobs) {
    this.criticalParameters = criticalParameters(knowledge);
    this.jobs = jobs;
  }

  /** Parameters whose wrong value can stop commits or refuse connections (normalised as the knowledge holds them). */
  static Set<String> criticalParameters(CausalKnowledge knowledge) {
    Set<String> names = new TreeSet<>();
    for (CausalKnowledge.Parameter p : knowledge.parameters()) {
      if (p.produces().contains("replication_fault") || p.produces().contains("connection_saturation")) {
        names.addAll(p.names());
      }
    }
    return names;
  }

  /**
   * @param events the night's events (columns of {@code events})
   * @param earlier the findings of the earlier nights to compare with (with their {@code date}), or null
   * @param earlierNights how many earlier nights those are, quiet ones included (a job's cadence is read from them)
   * @return the findings ({@link #COLUMNS}, plus {@code examples}: the example lines for the digest), most severe first
   */
  public Dataset<Row> apply(Dataset<Row> events, Dataset<Row> earlier, int earlierNights) {
    Column attrs = col("attributes");
    // A setting's name: from a change record, or from the server's own "parameter … changed" line (computed once,
    // on config changes only).
    Column serverParam = regexp_extract(col("message"), "^parameter \"([^\"]+)\" changed to", 1);
    Column paramValue = when(col("category").equalTo("config_change"),
        coalesce(attrs.getItem("parameter"), when(serverParam.notEqual(""), serverParam)));
    Column param = col("param");
    Column normalised = regexp_replace(element_at(split(lower(trim(param)), "\\."), -1), "-", "_");

    Column jobFailed = lit(null).cast(DataTypes.StringType);
    Column jobRan = lit(null).cast(DataTypes.StringType);
    List<ScheduledJobs.Job> lastFirst = new ArrayList<>(jobs.jobs());
    Collections.reverse(lastFirst);
    for (ScheduledJobs.Job j : lastFirst) { // the first job listed wins
      if (j.failed() != null) {
        jobFailed = when(col("message").rlike(j.failed()), name(j, j.failed())).otherwise(jobFailed);
      }
      if (j.ran() != null) {
        jobRan = when(col("message").rlike(j.ran()), name(j, j.ran())).otherwise(jobRan);
      }
    }
    // One pass of all the jobs' patterns at once; only the lines it matches are told apart by job.
    String anyJob = jobs.jobs().stream().flatMap(j -> Stream.of(j.ran(), j.failed()))
        .filter(Objects::nonNull).map(p -> "(?:" + p + ")").collect(Collectors.joining("|"));
    // HTTP request lines (an access log's) are no job's.
    Column request = col("subcategory").equalTo("request").or(col("category").isin("client_error", "server_error"));
    // As written, Capitalised or in capitals, all found in one pass over the message (a LiteralSet): the same answer as
    // a contains() per word and form, which Spark ran one after the other (some thirty scans of every statement of a
    // statement log), and far cheaper than lower() on every message.
    LiteralSet words = new LiteralSet(jobs.jobs().stream().flatMap(j -> j.words().stream())
        .flatMap(w -> Stream.of(w, Character.toUpperCase(w.charAt(0)) + w.substring(1),
            w.toUpperCase(Locale.ROOT)))
        .distinct().toList());
    Column hasWord = udf((UDF1<String, Boolean>) m -> m != null && words.containsAnyOf(m), DataTypes.BooleanType)
        .asNonNullable().apply(col("message"));
    // Every line a job's pattern matches holds one of its words (ScheduledJobsTest): the patterns run only on those
    // (not on the night's timeouts and refusals, which are candidates for their category).
    Column jobLine = hasWord.and(col("message").rlike(anyJob));
    jobFailed = when(col("job_line"), jobFailed);
    jobRan = when(col("job_line"), jobRan);
    Column category = col("category");
    Column kind = when(col("job_failed").isNotNull(), lit("job_failed"))
        .when(category.equalTo("replication_fault"), lit("replication"))
        .when(category.equalTo("config_change").and(param.isNotNull())
            .and(normalised.isin(criticalParameters.toArray())), lit("setting_change"))
        .when(category.equalTo("restart"), lit("restart"))
        .when(category.equalTo("timeout"), lit("timeouts"))
        .when(category.equalTo("connection_saturation")
            .or(category.equalTo("network").and(col("subcategory").equalTo("refused"))), lit("refusals"))
        .when(col("job_ran").isNotNull(), lit("job_ran"));
    Column subject = when(col("kind").equalTo("job_failed"), col("job_failed"))
        .when(col("kind").equalTo("job_ran"), col("job_ran"))
        .when(col("kind").equalTo("setting_change"), trim(param))
        .when(col("kind").equalTo("restart"), lit("restart"))
        .otherwise(coalesce(col("subcategory"), lit("")));
    // A change record's component is what it changed (its target), not the change feed.
    Column component = coalesce(attrs.getItem("target"), col("component"));
    Column time = date_format(col("ts"), "HH:mm:ss");
    Column line = struct(col("ts"), col("event_id"), col("component"), col("level"), col("message"));
    Column changeLine = when(col("kind").notEqual("setting_change"), lit(null).cast(DataTypes.StringType))
        .when(attrs.getItem("actor").isNotNull(), format_string("%s %s by %s: %s → %s", time,
            coalesce(attrs.getItem("change_id"), attrs.getItem("id"), lit("change")), attrs.getItem("actor"),
            coalesce(attrs.getItem("old_value"), attrs.getItem("old"), lit("?")),
            coalesce(attrs.getItem("new_value"), attrs.getItem("new"), lit("?"))))
        .otherwise(format_string("%s %s logged: %s", time, col("component"), col("message")));

    // Only the lines that can be a finding are looked at closely: those of the classes above, and those holding a
    // job's word (no HTTP request line is a job's).
    Column candidate = category.isin("replication_fault", "config_change", "restart", "timeout", "connection_saturation",
        "network").or(not(request).and(hasWord));
    Dataset<Row> tonight = events
        .filter(candidate)
        .withColumn("param", paramValue)
        .withColumn("job_line", jobLine)
        .withColumn("job_failed", jobFailed)
        .withColumn("job_ran", jobRan)
        .withColumn("kind", kind)
        .filter(col("kind").isNotNull())
        .withColumn("subject", subject)
        .withColumn("f_component", component)
        .withColumn("change_line", changeLine)
        .groupBy(col("kind"), col("f_component").alias("component"), col("subject"))
        .agg(min("ts").alias("first_seen"), max("ts").alias("last_seen"), count(lit(1)).alias("count"),
            // The first and the last line: bounded memory however many lines a group has.
            min(line).alias("first_line"), max(line).alias("last_line"),
            array_join(transform(slice(array_sort(collect_list(
                when(col("kind").equalTo("setting_change"), struct(col("ts"), col("change_line"))))), 1, 5),
                c -> c.getField("change_line")), "; ").alias("changes"),
            array_join(array_sort(collect_set(when(col("kind").equalTo("restart"), col("subcategory")))), ", ")
                .alias("kinds"))
        .withColumn("examples", array_distinct(array(col("first_line"), col("last_line"))))
        .drop("first_line", "last_line")
        .withColumn("finding_id", id(col("kind"), col("component"), col("subject")));

    // The night's findings and the earlier nights' are a few rows per component and kind: each is computed once and
    // held on the driver, so what follows joins small local tables instead of scanning the events again.
    tonight = local(tonight);
    earlier = earlier == null ? null : local(earlier.select("finding_id", "kind", "component", "subject", "first_seen",
        "last_seen", "date"));
    if (earlier != null && earlier.isEmpty()) {
      earlier = null;
    }
    Dataset<Row> rows;
    if (earlier == null) {
      rows = tonight.withColumn("nights_seen", lit(1)).withColumn("last_ran", lit(null).cast(DataTypes.TimestampType));
    } else {
      Dataset<Row> seen = earlier.groupBy("finding_id").agg(min("first_seen").alias("earlier_first"),
          countDistinct("date").alias("earlier_nights"));
      rows = tonight.join(seen, "finding_id", "left")
          .withColumn("first_seen", least(col("first_seen"), coalesce(col("earlier_first"), col("first_seen"))))
          .withColumn("nights_seen", coalesce(col("earlier_nights"), lit(0L)).plus(1).cast(DataTypes.IntegerType))
          .drop("earlier_first", "earlier_nights")
          .withColumn("last_ran", lit(null).cast(DataTypes.TimestampType));
      // A job runs every night when it ran on at least half the earlier nights: a weekly job is not missing on the
      // six nights it is not due.
      Dataset<Row> missing = earlier.filter(col("kind").equalTo("job_ran"))
          .groupBy("component", "subject")
          .agg(min("first_seen").alias("first_seen"), max("last_seen").alias("last_ran"),
              countDistinct("date").cast(DataTypes.IntegerType).alias("nights_seen"))
          .filter(col("nights_seen").multiply(2).geq(Math.max(1, earlierNights)))
          .join(tonight.filter(col("kind").isin("job_ran", "job_failed")).select("component", "subject"),
              new String[] {"component", "subject"}, "left_anti")
          // A job of a component that logged nothing at all tonight is not said to have skipped its run (its whole
          // log is missing, or the night is outside the data).
          .join(local(events.select("component").distinct()), new String[] {"component"}, "left_semi")
          .withColumn("kind", lit("job_missing"))
          .withColumn("last_seen", col("last_ran"))
          .withColumn("count", lit(0L))
          .withColumn("examples", lit(null).cast(tonight.schema().apply("examples").dataType()))
          .withColumn("changes", lit(""))
          .withColumn("kinds", lit(""))
          .withColumn("finding_id", id(col("kind"), col("component"), col("subject")));
      rows = rows.unionByName(missing);
    }
    Column severity = when(col("kind").isin("replication", "setting_change", "job_failed"), lit("high"))
        .when(col("kind").isin("restart", "job_missing"), lit("medium"))
        .when(col("kind").isin("timeouts", "refusals"),
            when(col("nights_seen").geq(2), lit("medium")).otherwise(lit("low")))
        .otherwise(lit(ROUTINE));
    Column lines = format_string("%d line%s", col("count"), when(col("count").equalTo(1), lit("")).otherwise(lit("s")));
    Column recurring = when(col("nights_seen").geq(2), format_string(", seen on %d nights", col("nights_seen")))
        .otherwise(lit(""));
    Column title = when(col("kind").equalTo("replication"),
            format_string("Replication trouble on %s (%s): %s", col("component"), col("subject"), lines))
        .when(col("kind").equalTo("setting_change"),
            format_string("Critical setting %s changed on %s", col("subject"), col("component")))
        .when(col("kind").equalTo("restart"),
            format_string("%s restarted or stopped: %s", col("component"), lines))
        .when(col("kind").equalTo("timeouts"),
            format_string("Timeouts on %s (%s): %s%s", col("component"), col("subject"), lines, recurring))
        .when(col("kind").equalTo("refusals"), format_string("Refused or exhausted connections on %s (%s): %s%s",
            col("component"), col("subject"), lines, recurring))
        .when(col("kind").equalTo("job_failed"),
            format_string("Scheduled job %s failed on %s: %s", col("subject"), col("component"), lines))
        .when(col("kind").equalTo("job_missing"), format_string("Scheduled job %s did not run on %s (last ran %s)",
            col("subject"), col("component"), date_format(col("last_ran"), "yyyy-MM-dd HH:mm:ss")))
        .otherwise(format_string("Scheduled job %s ran on %s: %s", col("subject"), col("component"), lines));
    Column detail = when(col("kind").equalTo("setting_change"), col("changes"))
        .when(col("kind").equalTo("restart"), concat_ws(": ", lit("lines"), col("kinds")))
        .otherwise(lit(null).cast(DataTypes.StringType));
    return rows
        .withColumn("severity", severity)
        .withColumn("title", title)
        .withColumn("detail", detail)
        .withColumn("example_event_ids", coalesce(transform(col("examples"), e -> e.getField("event_id")),
            array().cast(DataTypes.createArrayType(DataTypes.StringType))))
        .withColumn("severity_rank", when(col("severity").equalTo("high"), 0).when(col("severity").equalTo("medium"), 1)
            .when(col("severity").equalTo("low"), 2).otherwise(3))
        .orderBy(col("severity_rank"), col("kind"), col("component"), col("subject"))
        .select(Stream.concat(COLUMNS.stream(), Stream.of("examples"))
            .map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** The rows computed once, as a local table (for small results used more than once). */
  private static Dataset<Row> local(Dataset<Row> d) {
    return d.sparkSession().createDataFrame(d.collectAsList(), d.schema());
  }

  private static Column name(ScheduledJobs.Job j, String pattern) {
    return j.nameFromGroup() ? regexp_extract(col("message"), pattern, 1) : lit(j.name());
  }

  private static Column id(Column kind, Column component, Column subject) {
    return substring(sha2(concat_ws("\u0000", kind, component, subject), 256), 1, 16);
  }
}
