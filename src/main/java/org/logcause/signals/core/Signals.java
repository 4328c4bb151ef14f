package org.logcause.signals.core;

import java.util.List;
import java.util.Set;

/** The names of the signals, their one home: every stage, table and report reads them from here. */
public final class Signals {
  /** {@code category:<category>}: events of a taxonomy category per window. */
  public static final String CATEGORY = "category:";
  /** {@code template:<template_id>}: events of a template (medium severity or more) per window. */
  public static final String TEMPLATE = "template:";
  public static final String REQUESTS = "requests";
  public static final String ERROR_RATIO = "error_ratio";
  public static final String LATENCY_P50 = "latency_p50_ms";
  public static final String LATENCY_P95 = "latency_p95_ms";
  public static final String LATENCY_P99 = "latency_p99_ms";
  public static final String CLIENTS = "clients";
  public static final String NEW_CLIENT_SHARE = "new_client_share";
  public static final String RETRY_SHARE = "retry_share";
  public static final String SLOW_QUERY_P95 = "slow_query_p95_ms";
  /**
   * Crashes per window: restart events of subcategory {@code crash_recovery} (a server process killed, crash recovery
   * at start-up). Apart from {@code category:restart}, whose routine start-ups and shutdowns would hide them.
   */
  public static final String CRASHES = "crashes";
  /** The subcategory of the restart events {@link #CRASHES} counts. */
  public static final String CRASH_SUBCATEGORY = "crash_recovery";

  /** Gauges that are shares of requests or events, between 0 and 1. */
  public static final Set<String> SHARES = Set.of(ERROR_RATIO, NEW_CLIENT_SHARE, RETRY_SHARE);
  /** The latency percentiles, in order. */
  public static final List<String> LATENCIES = List.of(LATENCY_P50, LATENCY_P95, LATENCY_P99);
  /** The gauges of an access log's traffic (beside the request count). */
  public static final Set<String> TRAFFIC = Set.of(REQUESTS, CLIENTS, NEW_CLIENT_SHARE, RETRY_SHARE);
  /** Impact signals: more traffic alone is not an outage (a scanner's burst of 404s is not); these are. */
  public static final Set<String> SERVICE = Set.of(ERROR_RATIO, LATENCY_P95, SLOW_QUERY_P95);

  private Signals() {}

  public static String category(String category) {
    return CATEGORY + category;
  }

  /** The category of a {@code category:} signal, or null for any other. */
  public static String categoryOf(String signal) {
    return signal.startsWith(CATEGORY) ? signal.substring(CATEGORY.length()) : null;
  }

  /** Whether a signal is a count (else a gauge). */
  public static boolean isCount(String signal) {
    return signal.startsWith(CATEGORY) || signal.startsWith(TEMPLATE) || signal.equals(REQUESTS) || signal.equals(CRASHES);
  }
}
