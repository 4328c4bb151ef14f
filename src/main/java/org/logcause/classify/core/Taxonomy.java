package org.logcause.classify.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The error categories every event is filed under (documented one line each in the README). */
public final class Taxonomy {
  public static final Map<String, String> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put("timeout", "an operation gave up waiting: connect, statement, read, gateway");
    CATEGORIES.put("replication_fault", "replication trouble: sync-commit waits, replica lag, WAL sender/receiver errors, slots, "
        + "removed WAL, MySQL replica I/O/SQL thread errors, GTID errors, semi-sync timeouts");
    CATEGORIES.put("connection_saturation", "no connection to be had: too many clients, pool exhausted");
    CATEGORIES.put("overload", "work piling up: slow queries, semaphore waits, queueing, shedding (503), rate limits");
    CATEGORIES.put("lock_contention", "lock waits, lock timeouts, deadlocks");
    CATEGORIES.put("resource_exhaustion", "a resource ran out: disk full, out of memory, file descriptors");
    CATEGORIES.put("network", "connection refused, reset, unreachable, DNS failures, broken links");
    CATEGORIES.put("auth_failure", "authentication or authorisation refused");
    CATEGORIES.put("config_change", "a setting changed (change records, reloads) or was rejected");
    CATEGORIES.put("deploy", "a release or a rollback");
    CATEGORIES.put("restart", "shutdown, startup, crash and crash recovery");
    CATEGORIES.put("server_error", "HTTP 5xx other than 503/504");
    CATEGORIES.put("client_error", "HTTP 4xx");
    CATEGORIES.put("app_exception", "an application exception no other category explains");
    CATEGORIES.put("benign", "routine: checkpoints, vacuum, connection and statement logs, successful requests");
    CATEGORIES.put("unknown", "no rule matched");
  }

  public static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low", "info");

  /** The categories of trouble: a sustained anomaly of one of them can open an incident. */
  public static final Set<String> ERRORS = Set.of("timeout", "replication_fault", "connection_saturation", "overload",
      "lock_contention", "resource_exhaustion", "network", "auth_failure", "server_error", "app_exception");

  private Taxonomy() {}

  /** Severity of an event no rule matched, from its level. */
  public static String severityOfLevel(String level) {
    return switch (level == null ? "INFO" : level) {
      case "FATAL" -> "critical";
      case "ERROR" -> "high";
      case "WARN" -> "medium";
      default -> "info";
    };
  }
}
