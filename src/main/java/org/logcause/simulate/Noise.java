package org.logcause.simulate;

import java.util.Map;

/**
 * What every scenario's logs carry besides the outage: health checks, vulnerability scanners, checkpoints and
 * vacuum, routine connection logs, a nightly backup warning, a loud error stream nobody fixes, and changes that
 * have nothing to do with the outage.
 */
final class Noise {
  private static final String[] SCANNER_PATHS = {
    "/wp-login.php", "/.env", "/admin.php", "/phpmyadmin/index.php", "/.git/config", "/cgi-bin/luci", "/xmlrpc.php",
    "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/actuator/env", "/HNAP1/"
  };

  private Noise() {}

  static void add(Simulator.Scenario sc) {
    double end = Simulator.Scenario.DURATION_S;
    // load balancer health checks
    for (double t = sc.uniform(0, 5); t < end; t += 5) {
      sc.access.access(sc.at(t), "10.0.0.2", "GET", "/healthz", 200, 2, "ELB-HealthChecker/2.0", 0.001);
    }
    // vulnerability scanners: bursts of 404s from one address
    sc.every(0, end, 0.08, t -> {
      String ip = (20 + sc.rnd.nextInt(200)) + "." + sc.rnd.nextInt(256) + "." + sc.rnd.nextInt(256) + "." + sc.rnd.nextInt(256);
      int n = 10 + sc.rnd.nextInt(25);
      for (int i = 0; i < n; i++) {
        sc.access.access(sc.at(t + i * 0.3), ip, "GET", SCANNER_PATHS[sc.rnd.nextInt(SCANNER_PATHS.length)], 404, 153,
            "Mozilla/5.0 zgrab/0.x", 0.001);
      }
    });
    // the loud error stream nobody fixes, and a periodic warning
    for (double t = sc.uniform(0, 30); t < end; t += 30) {
      sc.appLog(t, "metrics_noise", Map.of());
    }
    sc.every(0, end, 0.2, t -> sc.appLog(t, "cache_noise", Map.of("ms", 800 + sc.rnd.nextInt(3000))));
    // database housekeeping
    if (sc.flavour == Flavour.POSTGRES) {
      int checkpointer = sc.pid();
      int standbyCheckpointer = sc.pid();
      for (double t = sc.uniform(0, 300); t < end; t += 300) {
        checkpoint(sc, sc.primary, t, "checkpoint_start", "checkpoint_done", checkpointer);
        checkpoint(sc, sc.replica, t + sc.uniform(5, 60), "restartpoint_start", "restartpoint_done", standbyCheckpointer);
      }
      String[] tables = {"orders", "order_items", "carts", "sessions", "payments"};
      sc.every(0, end, 0.15, t -> sc.db(sc.primary, t, "autovacuum", Map.of("db", "orders",
          "table", tables[sc.rnd.nextInt(tables.length)])));
      sc.every(0, end, 2, t -> {
        String client = "10.0." + sc.rnd.nextInt(4) + "." + (10 + sc.rnd.nextInt(200));
        int backend = sc.pid();
        sc.db(sc.primary, t, "connection_received", Map.of("client", client, "port", 30000 + sc.rnd.nextInt(30000)), backend);
        sc.db(sc.primary, t + 0.004, "connection_authorized", Map.of("user", "app", "db", "orders", "app", "PostgreSQL JDBC Driver"), backend);
      });
      double backup = sc.uniform(0, end - 600);
      for (int i = 0; i < 3; i++) {
        sc.db(sc.primary, backup + i * 60, "backup_warning", Map.of("secs", 60 * (i + 1)));
      }
    } else {
      for (LogSink sink : java.util.List.of(sc.primary, sc.replica)) {
        sc.every(0, end, 0.3, t -> sc.db(sink, t, "connection_warning", Map.of("client", "10.0." + sc.rnd.nextInt(4) + "." + (10 + sc.rnd.nextInt(200)))));
        sc.every(0, end, 0.25, t -> sc.db(sink, t, "aborted_connection", Map.of("id", 1000 + sc.rnd.nextInt(90000),
            "db", "orders", "user", "app", "client", "10.0." + sc.rnd.nextInt(4) + "." + (10 + sc.rnd.nextInt(200)))));
      }
    }
    // the nightly backup job, from the app host's cron
    double job = sc.uniform(0, end - 900);
    sc.appLog(job, "batch_start", Map.of("job", "nightly-backup", "rows", 0));
    sc.appLog(job + sc.uniform(300, 800), "batch_done", Map.of("job", "nightly-backup", "secs", 300 + sc.rnd.nextInt(500)));
    // changes unrelated to the outage, well away from it
    if (sc.rnd.nextBoolean()) {
      double t = sc.uniform(60, Math.max(120, sc.onset - 2700));
      sc.change(t, sc.nextChangeId(), "config_change", sc.names.app(), "logging.level.com.zaxxer.hikari", "INFO", "DEBUG",
          "dev-" + sc.rnd.nextInt(20), null, null);
    }
    if (sc.rnd.nextBoolean()) {
      double t = Math.min(end - 60, sc.recovery + sc.uniform(600, 1500));
      sc.change(t, sc.nextChangeId(), "deploy", "search-indexer", "version", "1.4." + sc.rnd.nextInt(9),
          "1.4." + (10 + sc.rnd.nextInt(9)), "ci-bot", null, null);
    }
  }

  private static void checkpoint(Simulator.Scenario sc, LogSink sink, double t, String start, String done, int pid) {
    sc.db(sink, t, start, Map.of(), pid);
    int buffers = 50 + sc.rnd.nextInt(3000);
    double write = sc.uniform(2, 140);
    sc.db(sink, t + write + 0.5, done, Map.of("buffers", buffers, "pct", String.format(java.util.Locale.ROOT, "%.1f", buffers / 163.84),
        "recycled", sc.rnd.nextInt(4), "write", String.format(java.util.Locale.ROOT, "%.3f", write), "total", String.format(java.util.Locale.ROOT, "%.3f", write + 0.5),
        "files", 10 + sc.rnd.nextInt(60), "dist", 1000 + sc.rnd.nextInt(90000)), pid);
  }
}
