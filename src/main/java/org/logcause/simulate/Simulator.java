package org.logcause.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a labelled outage: the logs of web, app, database primary and replica and the change feed, in their real
 * formats, plus a job spec and {@code labels.json}. Everything is drawn from one seeded random source, so a
 * family and a seed give the same files byte for byte.
 */
public final class Simulator {
  static final Wordings WORDS = Wordings.load();
  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /**
   * @param start the scenario's first second (null: drawn from the seed)
   * @param flavour the database (null: drawn from the seed)
   * @param scale multiplies the request rate (1 = about 2.5 requests/s, a few MB of logs for two hours)
   * @param statementLog PostgreSQL: the primary also logs every statement with its duration
   *     ({@code log_min_duration_statement = 0}, pgBadger's usual input), one to three per request served; drawn
   *     from a random source of its own, so every other line is the same as without it
   */
  public record Settings(Family family, long seed, double scale, Instant start, Flavour flavour, boolean statementLog) {
    public Settings {
      if (scale <= 0) {
        throw new IllegalArgumentException("--scale must be above 0, cannot be: " + scale);
      }
    }

    public Settings(Family family, long seed, double scale, Instant start, Flavour flavour) {
      this(family, seed, scale, start, flavour, false);
    }
  }

  private Simulator() {}

  /** Writes the scenario under {@code dir} and returns its labels. */
  public static Labels write(Settings settings, Path dir) throws IOException {
    Scenario sc = new Scenario(settings);
    sc.generate();
    return sc.writeTo(dir);
  }

  /** One scenario being generated. */
  static final class Scenario {
    static final long DURATION_S = 7200;

    final Settings settings;
    final SplittableRandom rnd;
    final SplittableRandom statements; // the statement log's own draws (Settings.statementLog)
    final Flavour flavour;
    final Names names;
    final long t0Micros;
    final double onset;
    final double recovery;
    final LogSink access;
    final LogSink app;
    final LogSink primary;
    final LogSink replica;
    final LogSink changes;
    final Traffic traffic;
    final List<Labels.Signal> misleading = new ArrayList<>();
    final List<Labels.Remediation> remediation = new ArrayList<>();
    Labels.RootCause rootCause;
    int changeCounter;

    Scenario(Settings s) {
      this.settings = s;
      this.rnd = new SplittableRandom(s.seed() * 31 + s.family().ordinal());
      this.statements = new SplittableRandom(s.seed() * 7919 + s.family().ordinal());
      this.flavour = s.flavour() != null ? s.flavour() : rnd.nextInt(3) == 0 ? Flavour.MYSQL : Flavour.POSTGRES;
      this.names = Names.draw(rnd);
      Instant start = s.start() != null ? s.start()
          : Instant.parse("2024-01-01T00:00:00Z").plus(rnd.nextInt(365), ChronoUnit.DAYS).plus(rnd.nextInt(24), ChronoUnit.HOURS);
      this.t0Micros = start.getEpochSecond() * 1_000_000L;
      this.onset = 3000 + rnd.nextInt(1200);
      this.recovery = onset + 1800 + rnd.nextInt(1800);
      this.changeCounter = 10 + rnd.nextInt(80);
      String dbLog = flavour == Flavour.POSTGRES ? "postgresql.log" : "mysqld.log";
      this.access = new LogSink("logs/" + names.webHost() + "/access.log", skew());
      this.app = new LogSink("logs/" + names.appHost() + "/app.jsonl", skew());
      this.primary = new LogSink("logs/" + names.primaryHost() + "/" + dbLog, skew());
      this.replica = new LogSink("logs/" + names.replicaHost() + "/" + dbLog, skew());
      this.changes = new LogSink("changes/changes.jsonl", 0);
      this.traffic = new Traffic(this);
    }

    private double skew() {
      return Math.round((rnd.nextDouble() * 10 - 5) * 1000) / 1000d; // up to ±5 s between hosts
    }

    long at(double seconds) {
      return t0Micros + Math.round(seconds * 1_000_000d);
    }

    String iso(double seconds) {
      long m = at(seconds);
      return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L).toString();
    }

    double uniform(double lo, double hi) {
      return lo + rnd.nextDouble() * (hi - lo);
    }

    /** Poisson arrivals at {@code perMinute} between two times. */
    void every(double from, double to, double perMinute, java.util.function.DoubleConsumer action) {
      if (perMinute <= 0) return;
      double t = from;
      while (true) {
        t += -Math.log(1 - rnd.nextDouble()) * 60.0 / perMinute;
        if (t >= to) return;
        action.accept(t);
      }
    }

    String nextChangeId() {
      return "c-" + (changeCounter++);
    }

    void generate() {
      Noise.add(this);
      Outages.plan(this);
      traffic.generate();
    }

    // ---- database helpers that hide the flavour

    int pid() {
      return 1000 + rnd.nextInt(60000);
    }

    void db(LogSink sink, double t, String key, Map<String, ?> v) {
      db(sink, t, key, v, flavour == Flavour.POSTGRES ? pid() : rnd.nextInt(200));
    }

    /** A database line from a given process (PostgreSQL pid) or thread (MySQL). */
    void db(LogSink sink, double t, String key, Map<String, ?> v, int process) {
      Wordings.Message m = WORDS.db(flavour, key);
      if (flavour == Flavour.POSTGRES) {
        boolean session = m.level().equals("ERROR") || m.level().equals("WARNING") || key.startsWith("connection_authorized")
            || key.equals("slow_statement");
        sink.postgres(at(t), process, session ? "app" : null, "orders", m, v);
      } else {
        sink.mysql(at(t), process, m, v);
      }
    }

    void appLog(double t, String key, Map<String, ?> v) {
      Map<String, Object> all = new LinkedHashMap<>(v);
      all.putIfAbsent("service", names.app());
      all.putIfAbsent("db_host", names.primaryHost());
      app.app(at(t), WORDS.app(key), all, "http-nio-8080-exec-" + (1 + rnd.nextInt(200)),
          Long.toHexString(rnd.nextLong() & 0xffffffffffL));
    }

    void change(double t, String id, String type, String target, String parameter, String oldValue, String newValue,
        String actor, String extraKey, String extraValue) {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("id", id);
      f.put("type", type);
      f.put("target", target);
      f.put("parameter", parameter);
      f.put("old", oldValue);
      f.put("new", newValue);
      f.put("actor", actor);
      if (extraKey != null) {
        f.put(extraKey, extraValue);
      }
      changes.change(at(t), f);
    }

    /** A restart of the primary: its shutdown and startup lines, the replica losing and regaining the stream. */
    void restartPrimary(double t, String why) {
      String id = nextChangeId();
      change(t, id, "restart", names.primary(), null, null, null, "oncall", "reason", why);
      double up = t + uniform(12, 40);
      if (flavour == Flavour.POSTGRES) {
        db(primary, t + 1, "shutdown_request", Map.of());
        db(primary, t + 1.2, "aborting", Map.of());
        db(primary, t + 2.5, "shutting_down", Map.of());
        db(primary, t + 3, "shut_down", Map.of());
        db(primary, up, "starting", Map.of());
        db(primary, up + 0.4, "ready", Map.of());
        db(replica, t + 3.1, "wal_receive_failed", Map.of("reason", "server closed the connection unexpectedly"));
        db(replica, up + 2, "streaming_started", Map.of("lsn", lsn()));
      } else {
        db(primary, t + 1, "shutdown_request", Map.of());
        db(primary, t + 4, "shut_down", Map.of());
        db(primary, up, "starting", Map.of("pid", pid()));
        db(primary, up + 3, "ready", Map.of());
        db(replica, t + 5, "replica_io_error", Map.of("primary", names.primaryHost(), "n", 1));
        db(replica, up + 60, "replica_connected", Map.of("primary", names.primaryHost(), "file", binlog(), "pos", 4));
      }
      traffic.downtime(t + 1, up);
    }

    String lsn() {
      return Integer.toHexString(0x20 + rnd.nextInt(0x40)).toUpperCase() + "/" + String.format(java.util.Locale.ROOT, "%08X", rnd.nextInt() & 0x7f000000);
    }

    String binlog() {
      return String.format(java.util.Locale.ROOT, "%06d", 10 + rnd.nextInt(900));
    }

    Labels writeTo(Path dir) throws IOException {
      Files.createDirectories(dir);
      List<Labels.CorruptLine> corrupted = new ArrayList<>();
      StringBuilder truth = new StringBuilder("# file\tline\tcategory (the taxonomy category of each written line)\n");
      for (LogSink sink : List.of(access, app, primary, replica, changes)) {
        List<String[]> lines = render(sink);
        if (sink == access || sink == app) {
          // Real collection loses and reorders a few lines; a few scenarios also carry a cut line on purpose.
          lines = degrade(lines);
          if (rnd.nextInt(5) < 2) {
            int i = 1 + rnd.nextInt(Math.max(1, lines.size() - 2));
            String l = lines.get(i)[0];
            lines.set(i, new String[] {l.substring(0, Math.max(1, Math.min(l.length() / 3, 25))), null});
            corrupted.add(new Labels.CorruptLine(sink.file, i + 1L));
          }
        }
        Path file = dir.resolve(sink.file);
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
          text.append(lines.get(i)[0]).append('\n');
          if (lines.get(i)[1] != null) {
            truth.append(sink.file).append('\t').append(i + 1).append('\t').append(lines.get(i)[1]).append('\n');
          }
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
      }
      Files.createDirectories(dir.resolve("truth"));
      Files.writeString(dir.resolve("truth/lines.tsv"), truth.toString(), StandardCharsets.UTF_8);
      Labels labels = labels(corrupted);
      Files.writeString(dir.resolve("labels.json"), JSON.writeValueAsString(labels) + "\n");
      Files.writeString(dir.resolve("job.yaml"), "# Written by: logcause simulate --scenario " + settings.family().id()
          + " --seed " + settings.seed() + "\n" + YAML.writeValueAsString(jobSpec()));
      return labels;
    }

    /** Each line as {text, truth category}. */
    private List<String[]> render(LogSink sink) {
      List<String[]> out = new ArrayList<>();
      for (LogSink.Line l : sink.sorted()) {
        out.add(new String[] {l.renderer().render(sink.hostTime(l.trueMicros())), l.category()});
      }
      return out;
    }

    private List<String[]> degrade(List<String[]> lines) {
      List<String[]> out = new ArrayList<>(lines.size());
      for (String[] l : lines) {
        if (rnd.nextInt(1000) < 3) {
          continue; // lost
        }
        out.add(l);
      }
      for (int i = 1; i < out.size(); i++) {
        if (rnd.nextInt(1000) < 2) {
          String[] late = out.get(i - 1); // written a moment late
          out.set(i - 1, out.get(i));
          out.set(i, late);
        }
      }
      return out;
    }

    private Labels labels(List<Labels.CorruptLine> corrupted) {
      Map<String, String> components = new LinkedHashMap<>();
      components.put("web", names.web());
      components.put("app", names.app());
      components.put("db_primary", names.primary());
      components.put("db_replica", names.replica());
      Map<String, Double> skew = new LinkedHashMap<>();
      skew.put(names.webHost(), access.skewSeconds);
      skew.put(names.appHost(), app.skewSeconds);
      skew.put(names.primaryHost(), primary.skewSeconds);
      skew.put(names.replicaHost(), replica.skewSeconds);
      boolean incident = settings.family() != Family.NO_INCIDENT;
      return new Labels(settings.family().id() + "-" + settings.seed(), settings.family().id(), settings.seed(),
          flavour.name().toLowerCase(), incident ? new Labels.Window(iso(onset), iso(recovery)) : null, rootCause,
          List.copyOf(misleading), List.copyOf(remediation), components, skew, corrupted);
    }

    private Map<String, Object> jobSpec() {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("job", settings.family().id() + "-" + settings.seed());
      spec.put("output", "out");
      Map<String, List<String>> topology = new LinkedHashMap<>();
      topology.put(names.web(), List.of(names.app()));
      topology.put(names.app(), List.of(names.primary(), names.replica()));
      topology.put(names.primary(), List.of(names.replica()));
      spec.put("topology", topology);
      List<Map<String, Object>> sources = new ArrayList<>();
      sources.add(source("web", names.web(), names.webHost(), "access", access.file, null));
      sources.add(source("app", names.app(), names.appHost(), "json", app.file, null));
      Map<String, String> pg = Map.of("log_line_prefix", LogSink.PG_PREFIX);
      String dbFormat = flavour == Flavour.POSTGRES ? "postgres" : "mysql-error";
      sources.add(source("db-primary", names.primary(), names.primaryHost(), dbFormat, primary.file,
          flavour == Flavour.POSTGRES ? pg : null));
      sources.add(source("db-replica", names.replica(), names.replicaHost(), dbFormat, replica.file,
          flavour == Flavour.POSTGRES ? pg : null));
      sources.add(source("changes", "changes", "", "changes", changes.file, null));
      spec.put("sources", sources);
      return spec;
    }

    private static Map<String, Object> source(String name, String component, String host, String format, String path,
        Map<String, String> options) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", name);
      s.put("component", component);
      if (!host.isEmpty()) {
        s.put("host", host);
      }
      s.put("format", format);
      s.put("path", path);
      s.put("timezone", "UTC");
      if (options != null) {
        s.put("options", options);
      }
      return s;
    }
  }

  /** Component and host names, drawn per scenario so nothing downstream can key on them. */
  record Names(String web, String app, String primary, String replica, String webHost, String appHost,
      String primaryHost, String replicaHost) {
    static Names draw(SplittableRandom r) {
      String[] webs = {"web", "edge", "frontend", "gateway", "nginx-lb"};
      String[] apps = {"orders-api", "checkout", "shop-app", "billing-svc", "catalog-api"};
      String[] primaries = {"db-primary", "pg-main", "orders-db", "maindb", "db-a"};
      String[] replicas = {"db-replica", "pg-standby-2", "orders-db-ro", "readdb", "db-b"};
      String web = webs[r.nextInt(webs.length)];
      String app = apps[r.nextInt(apps.length)];
      int p = r.nextInt(primaries.length);
      String primary = primaries[p];
      String replica = replicas[p];
      return new Names(web, app, primary, replica, host(r, web), host(r, app), host(r, primary), host(r, replica));
    }

    private static String host(SplittableRandom r, String base) {
      return r.nextBoolean() ? base + "-" + (1 + r.nextInt(9)) : "ip-10-0-" + r.nextInt(8) + "-" + (10 + r.nextInt(240));
    }
  }

}
