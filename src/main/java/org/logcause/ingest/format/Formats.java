package org.logcause.ingest.format;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The log formats logcause reads, by the name a job spec uses. {@link #create} checks a source's options (so a
 * bad spec fails before Spark starts) and returns a factory of per-file parsers.
 */
public final class Formats {
  private static final List<String> NAMES =
      List.of("postgres", "postgres-csv", "postgres-json", "postgres-syslog", "postgres-rds", "postgres-cloudsql",
          "postgres-cnpg", "mysql-error", "mysql-slow", "json", "changes", "log4j", "access", "nginx-error", "apache-error",
          "haproxy",
          "syslog", "regex");

  /** Amazon RDS and Aurora PostgreSQL's {@code log_line_prefix} (fixed on Aurora, the default on RDS). */
  public static final String RDS_PREFIX = "%t:%r:%u@%d:[%p]:";

  private static final Set<String> JSON_OPTIONS =
      Set.of("time_field", "level_field", "message_field", "host_field", "time_format");
  private static final Set<String> CHANGE_OPTIONS =
      Set.of("time_field", "level_field", "message_field", "host_field", "time_format", "id_field", "type_field",
          "parameter_field", "old_field", "new_field", "actor_field", "target_field");

  private Formats() {}

  public static List<String> names() {
    return NAMES;
  }

  /** Makes a parser for one file; the argument is the year given to timestamps that have none. */
  public interface ParserFactory {
    LineParser newParser(int defaultYear);
  }

  /** What a parser needs of a source: its format, its options, and the zone of timestamps that carry none. */
  public interface Source {
    String format();

    Map<String, String> options();

    ZoneId zone();
  }

  public static ParserFactory create(Source source) {
    ParserFactory lines = createLines(source);
    String container = source.options().get(ContainerLineParser.OPTION);
    if (container == null || container.isEmpty()) {
      return lines;
    }
    ContainerLineParser.Runtime runtime = ContainerLineParser.Runtime.of(container);
    ZoneId zone = source.zone();
    return year -> new ContainerLineParser(runtime, lines.newParser(year), zone);
  }

  private static ParserFactory createLines(Source source) {
    ZoneId zone = source.zone();
    Map<String, String> raw = source.options();
    String format = source.format();
    switch (format) {
      case "postgres-rds": {
        Options o = new Options(format, raw, PostgresStderrParser.OPTIONS);
        PostgresStderrParser.Prefix prefix = PostgresStderrParser.compile(o.get("log_line_prefix", RDS_PREFIX));
        return year -> new PostgresStderrParser(prefix, zone);
      }
      case "postgres-syslog": {
        Options o = new Options(format, raw, PostgresStderrParser.OPTIONS);
        PostgresStderrParser.Prefix prefix = PostgresStderrParser.compile(o.get("log_line_prefix", ""));
        return year -> new PostgresSyslogParser(prefix, zone, year);
      }
      case "postgres-cloudsql": {
        new Options(format, raw, Set.of());
        PostgresStderrParser.Prefix prefix = PostgresStderrParser.compile(PostgresCloudSqlParser.PREFIX);
        return year -> new PostgresCloudSqlParser(prefix, zone);
      }
      case "postgres-cnpg": {
        new Options(format, raw, Set.of());
        JsonLinesParser.Mapping m =
            new JsonLinesParser.Mapping(
                List.of("record.log_time", "ts"), List.of("record.error_severity", "level"),
                List.of("record.message", "msg"), List.of("logging_pod"), new TimestampFormat("auto"),
                Map.ofEntries(Map.entry("record.database_name", "db"), Map.entry("record.user_name", "user"),
                    Map.entry("record.connection_from", "client"), Map.entry("record.sql_state_code", "sqlstate"),
                    Map.entry("record.application_name", "application"), Map.entry("record.process_id", "pid"),
                    Map.entry("record.session_id", "session_id"), Map.entry("record.detail", "detail"),
                    Map.entry("record.hint", "hint"), Map.entry("record.context", "context"),
                    Map.entry("record.query", "statement"), Map.entry("record.backend_type", "backend_type"),
                    Map.entry("record.command_tag", "command_tag")),
                null);
        return year -> new JsonLinesParser(m, zone, year);
      }
      case "mysql-slow":
        new Options(format, raw, Set.of());
        return year -> new MysqlSlowParser(zone, year);
      case "nginx-error":
        new Options(format, raw, Set.of());
        return year -> new NginxErrorParser(zone);
      case "apache-error":
        new Options(format, raw, Set.of());
        return year -> new ApacheErrorParser(zone);
      case "postgres": {
        Options o = new Options(format, raw, PostgresStderrParser.OPTIONS);
        PostgresStderrParser.Prefix prefix =
            PostgresStderrParser.compile(o.get("log_line_prefix", PostgresStderrParser.DEFAULT_PREFIX));
        return year -> new PostgresStderrParser(prefix, zone);
      }
      case "postgres-csv":
        new Options(format, raw, Set.of());
        return year -> new PostgresCsvParser(zone);
      case "postgres-json": {
        new Options(format, raw, Set.of());
        JsonLinesParser.Mapping m =
            new JsonLinesParser.Mapping(
                List.of("timestamp"), List.of("error_severity"), List.of("message"), List.of(),
                new TimestampFormat("auto"),
                Map.of("dbname", "db", "remote_host", "client", "state_code", "sqlstate", "application_name",
                    "application", "line_num", "session_line", "ps", "command_tag"),
                null);
        return year -> new JsonLinesParser(m, zone, year);
      }
      case "mysql-error":
        new Options(format, raw, Set.of());
        return year -> new MysqlErrorParser(zone);
      case "json":
      case "changes": {
        Options o = new Options(format, raw, format.equals("json") ? JSON_OPTIONS : CHANGE_OPTIONS);
        JsonLinesParser.ChangeFields change =
            format.equals("json")
                ? null
                : new JsonLinesParser.ChangeFields(
                    fields(o, "id_field", "id", "change_id", "event_id"),
                    fields(o, "type_field", "type", "kind", "action", "event", "change_type"),
                    fields(o, "parameter_field", "parameter", "param", "setting", "key"),
                    fields(o, "old_field", "old", "old_value", "from", "previous"),
                    fields(o, "new_field", "new", "new_value", "to", "value"),
                    fields(o, "actor_field", "actor", "user", "author", "by"),
                    fields(o, "target_field", "target", "component", "service", "host"));
        JsonLinesParser.Mapping m =
            new JsonLinesParser.Mapping(
                fields(o, "time_field", "timestamp", "time", "@timestamp", "ts", "date", "datetime"),
                fields(o, "level_field", "level", "severity", "log.level", "lvl", "loglevel"),
                fields(o, "message_field", "message", "msg", "log", "textPayload", "description", "summary"),
                fields(o, "host_field", "hostname", "host.name"),
                new TimestampFormat(o.get("time_format", "auto")),
                Map.of(),
                change);
        return year -> new JsonLinesParser(m, zone, year);
      }
      case "log4j": {
        Options o = new Options(format, raw, Set.of("pattern"));
        Log4jParser.Layout layout = Log4jParser.compile(o.get("pattern", Log4jParser.DEFAULT_PATTERN));
        return year -> new Log4jParser(layout, zone, year);
      }
      case "access": {
        Options o = new Options(format, raw, Set.of("latency_unit", "time_field", "client_field", "status_field",
            "latency_field"));
        String unit = o.get("latency_unit", "s");
        double toMillis =
            switch (unit) {
              case "s" -> 1_000d;
              case "ms" -> 1d;
              case "us" -> 0.001d;
              default -> throw o.bad("latency_unit", "\"" + unit + "\" is not one of s, ms, us");
            };
        AccessJson.Names names = AccessJson.Names.of(o.get("time_field", null), o.get("client_field", null),
            o.get("status_field", null), o.get("latency_field", null));
        return year -> new AccessLogParser(toMillis, names, zone);
      }
      case "syslog":
        new Options(format, raw, Set.of());
        return year -> new SyslogParser(zone, year);
      case "haproxy":
        new Options(format, raw, Set.of());
        return year -> new HaproxyParser(zone, year);
      case "regex": {
        Options o = new Options(format, raw, Set.of("pattern", "timestamp_format", "multiline"));
        RegexParser.Compiled c =
            RegexParser.compile(o.require("pattern"), o.get("timestamp_format", "auto"), o.get("multiline", "indented"));
        return year -> new RegexParser(c, zone, year);
      }
      default:
        throw new IllegalArgumentException("unknown format \"" + format + "\" (known: " + String.join(", ", NAMES) + ")");
    }
  }

  /** The pattern a PostgreSQL {@code log_line_prefix} compiles to (for tools that test a prefix against lines). */
  public static java.util.regex.Pattern postgresPrefixPattern(String logLinePrefix) {
    return PostgresStderrParser.compile(logLinePrefix).pattern();
  }

  private static List<String> fields(Options o, String option, String... defaults) {
    String configured = o.get(option, null);
    return configured == null ? Arrays.asList(defaults) : List.of(configured.split("\\s*,\\s*"));
  }

}
