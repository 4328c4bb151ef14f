package org.logcause.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scheduled jobs' patterns on lines worded as the tools word them, and their words prefilter. */
class ScheduledJobsTest {
  static final List<String[]> LINES = List.of(
      new String[] {"autovacuum", "ran", "automatic vacuum of table \"shop.public.orders\": index scans: 1"},
      new String[] {"autovacuum", "ran", "automatic analyze of table \"shop.public.orders\""},
      new String[] {"autovacuum", "failed", "canceling autovacuum task"},
      new String[] {"backup", "failed", "pg_dump: error: query failed: ERROR:  permission denied for table secrets"},
      new String[] {"backup", "failed", "mysqldump: Got error: 1045: Access denied for user 'bk'@'localhost' (using password: YES) when trying to connect"},
      new String[] {"backup", "ran", "[00] 2026-03-01 02:10:11 completed OK!"},
      new String[] {"backup", "ran", "P00   INFO: backup command end: completed successfully (52345ms)"},
      new String[] {"wal-archiving", "failed", "archive command failed with exit code 1"},
      new String[] {"$1", "ran", "batch job nightly-export finished in 674 s"},
      new String[] {"$1", "failed", "job 'invoice-run' failed: connection reset"},
      new String[] {"event-scheduler", "failed", "Event Scheduler: [root@localhost][shop.purge_carts] Table 'shop.carts' doesn't exist, error 1146"});

  @Test
  void everyToolsWordingMatchesItsJobAndContainsOneOfItsWords() {
    ScheduledJobs jobs = ScheduledJobs.builtIn();
    for (String[] l : LINES) {
      ScheduledJobs.Job job = jobs.jobs().stream().filter(j -> j.name().equals(l[0])).findFirst().orElseThrow();
      String pattern = l[1].equals("ran") ? job.ran() : job.failed();
      assertThat(Pattern.compile(pattern).matcher(l[2]).find()).as(l[2]).isTrue();
      assertThat(job.words()).as("words of " + l[2]).anyMatch(w -> l[2].contains(w)
          || l[2].contains(Character.toUpperCase(w.charAt(0)) + w.substring(1)) || l[2].contains(w.toUpperCase(Locale.ROOT)));
    }
  }

  @Test
  void ordinaryLinesAreNoJobs() {
    ScheduledJobs jobs = ScheduledJobs.builtIn();
    for (String line : List.of("GET /api/jobs/42 HTTP/1.1 200", "checkpoint complete: wrote 12 buffers",
        "connection authorized: user=app database=shop", "the backup of the cart failed to render")) {
      assertThat(jobs.jobs()).as(line).noneMatch(j -> (j.failed() != null && Pattern.compile(j.failed()).matcher(line).find())
          || (j.ran() != null && Pattern.compile(j.ran()).matcher(line).find()));
    }
  }
}
