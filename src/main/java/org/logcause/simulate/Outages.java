package org.logcause.simulate;

import java.util.List;
import java.util.Map;

/**
 * The nine outage families: what happens, in which logs, in what order, and the ground truth that goes with it.
 * Timings are drawn from the scenario's random source; {@code sc.onset} is when users first feel it.
 */
final class Outages {
  private Outages() {}

  static void plan(Simulator.Scenario sc) {
    switch (sc.settings.family()) {
      case REPLICATION_MISCONFIG -> replicationMisconfig(sc);
      case TRAFFIC_SURGE -> trafficSurge(sc);
      case BAD_DEPLOY -> badDeploy(sc);
      case REPLICA_LAG -> replicaLag(sc);
      case DISK_FULL -> diskFull(sc);
      case POOL_EXHAUSTION -> poolExhaustion(sc);
      case NETWORK_PARTITION -> networkPartition(sc);
      case LOCK_CONTENTION -> lockContention(sc);
      case NO_INCIDENT -> { }
    }
    retryStorm(sc);
  }

  /**
   * Failing clients retry (see {@link Traffic}): when failures hit every path and retries add at least 30% to
   * the request rate at the peak, the edge shows a traffic spike that looks like an attack and is not. Labelled here,
   * for every family alike, from the traffic model's own numbers.
   */
  private static void retryStorm(Simulator.Scenario sc) {
    var tr = sc.traffic;
    double retried = 0.75 * tr.failMax * (1 + 0.75 * tr.failMax); // first and second retries of failed requests
    if (tr.failFrom < 0 || tr.onlyReports || tr.attackFrom >= 0 || retried < 0.3) {
      return;
    }
    sc.misleading.add(new Labels.Signal("traffic_spike", sc.names.web(), sc.iso(tr.failFrom + 60),
        "the extra requests are the same clients retrying failed requests, not an attack"));
  }

  private static boolean pg(Simulator.Scenario sc) {
    return sc.flavour == Flavour.POSTGRES;
  }

  /**
   * In half the scenarios (drawn from the seed), responders reboot the primary between {@code lo} and {@code hi}
   * seconds after onset, and it changes nothing: a misleading lead with its remediation record.
   */
  private static void maybeUselessPrimaryRestart(Simulator.Scenario sc, double lo, double hi, String reason, String why) {
    if (sc.rnd.nextBoolean()) {
      double restart = sc.onset + sc.uniform(lo, hi);
      sc.restartPrimary(restart, reason);
      sc.misleading.add(new Labels.Signal("restart", sc.names.primary(), sc.iso(restart), why));
      sc.remediation.add(new Labels.Remediation("restart " + sc.names.primary(), sc.names.primary(), sc.iso(restart), "no effect"));
    }
  }

  private static Map<String, Object> abortedConnection(Simulator.Scenario sc) {
    return Map.of("id", 1000 + sc.rnd.nextInt(90000), "db", "orders", "user", "app",
        "client", "10.0." + sc.rnd.nextInt(4) + "." + (10 + sc.rnd.nextInt(200)));
  }

  private static void failing(Simulator.Scenario sc, double from, double to, double max, List<String> keys) {
    sc.traffic.failFrom = from;
    sc.traffic.failTo = to;
    sc.traffic.failMax = max;
    sc.traffic.appFailKeys = keys;
  }

  /** The Redcrow outage: a replication parameter change makes every commit wait for a standby that never answers. */
  static void replicationMisconfig(Simulator.Scenario sc) {
    var n = sc.names;
    double change = sc.onset - sc.uniform(30, 150);
    String id = sc.nextChangeId();
    String param;
    String bad;
    String good;
    if (pg(sc)) {
      param = "synchronous_standby_names";
      good = "";
      bad = "FIRST 1 (" + n.replica().replace('-', '_') + "_new)";
    } else {
      param = "rpl_semi_sync_source_wait_for_replica_count";
      good = "1";
      bad = String.valueOf(2 + sc.rnd.nextInt(2));
    }
    sc.change(change, id, "config_change", n.primary(), param, good, bad, "dba-bot", "ticket", "OPS-" + (1000 + sc.rnd.nextInt(9000)));
    double revert = sc.recovery - sc.uniform(10, 40);
    if (pg(sc)) {
      sc.db(sc.primary, change + 1, "reload", Map.of());
      sc.db(sc.primary, change + 1.01, "param_changed", Map.of("param", param, "value", bad));
      sc.every(sc.onset, revert, 6, t -> sc.db(sc.primary, t, "sync_rep_cancel", Map.of()));
      sc.every(sc.onset + 30, revert, 4, t -> {
        sc.db(sc.primary, t, "statement_timeout", Map.of());
      });
      sc.every(sc.onset + 150, revert, 12, t -> sc.db(sc.primary, t, sc.rnd.nextInt(4) == 0 ? "remaining_slots" : "too_many_clients", Map.of()));
      double desync = sc.onset + sc.uniform(60, 400);
      sc.db(sc.primary, desync, "walsender_timeout", Map.of());
      sc.db(sc.replica, desync + 0.5, "wal_receive_failed", Map.of("reason", "server closed the connection unexpectedly"));
      sc.db(sc.replica, desync + 6, "streaming_started", Map.of("lsn", sc.lsn()));
    } else {
      sc.every(sc.onset, revert, 6, t -> sc.db(sc.primary, t, "semisync_timeout", Map.of("file", "000042",
          "pos", 100000 + sc.rnd.nextInt(900000), "prev", 90000)));
      sc.db(sc.primary, sc.onset + sc.uniform(20, 90), "semisync_off", Map.of());
      sc.every(sc.onset + 150, revert, 10, t -> sc.db(sc.primary, t, "aborted_connect_error", abortedConnection(sc)));
    }
    failing(sc, sc.onset, revert + 20, sc.uniform(0.5, 0.85),
        pg(sc) ? List.of("pool_timeout", "pool_timeout", "pg_statement_timeout", "pg_too_many_clients")
            : List.of("pool_timeout", "pool_timeout", "mysql_timeout", "mysql_too_many"));
    double restart = sc.onset + sc.uniform(900, Math.max(901, revert - sc.onset - 400));
    sc.restartPrimary(restart, "database overloaded");
    String revertId = sc.nextChangeId();
    sc.change(revert, revertId, "revert", n.primary(), param, bad, good, "oncall", "reverts", id);
    if (pg(sc)) {
      sc.db(sc.primary, revert + 1, "reload", Map.of());
      sc.db(sc.primary, revert + 1.01, "param_changed", Map.of("param", param, "value", good));
    } else {
      sc.db(sc.primary, revert + 2, "semisync_on", Map.of("file", "000042", "pos", 4));
    }
    sc.rootCause = new Labels.RootCause(n.primary(), "config_change", sc.iso(change), id,
        "change " + id + " set " + param + " to '" + bad + "': commits wait for a replica acknowledgement that never comes");
    if (pg(sc)) { // MySQL's error log does not record refused connections: only PostgreSQL's shows the pile-up
      sc.misleading.add(new Labels.Signal("connection_saturation", n.primary(), sc.iso(sc.onset + 150),
          "connections pile up because commits wait on replication; the database is not overloaded"));
    }
    sc.misleading.add(new Labels.Signal("restart", n.primary(), sc.iso(restart),
        "the reboot changed nothing: the bad setting is persistent"));
    sc.remediation.add(new Labels.Remediation("restart " + n.primary(), n.primary(), sc.iso(restart), "no effect"));
    sc.remediation.add(new Labels.Remediation("revert change " + id, n.primary(), sc.iso(revert), "recovered"));
  }

  /** An external surge: many clients never seen before; the spike is the cause. */
  static void trafficSurge(Simulator.Scenario sc) {
    var n = sc.names;
    var tr = sc.traffic;
    tr.attackFrom = sc.onset;
    tr.attackTo = sc.recovery;
    tr.attackRps = 2.5 * sc.settings.scale() * sc.uniform(4, 9);
    failing(sc, sc.onset, sc.recovery, sc.uniform(0.3, 0.6),
        pg(sc) ? List.of("pool_timeout", "pool_timeout", "pg_too_many_clients") : List.of("pool_timeout", "mysql_too_many"));
    sc.every(sc.onset + 90, sc.recovery, 6, t -> sc.db(sc.primary, t, pg(sc) ? "too_many_clients" : "aborted_connect_error",
        pg(sc) ? Map.of() : abortedConnection(sc)));
    String id = sc.nextChangeId();
    double mitigation = sc.recovery - sc.uniform(5, 30);
    sc.change(mitigation, id, "config_change", n.web(), "limit_req zone=perip rate", "off", "10r/s", "oncall", null, null);
    sc.rootCause = new Labels.RootCause(n.web(), "traffic_surge", sc.iso(sc.onset), null,
        "an external surge from thousands of new client addresses saturated the service");
    if (pg(sc)) { // MySQL's error log does not record refused connections: only PostgreSQL's shows the pile-up
      sc.misleading.add(new Labels.Signal("connection_saturation", n.primary(), sc.iso(sc.onset + 90),
          "the database runs out of connections because of the surge; it is a victim, not the cause"));
    }
    sc.remediation.add(new Labels.Remediation("rate limit on " + n.web() + " (" + id + ")", n.web(), sc.iso(mitigation), "recovered"));
  }

  /** A release brings a slow query; the database overloads and requests time out. */
  static void badDeploy(Simulator.Scenario sc) {
    var n = sc.names;
    double deploy = sc.onset - sc.uniform(20, 120);
    String id = sc.nextChangeId();
    int minor = 10 + sc.rnd.nextInt(30);
    String oldV = "v2." + minor + "." + sc.rnd.nextInt(9);
    String newV = "v2." + (minor + 1) + ".0";
    sc.change(deploy, id, "deploy", n.app(), "version", oldV, newV, "ci-bot", "commit", Long.toHexString(sc.rnd.nextLong() & 0xfffffffL));
    sc.appLog(deploy + sc.uniform(8, 20), "started", Map.of("secs", "11.8", "secs2", "12.6"));
    double rollback = sc.recovery - sc.uniform(10, 40);
    String sql = "SELECT o.* FROM orders o WHERE lower(o.customer_email) = $1 ORDER BY o.created_at DESC";
    if (pg(sc)) {
      sc.every(sc.onset, rollback, 20, t -> sc.db(sc.primary, t, "slow_statement",
          Map.of("ms", String.format(java.util.Locale.ROOT, "%.3f", sc.uniform(2000, 9000)), "sql", sql)));
      sc.every(sc.onset + 60, rollback, 3, t -> sc.db(sc.primary, t, "statement_timeout", Map.of()));
    } else {
      sc.every(sc.onset, rollback, 2, t -> sc.db(sc.primary, t, "semaphore_wait", Map.of()));
    }
    sc.traffic.slowFrom = sc.onset;
    sc.traffic.slowTo = rollback;
    failing(sc, sc.onset + 60, rollback + 10, sc.uniform(0.25, 0.6),
        pg(sc) ? List.of("pg_statement_timeout", "socket_timeout", "pool_timeout") : List.of("mysql_timeout", "socket_timeout", "pool_timeout"));
    String revertId = sc.nextChangeId();
    sc.change(rollback, revertId, "rollback", n.app(), "version", newV, oldV, "oncall", "reverts", id);
    sc.rootCause = new Labels.RootCause(n.app(), "deploy", sc.iso(deploy), id,
        "release " + newV + " brought a query that cannot use an index");
    sc.misleading.add(new Labels.Signal("overload", n.primary(), sc.iso(sc.onset),
        "the database is slow because of the new release's query, not on its own"));
    maybeUselessPrimaryRestart(sc, 600, 1200, "database CPU at 100%", "the reboot changed nothing");
    sc.remediation.add(new Labels.Remediation("roll back " + id, n.app(), sc.iso(rollback), "recovered"));
  }

  /** The replica falls behind (a long query, network trouble on the replica): reads fail, writes are fine. */
  static void replicaLag(Simulator.Scenario sc) {
    var n = sc.names;
    sc.traffic.onlyReports = true;
    failing(sc, sc.onset, sc.recovery, sc.uniform(0.6, 0.9),
        pg(sc) ? List.of("pg_recovery_conflict", "stale_read") : List.of("stale_read", "mysql_timeout"));
    sc.every(sc.onset, sc.recovery, 8, t -> sc.appLog(t, "stale_read", Map.of("id", 80000 + sc.rnd.nextInt(20000))));
    if (pg(sc)) {
      sc.every(sc.onset, sc.recovery, 6, t -> sc.db(sc.replica, t, "recovery_conflict", Map.of()));
      sc.db(sc.replica, sc.onset + 5, "wal_receive_failed", Map.of("reason", "could not receive data from server: Connection timed out"));
      sc.every(sc.onset + 10, sc.recovery, 1, t -> sc.db(sc.replica, t, "wal_connect_failed", Map.of("primary", n.primaryHost())));
      sc.db(sc.replica, sc.recovery, "streaming_started", Map.of("lsn", sc.lsn()));
    } else {
      int[] attempt = {1};
      sc.every(sc.onset, sc.recovery, 1, t -> sc.db(sc.replica, t, "replica_io_error", Map.of("primary", n.primaryHost(), "n", attempt[0]++)));
      sc.db(sc.replica, sc.recovery, "replica_connected", Map.of("primary", n.primaryHost(), "file", sc.binlog(), "pos", 4));
    }
    sc.rootCause = new Labels.RootCause(n.replica(), "replication_fault", sc.iso(sc.onset), null,
        "the replica lost its replication stream and fell behind; reads from it fail or are stale");
    sc.remediation.add(new Labels.Remediation("replica catches up", n.replica(), sc.iso(sc.recovery), "recovered"));
  }

  /** The primary's disk fills: writes fail, then the server panics and restarts in a loop. */
  static void diskFull(Simulator.Scenario sc) {
    var n = sc.names;
    double cleanup = sc.recovery - sc.uniform(30, 90);
    if (pg(sc)) {
      sc.every(sc.onset - 1800, sc.onset, 1, t -> sc.db(sc.primary, t, "archive_failed",
          Map.of("seg", String.format("0000000100000%03X000000%02X", sc.rnd.nextInt(4096), sc.rnd.nextInt(256)))));
      sc.every(sc.onset, cleanup, 10, t -> sc.db(sc.primary, t, "disk_full", Map.of("oid", 16384, "rel", 16400 + sc.rnd.nextInt(50))));
      for (double t = sc.onset + sc.uniform(120, 300); t < cleanup - 60; t += sc.uniform(300, 600)) {
        int pid = sc.pid();
        sc.db(sc.primary, t, "wal_disk_full", Map.of("pid", pid));
        sc.db(sc.primary, t + 0.1, "terminated_backend", Map.of("pid", pid));
        sc.db(sc.primary, t + 2, "crash_recovery", Map.of("ts", sc.iso(t - 60).replace('T', ' ').replace("Z", " UTC")));
        sc.db(sc.primary, t + 9, "ready", Map.of());
        sc.traffic.downtime(t, t + 9);
      }
    } else {
      sc.every(sc.onset, cleanup, 1, t -> sc.db(sc.primary, t, "disk_full", Map.of("file", "000042")));
    }
    failing(sc, sc.onset, cleanup + 10, sc.uniform(0.4, 0.8),
        pg(sc) ? List.of("pg_disk_full", "pg_statement_timeout") : List.of("mysql_disk_full", "mysql_timeout"));
    String id = sc.nextChangeId();
    sc.change(cleanup, id, "ops", n.primary(), "disk", "100% used", "62% used", "oncall", "action", "removed old WAL archives and binlogs");
    sc.rootCause = new Labels.RootCause(n.primary(), "resource_exhaustion", sc.iso(sc.onset), null,
        "the primary's data volume is full");
    maybeUselessPrimaryRestart(sc, 300, 900, "database not responding", "a reboot does not free disk space");
    sc.remediation.add(new Labels.Remediation("free disk space (" + id + ")", n.primary(), sc.iso(cleanup), "recovered"));
  }

  /** An app config change shrinks the connection pool; the database is healthy, the app starves. */
  static void poolExhaustion(Simulator.Scenario sc) {
    var n = sc.names;
    double change = sc.onset - sc.uniform(20, 100);
    String id = sc.nextChangeId();
    String param = "spring.datasource.hikari.maximum-pool-size";
    String good = String.valueOf(30 + sc.rnd.nextInt(30));
    String bad = String.valueOf(2 + sc.rnd.nextInt(4));
    sc.change(change, id, "config_change", n.app(), param, good, bad, "dev-" + sc.rnd.nextInt(20), null, null);
    sc.appLog(change + sc.uniform(8, 20), "started", Map.of("secs", "10.2", "secs2", "11.0"));
    double revert = sc.recovery - sc.uniform(10, 40);
    failing(sc, sc.onset, revert + 20, sc.uniform(0.4, 0.8), List.of("pool_timeout"));
    String revertId = sc.nextChangeId();
    sc.change(revert, revertId, "revert", n.app(), param, bad, good, "oncall", "reverts", id);
    sc.appLog(revert + sc.uniform(8, 20), "started", Map.of("secs", "10.5", "secs2", "11.3"));
    sc.rootCause = new Labels.RootCause(n.app(), "config_change", sc.iso(change), id,
        "change " + id + " cut the app's connection pool to " + bad);
    maybeUselessPrimaryRestart(sc, 600, 1200, "app cannot get database connections", "the database was never the problem");
    sc.remediation.add(new Labels.Remediation("revert change " + id, n.app(), sc.iso(revert), "recovered"));
  }

  /** The app cannot reach the database; the database logs are quiet. */
  static void networkPartition(Simulator.Scenario sc) {
    var n = sc.names;
    double fix = sc.recovery - sc.uniform(5, 20);
    failing(sc, sc.onset, fix, sc.uniform(0.6, 0.95),
        pg(sc) ? List.of("connect_timeout", "no_route", "pg_refused", "pool_timeout")
            : List.of("connect_timeout", "no_route", "mysql_link_failure", "pool_timeout"));
    if (sc.rnd.nextBoolean()) {
      double restart = sc.onset + sc.uniform(400, 900);
      String rid = sc.nextChangeId();
      sc.change(restart, rid, "restart", n.app(), null, null, null, "oncall", "reason", "database connection errors");
      sc.appLog(restart + sc.uniform(10, 20), "started", Map.of("secs", "12.1", "secs2", "12.9"));
      sc.misleading.add(new Labels.Signal("restart", n.app(), sc.iso(restart), "restarting the app does not restore the network path"));
      sc.remediation.add(new Labels.Remediation("restart " + n.app(), n.app(), sc.iso(restart), "no effect"));
    }
    String id = sc.nextChangeId();
    sc.change(fix, id, "network", n.app(), "security group rule app->db:" + (pg(sc) ? 5432 : 3306), "missing", "restored", "netops", null, null);
    sc.rootCause = new Labels.RootCause(n.app(), "network", sc.iso(sc.onset), null,
        "the network path from " + n.app() + " to " + n.primary() + " was cut");
    sc.remediation.add(new Labels.Remediation("restore network path (" + id + ")", n.app(), sc.iso(fix), "recovered"));
  }

  /** A batch job takes row locks in the opposite order of the app: lock waits, deadlocks, timeouts. */
  static void lockContention(Simulator.Scenario sc) {
    var n = sc.names;
    double start = sc.onset - sc.uniform(10, 60);
    double end = sc.recovery - sc.uniform(5, 20);
    sc.appLog(start, "batch_start", Map.of("job", "order-reindex", "rows", 2_000_000 + sc.rnd.nextInt(5_000_000)));
    if (pg(sc)) {
      sc.every(sc.onset, end, 8, t -> sc.db(sc.primary, t, "lock_wait", Map.of("pid", sc.pid(), "tx", 259635360 + sc.rnd.nextInt(9999), "holder", sc.pid())));
      sc.every(sc.onset, end, 1.5, t -> sc.db(sc.primary, t, "deadlock", Map.of("pid1", sc.pid(), "pid2", sc.pid(),
          "tx1", 259635360 + sc.rnd.nextInt(9999), "tx2", 259635360 + sc.rnd.nextInt(9999))));
      sc.every(sc.onset + 30, end, 3, t -> sc.db(sc.primary, t, "lock_timeout", Map.of()));
    } else {
      sc.every(sc.onset, end, 2, t -> sc.db(sc.primary, t, "deadlock", Map.of()));
    }
    failing(sc, sc.onset, end, sc.uniform(0.2, 0.5),
        pg(sc) ? List.of("pg_deadlock", "pg_statement_timeout") : List.of("mysql_deadlock", "mysql_lock_wait"));
    sc.appLog(end, "batch_done", Map.of("job", "order-reindex", "secs", Math.round(end - start)));
    sc.rootCause = new Labels.RootCause(n.primary(), "lock_contention", sc.iso(sc.onset), null,
        "batch job order-reindex holds row locks the app needs");
    sc.remediation.add(new Labels.Remediation("batch job finished", n.app(), sc.iso(end), "recovered"));
  }
}
