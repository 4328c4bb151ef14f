package org.logcause.findings;

import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.logcause.attribution.core.CausalKnowledge;
import org.logcause.report.FindingsDigest;
import org.logcause.report.HtmlPages;
import org.logcause.support.SharedSpark;

/** The nightly findings over two nights of hand-made events, and their digest. */
class FindingsTest {
  static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.StringType).add("ts", DataTypes.TimestampType).add("component", DataTypes.StringType)
      .add("level", DataTypes.StringType).add("message", DataTypes.StringType).add("category", DataTypes.StringType)
      .add("subcategory", DataTypes.StringType)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  final SparkSession spark = SharedSpark.get();
  final Findings findings = new Findings(CausalKnowledge.builtIn(), ScheduledJobs.builtIn());
  final List<Row> rows = new ArrayList<>();

  void event(String id, String ts, String component, String level, String message, String category, String sub,
      Map<String, String> attrs) {
    rows.add(RowFactory.create(id, Timestamp.from(Instant.parse(ts)), component, level, message, category, sub,
        scala.jdk.javaapi.CollectionConverters.asScala(attrs)));
  }

  Dataset<Row> events() {
    Dataset<Row> d = spark.createDataFrame(new ArrayList<>(rows), EVENTS);
    rows.clear();
    return d;
  }

  static Row find(List<Row> found, String kind, String component, String subject) {
    return found.stream().filter(r -> r.getAs("kind").equals(kind) && r.getAs("component").equals(component)
        && r.getAs("subject").equals(subject)).findFirst().orElse(null);
  }

  List<Row> firstNight() {
    event("e1", "2026-03-01T02:10:00Z", "db-replica", "ERROR", "could not receive data from WAL stream: server closed the connection unexpectedly",
        "replication_fault", "walreceiver", Map.of());
    event("e2", "2026-03-01T02:05:00Z", "changes", "INFO", "config_change c-1", "config_change", "setting",
        Map.of("parameter", "synchronous_commit", "target", "db-primary", "actor", "alice", "old_value", "off",
            "new_value", "remote_apply", "change_id", "c-1"));
    event("e3", "2026-03-01T02:06:00Z", "changes", "INFO", "config_change c-2", "config_change", "setting",
        Map.of("parameter", "work_mem", "target", "db-primary", "actor", "bob", "change_id", "c-2"));
    event("e4", "2026-03-01T02:20:00Z", "app", "ERROR", "canceling statement due to statement timeout", "timeout",
        "statement", Map.of());
    event("e5", "2026-03-01T03:00:00Z", "db-primary", "INFO", "automatic vacuum of table \"a.public.t\": index scans: 1",
        "benign", "vacuum", Map.of());
    event("e6", "2026-03-01T04:00:00Z", "app", "INFO", "batch job nightly-export started", "benign", "batch_job", Map.of());
    event("e7", "2026-03-01T04:30:00Z", "db-primary", "ERROR", "pg_dump: error: connection to server failed", "network",
        "refused", Map.of());
    event("e8", "2026-03-01T05:00:00Z", "reports", "INFO", "job daily-report finished in 12 s", "benign", "batch_job", Map.of());
    event("e9", "2026-03-01T02:07:00Z", "db-primary", "LOG", "parameter \"max_connections\" changed to \"20\"",
        "config_change", "setting", Map.of());
    return findings.apply(events(), null, 0).collectAsList();
  }

  @Test
  void theFirstNightFindsReplicationCriticalChangesTimeoutsAndJobs() {
    List<Row> found = firstNight();

    Row replication = find(found, "replication", "db-replica", "walreceiver");
    assertThat(replication).isNotNull();
    assertThat(replication.<String>getAs("severity")).isEqualTo("high");
    assertThat(replication.<String>getList(replication.fieldIndex("example_event_ids"))).containsExactly("e1");

    Row sync = find(found, "setting_change", "db-primary", "synchronous_commit");
    assertThat(sync).as("a synchronous-commit change can stop commits").isNotNull();
    assertThat(sync.<String>getAs("detail")).contains("c-1 by alice: off → remote_apply");
    assertThat(find(found, "setting_change", "db-primary", "max_connections")).as("the server's own line").isNotNull();
    assertThat(find(found, "setting_change", "db-primary", "work_mem")).as("memory sizing cannot stop commits").isNull();

    Row timeouts = find(found, "timeouts", "app", "statement");
    assertThat(timeouts.<String>getAs("severity")).as("first night: not recurring").isEqualTo("low");
    assertThat(timeouts.<Integer>getAs("nights_seen")).isEqualTo(1);

    Row failed = find(found, "job_failed", "db-primary", "backup");
    assertThat(failed).as("a pg_dump error is a failed backup, whatever its class").isNotNull();
    assertThat(failed.<String>getAs("severity")).isEqualTo("high");
    assertThat(find(found, "refusals", "db-primary", "refused")).as("the line is counted once").isNull();
    assertThat(find(found, "job_ran", "db-primary", "autovacuum").<String>getAs("severity")).isEqualTo(Findings.ROUTINE);
    assertThat(find(found, "job_ran", "app", "nightly-export")).isNotNull();
    assertThat(found.get(0).<String>getAs("severity")).as("most severe first").isEqualTo("high");
  }

  @Test
  void theSecondNightComparesWithTheFirst() {
    Dataset<Row> earlier = spark.createDataFrame(firstNight(), findings.apply(events(), null, 0).schema())
        .drop("examples").withColumn("date", lit(java.sql.Date.valueOf(LocalDate.parse("2026-03-01"))));
    event("f1", "2026-03-02T02:25:00Z", "app", "ERROR", "canceling statement due to statement timeout", "timeout",
        "statement", Map.of());
    event("f2", "2026-03-02T02:30:00Z", "db-primary", "INFO", "checkpoint complete", "benign", "checkpoint", Map.of());
    List<Row> found = findings.apply(events(), earlier, 1).collectAsList();

    Row timeouts = find(found, "timeouts", "app", "statement");
    assertThat(timeouts.<Integer>getAs("nights_seen")).isEqualTo(2);
    assertThat(timeouts.<String>getAs("severity")).as("recurring").isEqualTo("medium");
    assertThat(timeouts.<Timestamp>getAs("first_seen")).isEqualTo(Timestamp.from(Instant.parse("2026-03-01T02:20:00Z")));

    Row vacuum = find(found, "job_missing", "db-primary", "autovacuum");
    assertThat(vacuum).as("db-primary logged tonight but its vacuum did not run").isNotNull();
    assertThat(vacuum.<String>getAs("title")).contains("did not run").contains("2026-03-01 03:00:00");
    assertThat(find(found, "job_missing", "app", "nightly-export")).isNotNull();
    assertThat(find(found, "job_missing", "reports", "daily-report"))
        .as("reports logged nothing at all tonight: its log is missing, not its job").isNull();
    assertThat(find(found, "job_missing", "db-primary", "backup")).as("it failed, it did not run").isNull();
  }

  @Test
  void aJobThatRunsOnFewOfTheEarlierNightsIsNotMissingOnTheOthers() {
    // The first night's findings stand for four earlier nights: 03-01 alone (a weekly job), and the nightly vacuum.
    Dataset<Row> once = spark.createDataFrame(firstNight(), findings.apply(events(), null, 0).schema()).drop("examples");
    Dataset<Row> earlier = once.withColumn("date", lit(java.sql.Date.valueOf("2026-03-01")));
    for (String night : List.of("2026-03-02", "2026-03-03", "2026-03-04")) {
      earlier = earlier.unionByName(once.filter(org.apache.spark.sql.functions.col("subject").equalTo("autovacuum"))
          .withColumn("date", lit(java.sql.Date.valueOf(night))));
    }
    event("h1", "2026-03-05T02:30:00Z", "db-primary", "INFO", "checkpoint complete", "benign", "checkpoint", Map.of());
    event("h2", "2026-03-05T02:31:00Z", "app", "INFO", "request served", "benign", "request", Map.of());
    List<Row> found = findings.apply(events(), earlier, 4).collectAsList();
    assertThat(find(found, "job_missing", "db-primary", "autovacuum")).as("ran on 4 of 4 nights").isNotNull();
    assertThat(find(found, "job_missing", "app", "nightly-export")).as("ran on 1 of 4 nights: not due").isNull();

    event("h1", "2026-03-05T02:30:00Z", "db-primary", "INFO", "checkpoint complete", "benign", "checkpoint", Map.of());
    event("h2", "2026-03-05T02:31:00Z", "app", "INFO", "request served", "benign", "request", Map.of());
    assertThat(findings.apply(events(), earlier.filter(org.apache.spark.sql.functions.col("date")
        .equalTo(java.sql.Date.valueOf("2026-03-01"))), 2).filter("kind = 'job_missing'").count())
        .as("ran on 1 of 2 nights: half is enough (vacuum and export)").isEqualTo(2);
  }

  @Test
  void aQuietNightsDigestSaysSoAndLogTextIsInert() {
    assertThat(findings.apply(events(), null, 0).count()).isZero();
    FindingsDigest quiet = WriteDigest.digest("shop", "run-1", LocalDate.parse("2026-03-03"), 2, List.of());
    assertThat(HtmlPages.digest(quiet)).contains("A quiet night").doesNotContain("findings-table");

    event("g1", "2026-03-03T02:25:00Z", "app<img src=x onerror=alert(1)>", "ERROR",
        "canceling statement \"</td><script>alert('x')</script>", "timeout", "statement", Map.of());
    String html = HtmlPages.digest(WriteDigest.digest("shop", "run-1", LocalDate.parse("2026-03-03"), 2,
        findings.apply(events(), null, 0).collectAsList()));
    assertThat(html).contains("findings-table").doesNotContain("A quiet night")
        .doesNotContain("<script>alert").doesNotContain("<img src=x")
        .contains("&lt;script&gt;alert(").contains("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(html.split("<script", -1)).as("only the page's own script").hasSize(2);
  }
}
