package org.logcause.job;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * One log source of a job: files of one format written by one component on one host.
 *
 * @param name unique name of the source in the job
 * @param component the logical component (a node of the topology), e.g. {@code db-primary}
 * @param host the host the files come from; a format that carries its own host per line (syslog) overrides it
 * @param format one of {@link org.logcause.ingest.format.Formats#names()}
 * @param path a Hadoop glob, relative to the job spec's folder unless absolute or a URI
 * @param timezone zone of timestamps that carry none
 * @param clockOffset added to every timestamp of this source, to correct a host's known clock skew
 * @param options format options, e.g. PostgreSQL's {@code log_line_prefix}
 */
public record SourceSpec(
    String name,
    String component,
    String host,
    String format,
    String path,
    String timezone,
    String clockOffset,
    Map<String, String> options)
    implements Serializable {

  public SourceSpec {
    timezone = timezone == null ? "UTC" : timezone;
    clockOffset = clockOffset == null ? "0s" : clockOffset;
    options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
    host = host == null ? "" : host;
  }

  public ZoneId zone() {
    return ZoneId.of(timezone);
  }

  public Duration offset() {
    return Durations.parse(clockOffset);
  }
}
