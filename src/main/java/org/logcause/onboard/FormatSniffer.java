package org.logcause.onboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.logcause.ingest.format.AccessJson;
import org.logcause.ingest.format.Formats;
import org.logcause.ingest.format.LineParser;
import org.logcause.ingest.format.Parsed;
import org.logcause.ingest.format.ParsedEvent;

/**
 * Recognises the format of a file from its first lines. Every candidate is tried with the parser that will read the
 * file, and a candidate is taken only when that parser reads the sample: at most {@link #MAX_REJECTED} of its lines
 * rejected and at least one event per {@link #MIN_LINES_PER_EVENT} lines. Candidates are tried from the most specific
 * (a container runtime's envelope, an access log, PostgreSQL through syslog) to the most permissive (PostgreSQL's
 * stderr log, whose un-prefixed lines continue an entry), so a permissive format never takes a file a specific one
 * reads.
 */
public final class FormatSniffer {
  /** The share of sampled lines a format may reject and still be taken (the bound {@code init} promises). */
  public static final double MAX_REJECTED = 0.02;
  static final int MIN_LINES_PER_EVENT = 40;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CRI = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ (?:stdout|stderr) [PF](?::\\S*)? ?.*$");
  private static final Pattern SYSLOG_NUMBERED =
      Pattern.compile("^(?:<\\d{1,3}>1 \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ |(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\dT\\S+) \\S+ [^:\\[\\s]+(?:\\[\\d+\\])?: )\\[\\d+-\\d+\\] ?(.*)$");
  private static final Pattern SYSLOG_TAGGED =
      Pattern.compile("^(?:<\\d{1,3}>1 |(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\dT\\S+) +\\S+ +[^:\\[\\s]+(?:\\[[^\\]]*\\])?:(?: |$))");
  private static final Pattern CSVLOG = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? [A-Za-z+\\-0-9]+,");
  private static final Pattern MYSQL_WORDS = Pattern.compile("\\b(?:mysqld|InnoDB|WSREP|MySQL|MariaDB)\\b");
  private static final Pattern HAPROXY = Pattern.compile(" haproxy\\[\\d+\\]: \\S+:\\d+ \\[\\d\\d/[A-Za-z]{3}/\\d{4}:");
  private static final Pattern SLOW = Pattern.compile("^# (?:Query_time|User@Host|Time): ");
  /**
   * The layouts tried on Java services' text logs: log4j's and logback's common one, Kafka's, Spring Boot's console
   * and file log (3.2+ with the application's name first: the plain one's thread would swallow it; 2.x and 3.x), Hadoop's
   * and Spark's defaults.
   */
  private static final List<String> LOG4J_LAYOUTS = List.of("%d %-5p [%t] %c - %m%n", "[%d] %p %m (%c)%n",
      "%d %p %pid --- [%X{application}] [%t] %c : %m%n", "%d %p %pid --- [%t] %c : %m%n", "%d %p [%t] %c: %m%n",
      "%d{yy/MM/dd HH:mm:ss} %p %c: %m%n");

  private FormatSniffer() {}

  /**
   * What the sample showed.
   *
   * @param format the format, or null when none fits
   * @param options its options (empty when the defaults fit)
   * @param lines sampled lines
   * @param events events the parser made of them
   * @param rejected lines the parser would quarantine
   * @param hosts the hosts the lines themselves name (syslog, a JSON host field), most frequent first
   * @param services the service names a JSON log's own field gives, or the targets of a change feed, most frequent
   *     first
   * @param note what the reader should know (a guess, why nothing fits)
   */
  public record Sniffed(String format, Map<String, String> options, int lines, int events, int rejected,
      List<String> hosts, List<String> services, String note) {
    public boolean placed() {
      return format != null;
    }
  }

  public static Sniffed sniff(List<String> sample) {
    List<String> lines = sample.stream().limit(400).toList();
    if (lines.stream().allMatch(String::isBlank)) {
      return none(lines, "empty, or only blank lines");
    }
    List<JsonNode> objects = jsonObjects(lines);
    if (objects != null) {
      Sniffed s = sniffJson(lines, objects);
      return accepted(s) ? s : none(lines, String.format(Locale.ROOT,
          "JSON lines, but read as %s they would quarantine %d of %d sampled lines (%s)", s.format(), s.rejected(),
          s.lines(), s.note() == null ? "no time field found" : s.note()));
    }
    long cri = lines.stream().filter(l -> CRI.matcher(l).matches()).count();
    if (cri >= 0.8 * nonBlank(lines)) {
      return wrapped("cri", lines, unwrapCri(lines));
    }
    List<Sniffed> tried = new ArrayList<>();
    String unlike = null;
    for (Candidate c : textCandidates(lines)) {
      Sniffed s = attempt(c.format(), c.options(), lines, c.note());
      if (c.format().equals("mysql-error") && s.events() > 0 && s.rejected() <= MAX_REJECTED * Math.max(1, s.lines())) {
        // its parser takes any line that starts with a time (a metrics table, another program's log), so the
        // entries must look like the server's; then status dumps and crash reports may fill most of the lines
        if (mysqlShaped(lines)) {
          return s;
        }
        unlike = "its lines start with a time, but few of them carry MySQL's level ([Note], [Warning], [ERROR]) or "
            + "name mysqld or InnoDB, so it is not taken as MySQL's error log";
        continue;
      }
      if (accepted(s)) {
        return s;
      }
      tried.add(s);
    }
    if (unlike != null) {
      return none(lines, "no known format fits (" + unlike + ")");
    }
    Sniffed best = tried.stream().max(java.util.Comparator.comparingInt(s -> s.lines() - s.rejected())).orElse(null);
    return none(lines, best == null ? "no known format fits"
        : String.format(Locale.ROOT, "no known format fits (closest: %s, which would quarantine %d of %d sampled lines)",
            best.format(), best.rejected(), best.lines()));
  }

  /**
   * Whether at least half of the entries MySQL's error-log parser starts in the sample look like the server's: a
   * level ({@code [Note]}, {@code [Warning]}, {@code [ERROR]}, or 5.x InnoDB's inline one) or the server's own words
   * ({@code mysqld}, {@code InnoDB}, {@code WSREP}). Every generation of the log has one of them on nearly every entry
   * (a crash report's lines continue their entry); a file of other lines that merely start with a time has none.
   */
  static boolean mysqlShaped(List<String> lines) {
    LineParser parser = Formats.create(new Src("mysql-error", Map.of())).newParser(java.time.Year.now(ZoneOffset.UTC).getValue());
    int entries = 0;
    int shaped = 0;
    for (String line : lines) {
      Parsed p;
      try {
        p = parser.parse(line);
      } catch (RuntimeException e) {
        continue;
      }
      if (p instanceof Parsed.Start s) {
        entries++;
        ParsedEvent e = s.event();
        String m = e.message() == null ? "" : e.message();
        if (e.attributes().get("raw_level") != null || MYSQL_WORDS.matcher(m).find()) {
          shaped++;
        }
      }
    }
    return entries > 0 && 2 * shaped >= entries;
  }

  private record Candidate(String format, Map<String, String> options, String note) {}

  /**
   * An access log, with the unit of the request time its lines end in guessed from the values as written: nginx's
   * {@code $request_time} has three decimals (seconds, the default); whole numbers that are mostly 0 and never above a
   * minute are Apache's {@code %T}, whole seconds; other whole numbers are Apache's {@code %D}, microseconds (the
   * usual way to put a request's time on a combined line: a local request takes a hundred, a proxied one thousands).
   * Milliseconds ({@code %{ms}T}) cannot be told from microseconds by the values; the draft says to check.
   */
  static Candidate accessCandidate(List<String> lines) {
    LineParser parser = Formats.create(new Src("access", Map.of("latency_unit", "ms")))
        .newParser(java.time.Year.now(ZoneOffset.UTC).getValue());
    List<Double> values = new ArrayList<>();
    for (String line : lines) {
      try {
        if (parser.parse(line) instanceof Parsed.Start s && s.event().attributes().get("latency_ms") != null) {
          values.add(Double.parseDouble(s.event().attributes().get("latency_ms")));
        }
      } catch (RuntimeException e) {
        // not an access-log line: the attempt with the candidate says so
      }
    }
    if (values.isEmpty() || values.stream().anyMatch(v -> v != Math.rint(v))) {
      return new Candidate("access", Map.of(), null);
    }
    List<Double> sorted = values.stream().sorted().toList();
    boolean seconds = sorted.get(sorted.size() / 2) == 0 && sorted.get(sorted.size() - 1) <= 60;
    String unit = seconds ? "s" : "us";
    String note = "its request times are whole numbers, " + (seconds ? "mostly 0, read as whole seconds (Apache's %T)"
        : "read as microseconds (Apache's %D; set latency_unit: ms if they are milliseconds)") + ": check";
    return new Candidate("access", unit.equals("s") ? Map.of() : Map.of("latency_unit", unit), note);
  }

  private static List<Candidate> textCandidates(List<String> lines) {
    List<Candidate> out = new ArrayList<>();
    out.add(accessCandidate(lines));
    out.add(new Candidate("nginx-error", Map.of(), null));
    out.add(new Candidate("apache-error", Map.of(), null));
    List<String> numbered = new ArrayList<>();
    for (String l : lines) {
      var m = SYSLOG_NUMBERED.matcher(l);
      if (m.matches()) {
        numbered.add(m.group(1));
      }
    }
    if (!numbered.isEmpty()) {
      PrefixGuesser.Guess g = PrefixGuesser.guess(numbered);
      Map<String, String> o = g.prefix() == null || g.prefix().isEmpty() ? Map.of() : Map.of("log_line_prefix", g.prefix());
      out.add(new Candidate("postgres-syslog", o, prefixNote(g)));
    }
    // HAProxy's requests in its HTTP log format, under its usual tag: before syslog, which would read them as text
    if (lines.stream().anyMatch(l -> HAPROXY.matcher(l).find())) {
      out.add(new Candidate("haproxy", Map.of(), null));
    }
    // syslog's parser reads any "time host rest" line; a syslog file has a program tag on most lines
    long unindented = lines.stream().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).count();
    if (lines.stream().filter(l -> SYSLOG_TAGGED.matcher(l).lookingAt()).count() >= 0.5 * unindented) {
      out.add(new Candidate("syslog", Map.of(), null));
    }
    if (lines.stream().anyMatch(l -> SLOW.matcher(l).lookingAt())) {
      out.add(new Candidate("mysql-slow", Map.of(), null));
    }
    if (lines.stream().anyMatch(l -> CSVLOG.matcher(l).lookingAt())) {
      out.add(new Candidate("postgres-csv", Map.of(), null));
    }
    // PostgreSQL's "LEVEL:  " (two spaces) on a good share of the lines: its stderr log, before MySQL's error log,
    // whose parser takes any line that starts with a time
    PrefixGuesser.Guess g = PrefixGuesser.guess(lines);
    if (g.prefix() != null && g.matched() > 0 && g.withLevel() >= 0.3 * nonBlank(lines)) {
      if (g.prefix().equals(Formats.RDS_PREFIX)) {
        out.add(new Candidate("postgres-rds", Map.of(), "the Amazon RDS prefix " + quoteNote(g)));
      } else {
        out.add(new Candidate("postgres", Map.of("log_line_prefix", g.prefix()), prefixNote(g)));
      }
    }
    out.add(new Candidate("mysql-error", Map.of(), null));
    for (String layout : LOG4J_LAYOUTS) {
      out.add(new Candidate("log4j", Map.of("pattern", layout), null));
    }
    return out;
  }

  private static String prefixNote(PrefixGuesser.Guess g) {
    return g.prefix() == null ? null : "log_line_prefix guessed from the lines " + quoteNote(g) + "; check it against the server's setting";
  }

  private static String quoteNote(PrefixGuesser.Guess g) {
    return String.format(Locale.ROOT, "(it matches %d of %d sampled lines with a severity)", g.matched(), g.withLevel());
  }

  private static boolean accepted(Sniffed s) {
    int lines = (int) Math.max(1, s.lines());
    return s.events() > 0 && s.rejected() <= MAX_REJECTED * lines
        && s.events() * MIN_LINES_PER_EVENT >= lines;
  }

  // ---- JSON lines

  private static List<JsonNode> jsonObjects(List<String> lines) {
    List<JsonNode> objects = new ArrayList<>();
    int nonBlank = 0;
    for (String l : lines) {
      if (l.isBlank()) {
        continue;
      }
      nonBlank++;
      if (l.stripLeading().startsWith("{")) {
        try {
          JsonNode n = JSON.readTree(l);
          if (n != null && n.isObject()) {
            objects.add(n);
          }
        } catch (java.io.IOException e) {
          // not JSON: counted against
        }
      }
    }
    return nonBlank > 0 && objects.size() >= 0.8 * nonBlank ? objects : null;
  }

  private static Sniffed sniffJson(List<String> lines, List<JsonNode> objects) {
    JsonNode first = objects.get(0);
    if (objects.stream().allMatch(o -> o.path("log").isTextual())) {
      return wrapped("docker", lines, unwrapDocker(objects));
    }
    if (objects.stream().anyMatch(o -> o.path("textPayload").isTextual()
        && (o.path("logName").asText().contains("cloudsql") || o.path("resource").path("type").asText().startsWith("cloudsql")))) {
      return attempt("postgres-cloudsql", Map.of(), lines, null);
    }
    if (objects.stream().anyMatch(o -> o.path("record").path("error_severity").isTextual())) {
      return attempt("postgres-cnpg", Map.of(), lines, null);
    }
    if (first.has("error_severity") && first.has("timestamp") && first.has("message")) {
      return attempt("postgres-json", Map.of(), lines, null);
    }
    if (objects.stream().filter(AccessJson::looksLikeAccessRecord).count() >= 0.8 * objects.size()) {
      return attempt("access", Map.of(), lines, "an access log written as JSON, its fields read by their names; "
          + "its latency is read in seconds (nginx's $request_time, Caddy's duration): set latency_unit if not");
    }
    Map<String, String> change = changeFields(objects);
    if (change != null) {
      return attempt("changes", change, lines, "a change feed: its fields mapped by their names; check them");
    }
    Map<String, String> fields = logFields(objects);
    return attempt("json", fields, lines, fields.containsKey("time_field") ? "fields picked by name and value; check them" : null);
  }

  private static final Map<String, List<String>> CHANGE_NAMES = new LinkedHashMap<>();

  static {
    CHANGE_NAMES.put("id_field", List.of("id", "change_id", "change", "event_id", "ticket", "key_id"));
    CHANGE_NAMES.put("type_field", List.of("type", "kind", "action", "change_type", "event", "operation"));
    CHANGE_NAMES.put("parameter_field", List.of("parameter", "param", "setting", "key", "variable", "flag", "name"));
    CHANGE_NAMES.put("old_field", List.of("old", "old_value", "from", "previous", "before", "was"));
    CHANGE_NAMES.put("new_field", List.of("new", "new_value", "to", "after", "value", "now"));
    CHANGE_NAMES.put("actor_field", List.of("actor", "user", "author", "by", "who", "operator", "requested_by"));
    CHANGE_NAMES.put("target_field", List.of("target", "component", "service", "system", "host", "resource", "cluster"));
    CHANGE_NAMES.put("message_field", List.of("message", "msg", "description", "summary", "note", "comment", "reason"));
  }

  private static final Set<String> CHANGE_WORDS =
      Set.of("deploy", "release", "rollout", "config", "setting", "param", "flag", "restart", "reboot", "revert",
          "rollback", "scale", "failover", "switchover", "migration", "change", "kill", "terminate");

  /** The fields of a change feed, or null when the records do not look like changes. */
  private static Map<String, String> changeFields(List<JsonNode> objects) {
    Map<String, String> found = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : CHANGE_NAMES.entrySet()) {
      for (String name : e.getValue()) {
        if (objects.stream().anyMatch(o -> o.has(name) && o.get(name).isValueNode())) {
          found.put(e.getKey(), name);
          break;
        }
      }
    }
    boolean oldNew = found.containsKey("old_field") && found.containsKey("new_field");
    String typeField = found.get("type_field");
    boolean typed = typeField != null && objects.stream().filter(o -> o.has(typeField))
        .allMatch(o -> CHANGE_WORDS.stream().anyMatch(w -> o.get(typeField).asText().toLowerCase(Locale.ROOT).contains(w)));
    if (!oldNew && !typed) {
      return null;
    }
    String time = timeField(objects);
    if (time != null) {
      found.put("time_field", time);
    }
    return found;
  }

  private static final List<String> MESSAGE_NAMES = List.of("message", "msg", "text", "log", "event", "textPayload",
      "description", "summary", "body", "line");
  private static final Set<String> LEVEL_WORDS =
      Set.of("trace", "debug", "info", "information", "notice", "warn", "warning", "error", "err", "fatal", "critical",
          "crit", "alert", "emerg", "panic", "severe", "log", "verbose", "default");

  private static Map<String, String> logFields(List<JsonNode> objects) {
    Map<String, String> fields = new TreeMap<>();
    String time = timeField(objects);
    if (time != null) {
      fields.put("time_field", time);
    }
    String level = null;
    for (String key : keys(objects)) {
      if (!key.equals(time) && objects.stream().filter(o -> o.has(key)).count() >= objects.size() / 2
          && objects.stream().filter(o -> o.has(key)).allMatch(o -> o.get(key).isTextual()
              && LEVEL_WORDS.contains(o.get(key).asText().toLowerCase(Locale.ROOT)))) {
        level = key;
        break;
      }
    }
    if (level != null) {
      fields.put("level_field", level);
    }
    String message = null;
    for (String name : MESSAGE_NAMES) {
      if (objects.stream().anyMatch(o -> o.path(name).isTextual())) {
        message = name;
        break;
      }
    }
    if (message == null) {
      // the text field with the longest values on average
      double longest = 0;
      for (String key : keys(objects)) {
        if (key.equals(time) || key.equals(level)) {
          continue;
        }
        double avg = objects.stream().filter(o -> o.path(key).isTextual()).mapToInt(o -> o.get(key).asText().length())
            .average().orElse(0);
        if (avg > longest) {
          longest = avg;
          message = key;
        }
      }
    }
    if (message != null) {
      fields.put("message_field", message);
    }
    return fields;
  }

  /** The top-level field whose values read as times in most records. */
  private static String timeField(List<JsonNode> objects) {
    String best = null;
    long bestCount = 0;
    for (String key : keys(objects)) {
      long n = objects.stream().filter(o -> o.has(key) && readsAsTime(o.get(key))).count();
      if (n > bestCount) {
        best = key;
        bestCount = n;
      }
    }
    return bestCount >= Math.max(1, objects.size() / 2) ? best : null;
  }

  private static boolean readsAsTime(JsonNode v) {
    if (v.isNumber()) {
      double d = v.asDouble();
      return d > 946_684_800d && d < 4_102_444_800d || d > 946_684_800_000d && d < 4_102_444_800_000d;
    }
    if (!v.isTextual()) {
      return false;
    }
    String t = v.asText();
    return t.length() >= 10 && t.length() <= 40 && Character.isDigit(t.charAt(0))
        && org.logcause.ingest.format.Timestamps.parseIsoLike(t, ZoneOffset.UTC) != org.logcause.ingest.format.Timestamps.INVALID;
  }

  private static List<String> keys(List<JsonNode> objects) {
    java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
    for (JsonNode o : objects) {
      Iterator<String> it = o.fieldNames();
      it.forEachRemaining(keys::add);
    }
    return new ArrayList<>(keys);
  }

  // ---- container runtimes

  private static List<String> unwrapDocker(List<JsonNode> objects) {
    List<String> inner = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    for (JsonNode o : objects) {
      String text = o.path("log").asText();
      partial.append(text);
      if (text.endsWith("\n")) {
        inner.add(partial.toString().stripTrailing());
        partial.setLength(0);
      }
    }
    return inner;
  }

  private static List<String> unwrapCri(List<String> lines) {
    List<String> inner = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    for (String l : lines) {
      String[] parts = l.split(" ", 4);
      if (parts.length < 3) {
        continue;
      }
      partial.append(parts.length == 4 ? parts[3] : "");
      if (parts[2].startsWith("F")) {
        inner.add(partial.toString());
        partial.setLength(0);
      }
    }
    return inner;
  }

  private static Sniffed wrapped(String runtime, List<String> lines, List<String> inner) {
    Sniffed in = sniff(inner);
    String format = in.placed() ? in.format() : "json";
    Map<String, String> options = new TreeMap<>(in.placed() ? in.options() : Map.of());
    options.put("container", runtime);
    String note = (runtime.equals("cri") ? "Kubernetes CRI" : "Docker json-file") + " container log"
        + (in.placed() ? ", wrapping " + in.format() : "; its lines carry no time logcause reads: each is an event at its record's time, when the record has one")
        + (in.note() == null || !in.placed() ? "" : "; " + in.note());
    Sniffed s = attempt(format, options, lines, note);
    return new Sniffed(s.format(), s.options(), s.lines(), s.events(), s.rejected(), s.hosts(),
        in.services().isEmpty() ? s.services() : in.services(), s.note());
  }

  // ---- trying a format

  private record Src(String format, Map<String, String> options) implements Formats.Source {
    @Override
    public ZoneId zone() {
      return ZoneOffset.UTC;
    }
  }

  static Sniffed attempt(String format, Map<String, String> options, List<String> lines, String note) {
    LineParser parser;
    try {
      parser = Formats.create(new Src(format, options)).newParser(java.time.Year.now(ZoneOffset.UTC).getValue());
    } catch (IllegalArgumentException e) {
      return new Sniffed(format, options, lines.size(), 0, lines.size(), List.of(), List.of(), e.getMessage());
    }
    int events = 0;
    int rejected = 0;
    Map<String, Integer> hosts = new TreeMap<>();
    Map<String, Integer> services = new TreeMap<>();
    for (String line : lines) {
      Parsed p;
      try {
        p = parser.parse(line);
      } catch (RuntimeException e) {
        p = new Parsed.Rejected(e.toString());
      }
      if (p instanceof Parsed.Start s) {
        events++;
        ParsedEvent e = s.event();
        if (e.host() != null && !e.host().isBlank()) {
          hosts.merge(e.host(), 1, Integer::sum);
        }
        List<String> named = format.equals("changes") ? List.of("target")
            : format.equals("json") ? List.of("service", "service.name", "app", "application", "component") : List.of();
        for (String k : named) {
          String v = e.attributes().get(k);
          if (v != null && !v.isBlank()) {
            services.merge(v, 1, Integer::sum);
            break;
          }
        }
      } else if (p instanceof Parsed.Rejected) {
        rejected++;
      }
    }
    return new Sniffed(format, Map.copyOf(options), lines.size(), events, rejected, byCount(hosts), byCount(services), note);
  }

  private static List<String> byCount(Map<String, Integer> counts) {
    return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(Map.Entry::getKey).toList();
  }

  private static Sniffed none(List<String> lines, String why) {
    return new Sniffed(null, Map.of(), lines.size(), 0, lines.size(), List.of(), List.of(), why);
  }

  private static long nonBlank(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).count();
  }
}
