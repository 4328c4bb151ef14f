package org.logcause.job;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.logcause.classify.core.RuleSpec;

/**
 * A job: which logs to read, how the components depend on each other, and where to write.
 *
 * @param job the job's name (used in run ids and reports)
 * @param output default output folder, relative to the spec's folder unless absolute or a URI
 * @param sources the log sources
 * @param topology component → the components it depends on (web → db-primary → db-replica)
 * @param windows window sizes of the signal stage
 * @param limits ingest limits
 * @param rules classification rules checked before the built-in ones (same id: replaces the built-in rule)
 * @param masking secret and personal-data masking applied before anything is written (on by default)
 * @param keepRuns snapshots of the output folder kept after a run publishes its own (default 3, at least 1)
 * @param detection detector, baseline and grouping settings (defaults: see {@link Detection})
 */
public record JobSpec(
    String job,
    String output,
    List<SourceSpec> sources,
    Map<String, List<String>> topology,
    Windows windows,
    Limits limits,
    List<RuleSpec> rules,
    Masking masking,
    Integer keepRuns,
    Detection detection)
    implements Serializable {

  /** Snapshots kept by default: the current run's and the two before it. */
  public static final int DEFAULT_KEEP_RUNS = 3;

  public JobSpec {
    rules = rules == null ? List.of() : List.copyOf(rules);
    sources = sources == null ? List.of() : List.copyOf(sources);
    topology = topology == null ? Map.of() : Map.copyOf(new TreeMap<>(topology));
    windows = windows == null ? new Windows(null, null) : windows;
    limits = limits == null ? new Limits(null, null) : limits;
    output = output == null ? "out" : output;
    masking = masking == null ? new Masking(null, null, null) : masking;
    keepRuns = keepRuns == null ? DEFAULT_KEEP_RUNS : keepRuns;
    detection = detection == null ? Detection.defaults() : detection;
  }

  /**
   * What ingest masks in messages, attributes and quarantined lines before anything is written.
   *
   * @param enabled false turns masking off (default true)
   * @param emails mask e-mail addresses too (default true)
   * @param extra more patterns (Java regular expressions), each match replaced by {@code [REDACTED]}
   */
  public record Masking(Boolean enabled, Boolean emails, List<Extra> extra) implements Serializable {
    public Masking {
      enabled = enabled == null || enabled;
      emails = emails == null || emails;
      extra = extra == null ? List.of() : List.copyOf(extra);
    }

    /** A site-specific pattern: its name (for error messages) and the regular expression. */
    public record Extra(String name, String pattern) implements Serializable {}
  }

  /** Window sizes in seconds: nightly runs default to 1 minute, forensic runs to 10 seconds. */
  public record Windows(Integer nightlySeconds, Integer forensicSeconds) implements Serializable {
    public Windows {
      nightlySeconds = nightlySeconds == null ? 60 : nightlySeconds;
      forensicSeconds = forensicSeconds == null ? 10 : forensicSeconds;
    }
  }

  /**
   * @param maxLineBytes a longer line is quarantined (its first bytes kept), never loaded whole
   * @param maxEventChars a multi-line event's message is cut at this length (its lines are still counted)
   * @param plausibleBefore how long before the bulk of a run's events (forensic) or its night (nightly) an event may
   *     be dated and still be trusted (default 365d); older events are quarantined as {@code implausible_time}
   * @param plausibleAfter the same, after the bulk or the night (default 1d)
   */
  public record Limits(Integer maxLineBytes, Integer maxEventChars, String plausibleBefore, String plausibleAfter)
      implements Serializable {
    public Limits {
      maxLineBytes = maxLineBytes == null ? 1 << 20 : maxLineBytes;
      maxEventChars = maxEventChars == null ? 64 * 1024 : maxEventChars;
      plausibleBefore = plausibleBefore == null ? "365d" : plausibleBefore;
      plausibleAfter = plausibleAfter == null ? "1d" : plausibleAfter;
    }

    public Limits(Integer maxLineBytes, Integer maxEventChars) {
      this(maxLineBytes, maxEventChars, null, null);
    }

    /** {@link #plausibleBefore} in microseconds. */
    public long plausibleBeforeMicros() {
      return Durations.parse(plausibleBefore).toNanos() / 1_000L;
    }

    /** {@link #plausibleAfter} in microseconds. */
    public long plausibleAfterMicros() {
      return Durations.parse(plausibleAfter).toNanos() / 1_000L;
    }
  }
}
