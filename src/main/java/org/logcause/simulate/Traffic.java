package org.logcause.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Requests through web and app: a population of known clients with skewed activity, failures while the outage
 * lasts, and clients that retry what failed a few seconds later (the "traffic spike" of a retry storm). An
 * external surge adds many clients never seen before.
 */
final class Traffic {
  private static final String[] AGENTS = {
    "orders-mobile/5.2 (Android 14)", "orders-mobile/5.2 (iOS 17.5)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "partner-sync/1.8 (+https://partner.example)"
  };
  private static final String[] BOT_AGENTS = {
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", "python-requests/2.31.0", "Go-http-client/1.1",
    "curl/8.4.0", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
  };

  private final Simulator.Scenario sc;
  private final List<String> clients = new ArrayList<>();
  private final List<String> clientAgents = new ArrayList<>();
  private final List<double[]> downtimes = new ArrayList<>();

  // The outage as the requests see it; set by the family's plan.
  double failFrom = -1;
  double failTo = -1;
  double failMax;
  List<String> appFailKeys = List.of();
  int failStatus = 504;
  boolean onlyReports;
  double slowFrom = -1;
  double slowTo = -1;
  double attackFrom = -1;
  double attackTo = -1;
  double attackRps;

  private final double volume;

  Traffic(Simulator.Scenario sc) {
    this.sc = sc;
    this.volume = sc.uniform(0.6, 1.6); // request volume varies by seed
    int known = 120 + sc.rnd.nextInt(200);
    for (int i = 0; i < known; i++) {
      clients.add(ip(sc.rnd.nextInt(3) == 0 ? 198 : 203, sc.rnd.nextBoolean() ? 51 : 0));
      clientAgents.add(AGENTS[sc.rnd.nextInt(AGENTS.length)]);
    }
  }

  private String ip(int a, int b) {
    return a + "." + (b == 0 ? 0 : 51) + "." + (b == 0 ? 113 : 100) + "." + (1 + sc.rnd.nextInt(254));
  }

  void downtime(double from, double to) {
    downtimes.add(new double[] {from, to});
  }

  private boolean down(double t) {
    for (double[] d : downtimes) {
      if (t >= d[0] && t < d[1]) return true;
    }
    return false;
  }

  private double failProbability(double t) {
    if (t < failFrom || t >= failTo) return 0;
    return failMax * Math.min(1, (t - failFrom) / 120.0); // symptoms build up over two minutes
  }

  void generate() {
    double rps = 2.5 * sc.settings.scale() * volume;
    sc.every(0, Simulator.Scenario.DURATION_S, rps * 60, t -> {
      int c = zipf(clients.size());
      request(t, c, path(), 0);
    });
    if (attackFrom >= 0) {
      int botCount = 1500 + sc.rnd.nextInt(4000);
      List<String> bots = new ArrayList<>();
      for (int i = 0; i < botCount; i++) {
        bots.add((11 + sc.rnd.nextInt(180)) + "." + sc.rnd.nextInt(256) + "." + sc.rnd.nextInt(256) + "." + (1 + sc.rnd.nextInt(254)));
      }
      sc.every(attackFrom, attackTo, attackRps * 60, t -> {
        String ip = bots.get(sc.rnd.nextInt(bots.size()));
        String path = sc.rnd.nextBoolean() ? "/" : sc.rnd.nextBoolean() ? "/api/products?page=" + sc.rnd.nextInt(500) : "/search?q=" + Long.toString(sc.rnd.nextLong() & 0xffffff, 36);
        boolean fails = sc.rnd.nextDouble() < failProbability(t);
        int status = fails ? (sc.rnd.nextBoolean() ? 503 : 504) : 200;
        double latency = fails ? (status == 504 ? sc.uniform(30, 60) : sc.uniform(0.001, 0.01)) : sc.uniform(0.02, 0.4);
        sc.access.access(sc.at(t + latency), ip, "GET", path, status, fails ? 197 : 1000 + sc.rnd.nextInt(30000),
            BOT_AGENTS[sc.rnd.nextInt(BOT_AGENTS.length)], latency);
      });
    }
  }

  private void request(double t, int client, String[] route, int attempt) {
    String method = route[0];
    String path = route[1];
    boolean reportPath = path.startsWith("/api/reports");
    boolean fails = down(t) || (!onlyReports || reportPath) && sc.rnd.nextDouble() < failProbability(t);
    String ip = clients.get(client);
    if (fails) {
      boolean timeout = failStatus == 504 && !down(t);
      double latency = timeout ? sc.uniform(30, 60) : sc.uniform(0.002, 0.5);
      int status = down(t) ? 502 : failStatus;
      sc.access.access(sc.at(t + latency), ip, method, path, status, status == 502 ? 157 : 167, clientAgents.get(client), latency);
      if (sc.rnd.nextDouble() < 0.6) {
        String key = down(t) ? (sc.flavour == Flavour.POSTGRES ? "pg_refused" : "mysql_link_failure")
            : appFailKeys.get(sc.rnd.nextInt(appFailKeys.size()));
        sc.appLog(t + Math.max(0, latency - 0.05), key, Map.of("id", 80000 + sc.rnd.nextInt(20000),
            "oid", 16384, "rel", 16400 + sc.rnd.nextInt(50)));
      }
      if (attempt < 3 && sc.rnd.nextDouble() < 0.75) {
        request(t + latency + sc.uniform(0.5, 5), client, route, attempt + 1); // the client retries
      }
      return;
    }
    boolean slow = t >= slowFrom && t < slowTo;
    double latency = slow ? sc.uniform(1.5, 9) : Math.exp(sc.rnd.nextGaussian() * 0.5 - 3.2);
    int status = method.equals("POST") ? 201 : 200;
    sc.access.access(sc.at(t + latency), ip, method, path, status, 200 + sc.rnd.nextInt(4000), clientAgents.get(client), latency);
    if (sc.settings.statementLog() && sc.flavour == Flavour.POSTGRES) {
      statements(t, method, path, latency);
    }
    if (slow && sc.rnd.nextDouble() < 0.3) {
      sc.appLog(t + latency, "slow_request", Map.of("method", method, "path", path, "ms", Math.round(latency * 1000)));
    } else if (sc.rnd.nextDouble() < 0.08) {
      sc.appLog(t + latency, "request_ok", Map.of("method", method, "path", path, "status", status,
          "ms", Math.round(latency * 1000)));
    }
  }

  /** The statements a served request ran on the primary, each logged with its duration (its own random source). */
  private void statements(double t, String method, String path, double latency) {
    java.util.SplittableRandom r = sc.statements;
    int pid = 2000 + r.nextInt(400); // a pooled connection's backend
    int n = 1 + r.nextInt(3);
    double at = t + latency * 0.1;
    for (int i = 0; i < n; i++) {
      double ms = latency * 1000 * (0.05 + 0.6 * r.nextDouble()) / n;
      at += ms / 1000;
      sc.primary.postgresStatement(sc.at(at), pid, "app", "orders", ms, sql(method, path, i, r));
    }
  }

  private static String sql(String method, String path, int i, java.util.SplittableRandom r) {
    int id = 80000 + r.nextInt(20000);
    if (path.startsWith("/api/orders/")) {
      return i == 0 ? "SELECT o.id, o.status, o.total FROM orders o WHERE o.id = " + path.substring(12)
          : "SELECT i.sku, i.qty, i.price FROM order_items i WHERE i.order_id = " + path.substring(12);
    }
    if (path.startsWith("/api/orders")) {
      return i == 0 ? "INSERT INTO orders (customer_id, status, total) VALUES (" + r.nextInt(50000) + ", 'new', "
          + (1 + r.nextInt(500)) + "." + r.nextInt(100) + ") RETURNING id"
          : "INSERT INTO order_items (order_id, sku, qty, price) VALUES (" + id + ", 'SKU-" + r.nextInt(9000) + "', "
              + (1 + r.nextInt(4)) + ", " + (1 + r.nextInt(200)) + ".99)";
    }
    if (path.startsWith("/api/products")) {
      return "SELECT p.id, p.name, p.price FROM products p ORDER BY p.id LIMIT 50 OFFSET " + 50 * r.nextInt(40);
    }
    if (path.startsWith("/api/cart")) {
      return method.equals("POST") ? "UPDATE carts SET updated_at = now(), items = items + 1 WHERE session_id = '"
          + Long.toHexString(r.nextLong() & 0xffffffffL) + "'"
          : "SELECT c.items, c.total FROM carts c WHERE c.session_id = '" + Long.toHexString(r.nextLong() & 0xffffffffL) + "'";
    }
    return "SELECT date_trunc('hour', created_at) AS h, count(*) FROM orders WHERE created_at >= now() - interval '"
        + (1 + r.nextInt(28)) + " days' GROUP BY 1 ORDER BY 1";
  }

  private String[] path() {
    int r = sc.rnd.nextInt(100);
    if (r < 30) return new String[] {"GET", "/api/products?page=" + (1 + sc.rnd.nextInt(40))};
    if (r < 55) return new String[] {"GET", "/api/orders/" + (80000 + sc.rnd.nextInt(20000))};
    if (r < 70) return new String[] {"POST", "/api/orders"};
    if (r < 85) return new String[] {"GET", "/api/cart"};
    if (r < 93) return new String[] {"POST", "/api/cart/items"};
    return new String[] {"GET", "/api/reports/daily?day=" + (1 + sc.rnd.nextInt(28))};
  }

  /** A client index with Zipf-like skew: a few clients make most requests, as in real traffic. */
  private int zipf(int n) {
    double u = sc.rnd.nextDouble();
    return Math.min(n - 1, (int) Math.floor(Math.pow(n + 1, u)) - 1);
  }
}
