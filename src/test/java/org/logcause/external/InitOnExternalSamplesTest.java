package org.logcause.external;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.cli.Main;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SourceSpec;
import org.logcause.onboard.FormatSniffer;
import org.logcause.support.Out;
import org.logcause.support.SharedSpark;

/**
 * {@code init} on a bundle of real files from public projects it was not written against (pgBadger's PostgreSQL
 * fixtures in syslog, Cloud SQL and RDS form, Percona Toolkit's MySQL slow and error logs, an Apache access log, a
 * macOS syslog): every file placed in its format, and the drafted spec runs with almost nothing quarantined.
 */
@Tag("external")
class InitOnExternalSamplesTest {
  @TempDir Path dir;

  /**
   * MySQL's error-log parser takes any line that starts with a time: every Percona Toolkit error log (servers 5.0 to
   * 8, Galera, crash reports, status dumps) is taken as that log, and none of LogHub's logs of other programs is
   * (Hadoop's and Spark's are log4j's).
   */
  @Test
  void onlyMysqlsOwnLogsAreTakenAsItsErrorLog() throws IOException {
    Path external = Path.of(System.getProperty("logcause.external.dir", "../shared/data/external")).toAbsolutePath().normalize();
    java.util.List<Path> errlogs;
    java.util.List<Path> others;
    try (var walk = Files.list(external.resolve("percona-toolkit/errlogs"))) {
      errlogs = walk.filter(p -> p.getFileName().toString().startsWith("errlog")).sorted().toList();
    }
    try (var walk = Files.walk(external.resolve("loghub"), 2)) {
      others = walk.filter(p -> p.getFileName().toString().endsWith("_2k.log")).sorted().toList();
    }
    assertThat(errlogs).hasSizeGreaterThanOrEqualTo(10);
    assertThat(others).hasSizeGreaterThanOrEqualTo(10);
    for (Path p : errlogs) {
      assertThat(FormatSniffer.sniff(org.logcause.onboard.FileSample.read(p, 400).lines()).format()).as(p.toString())
          .isEqualTo("mysql-error");
    }
    for (Path p : others) {
      String format = FormatSniffer.sniff(org.logcause.onboard.FileSample.read(p, 400).lines()).format();
      assertThat(format).as(p.toString()).isNotEqualTo("mysql-error");
      // Hadoop's and Spark's log4j layouts
      if (p.getFileName().toString().startsWith("Hadoop") || p.getFileName().toString().startsWith("Spark")) {
        assertThat(format).as(p.toString()).isEqualTo("log4j");
      }
    }
  }

  @Test
  void draftsAndRunsASpecForAMixedBundleOfRealFiles() throws IOException {
    Path external = Path.of(System.getProperty("logcause.external.dir", "../shared/data/external")).toAbsolutePath().normalize();
    Map<String, String> files = Map.of(
        "pgbadger/pg-syslog.1.gz", "db1/pg-syslog.1.gz",
        "pgbadger/rds.log.gz", "db1/rds.log.gz",
        "pgbadger/cloudsql.log.gz", "db1/cloudsql.log.gz",
        "percona-toolkit/slowlogs/slow002.txt", "db2/slow002.txt",
        "percona-toolkit/slowlogs/mysql5.7.log", "db2/mysql5.7.log",
        "percona-toolkit/errlogs/errlog001.txt", "db2/errlog001.txt",
        "percona-toolkit/errlogs/errlog009.txt", "db2/errlog009.txt",
        "elastic-examples/apache_logs/apache_logs.gz", "web/apache_logs.gz",
        "lnav-edge-cases/logfile_syslog.3", "mac/logfile_syslog.3");
    Path logs = dir.resolve("bundle");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.createDirectories(logs.resolve(f.getValue()).getParent());
      Files.copy(external.resolve(f.getKey()), logs.resolve(f.getValue()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "init", "--logs", logs.toString()))
        .as(err.toString()).isZero();
    Map<String, SourceSpec> byPath = new HashMap<>();
    JobSpecLoader.load(logs.resolve("job.yaml")).spec().sources().forEach(s -> byPath.put(s.path(), s));
    assertThat(byPath).hasSize(files.size());
    assertThat(byPath.get("db1/pg-syslog.1.gz").format()).isEqualTo("postgres-syslog");
    assertThat(byPath.get("db1/pg-syslog.1.gz").options()).containsEntry("log_line_prefix", "db=%d,user=%u,app=%a,client=%h ");
    assertThat(byPath.get("db1/rds.log.gz").format()).isEqualTo("postgres-rds");
    assertThat(byPath.get("db1/cloudsql.log.gz").format()).isEqualTo("postgres-cloudsql");
    assertThat(byPath.get("db2/slow002.txt").format()).isEqualTo("mysql-slow");
    assertThat(byPath.get("db2/mysql5.7.log").format()).isEqualTo("mysql-slow");
    assertThat(byPath.get("db2/errlog001.txt").format()).isEqualTo("mysql-error");
    // one entry, then a status dump of some 200 lines
    assertThat(byPath.get("db2/errlog009.txt").format()).isEqualTo("mysql-error");
    assertThat(byPath.get("web/apache_logs.gz").format()).isEqualTo("access");
    assertThat(byPath.get("mac/logfile_syslog.3").format()).isEqualTo("syslog");

    SharedSpark.get();
    Path run = dir.resolve("out");
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "forensic", "--job",
        logs.resolve("job.yaml").toString(), "--out", run.toString());
    assertThat(exit).as(err.toString()).isZero();
    JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Out.file(run, "run_manifest.json").toFile());
    long read = 0;
    for (JsonNode f : manifest.get("files")) {
      assertThat(f.get("reconciled").asBoolean()).as(f.toString()).isTrue();
      read += f.get("lines_read").asLong();
    }
    // the bundle spans 2005 to 2020: lines far from its bulk are quarantined as implausible_time by design
    long unread = Out.table(run, "quarantine").filter("reason not like 'implausible_time%'").count();
    assertThat((double) unread / read).as("%d of %d lines quarantined as unreadable", unread, read)
        .isLessThanOrEqualTo(FormatSniffer.MAX_REJECTED);
  }
}
