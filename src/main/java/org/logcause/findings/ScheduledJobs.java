package org.logcause.findings;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The scheduled jobs the nightly findings follow (backups, WAL archiving, vacuum, batch jobs), as data:
 * {@code src/main/resources/findings/scheduled-jobs.yaml}.
 */
public record ScheduledJobs(List<Job> jobs) {
  public static final String RESOURCE = "/findings/scheduled-jobs.yaml";

  /**
   * @param name the job's name, or {@code $1} for the first group of the pattern that matched
   * @param ran a line of a run (null: the job logs nothing when it succeeds, so "did not run" cannot be told)
   * @param failed a line of a failed run
   * @param words substrings one of which every line either pattern matches contains as written, Capitalised or in
   *     CAPITALS (a cheap prefilter)
   */
  public record Job(String name, List<String> words, String ran, String failed) {
    public Job {
      if (name == null || name.isBlank() || (ran == null && failed == null) || words == null || words.isEmpty()) {
        throw new IllegalArgumentException("a scheduled job needs a name, words, and a ran or failed pattern");
      }
      words = List.copyOf(words);
      for (String p : new String[] {ran, failed}) {
        if (p != null) {
          Pattern.compile(p); // fails on load, not in a Spark task
        }
      }
    }

    public boolean nameFromGroup() {
      return name.equals("$1");
    }
  }

  public ScheduledJobs {
    jobs = List.copyOf(jobs);
  }

  public static ScheduledJobs builtIn() {
    try (InputStream in = ScheduledJobs.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(in, ScheduledJobs.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
