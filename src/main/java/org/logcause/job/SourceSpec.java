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
 * @param allowOutside true lets {@code path} reach outside the job spec's folder (default false: a spec cannot read
 *     files it does not sit beside unless it says so; {@code /etc}, {@code /proc} and {@code /sys} never)
 */
public record SourceSpec(
    String name,
    String component,
    String host,
    String format,
    String path,
    String timezone,
    String clockOffset,
    Map<String, String> options,
    Boolean allowOutside)
    implements Serializable, org.logcause.ingest.format.Formats.Source {

  public SourceSpec(String name, String component, String host, String format, String path, String timezone,
      String clockOffset, Map<String, String> options) {
    this(name, component, host, format, path, timezone, clockOffset, options, false);
  }

  public SourceSpec {
    allowOutside = allowOutside != null && allowOutside;
    timezone = timezone == null ? "UTC" : timezone;
    clockOffset = clockOffset == null ? "0s" : clockOffset;
    options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
    host = host == null ? "" : host;
  }

  @Override
  public ZoneId zone() {
    return ZoneId.of(timezone);
  }

  public Duration offset() {
    return Durations.parse(clockOffset);
  }
}
