package org.logcause.onboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Drafts a job spec for a folder of logs: every file is sampled and its format recognised ({@link FormatSniffer}),
 * rotated files of one log become one source with a glob, each source gets a component from the role its format
 * gives it (web server, service, database primary or replica, change feed, host), and the components are wired into
 * the usual topology of a web stack (web → services → primary → replicas). Everything guessed says so in a comment;
 * files that could not be placed are listed, commented, with the reason.
 */
public final class DraftSpec {
  /** Lines sampled per file for the format (the role also reads the rest of the sample). */
  static final int SAMPLE_LINES = 2000;

  private static final Set<String> SKIPPED_SUFFIXES = Set.of(".yaml", ".yml", ".md", ".parquet", ".crc", ".html", ".svg");
  private static final Set<String> SKIPPED_NAMES = Set.of("_SUCCESS", "labels.json");
  private static final Set<String> GENERIC_FOLDERS =
      Set.of("logs", "log", "var", "tmp", "data", "archive", "changes", "nginx", "postgresql", "postgres", "mysql",
          "mariadb", "apache2", "httpd", "app", "apps", "services", "containers", "pods", "syslog");
  private static final Pattern ROTATION = Pattern.compile("^(.*?)((?:[.-]\\d{1,8}|[.-]\\d{4}-?\\d\\d-?\\d\\d(?:[T_-]?\\d{2,6})?)*(?:\\.gz)?)$");
  private static final Pattern REPLICA_WORDS =
      Pattern.compile("entering standby mode|started streaming WAL|consistent recovery state reached|"
          + "ready to accept read-only connections|(?:Slave|Replica) (?:I/O|SQL) thread|connected to (?:master|source) '");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file looked at: where it is, what it is, and the role it gives its component. */
  public record Looked(Path file, FormatSniffer.Sniffed sniffed, String role, String host) {}

  /** The draft: the spec's text, the sources it defines, and the files it left out with the reason. */
  public record Draft(String yaml, List<Source> sources, Map<Path, String> unplaced) {}

  /** One source of the draft. */
  public record Source(String name, String component, String host, String format, String path, Map<String, String> options,
      boolean allowOutside, List<Looked> files) {}

  private DraftSpec() {}

  public static Draft draft(Path logs, Path specFile) throws IOException {
    Path root = logs.toAbsolutePath().normalize();
    Path specDir = specFile.toAbsolutePath().normalize().getParent();
    List<Path> files;
    // linked folders are followed, as ingest's globs follow them (a bundle often links in /var/log's folders)
    try (Stream<Path> walk = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      files = walk.filter(Files::isRegularFile).filter(p -> !skipped(root, p, specFile))
          .filter(p -> !insideOutputFolder(root, p)).sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause() instanceof java.nio.file.FileSystemLoopException loop
          ? new org.logcause.job.SpecException("--logs: a link under " + root + " leads back to a folder above it: "
              + loop.getFile())
          : e;
    }
    List<Looked> looked = new ArrayList<>();
    Map<Path, String> unplaced = new TreeMap<>();
    for (Path f : files) {
      FileSample sample;
      try {
        sample = FileSample.read(f, SAMPLE_LINES);
      } catch (IOException | UncheckedIOException e) {
        unplaced.put(f, "cannot read: " + e.getMessage());
        continue;
      }
      if (sample.binary()) {
        unplaced.put(f, "binary, not a text log");
        continue;
      }
      FormatSniffer.Sniffed s = FormatSniffer.sniff(sample.lines());
      if (!s.placed()) {
        unplaced.put(f, s.note());
        continue;
      }
      looked.add(new Looked(f, s, role(s.format(), sample.lines()), host(root, f, s)));
    }
    List<Source> sources = sources(root, specDir, looked);
    return new Draft(yaml(root, sources, unplaced, specDir), sources, unplaced);
  }

  /** Whether the file's real path (its links resolved) lies outside the spec's folder's real path. */
  private static boolean linkedOut(Path specDir, Path file) {
    try {
      return !file.toRealPath().startsWith(specDir.toRealPath());
    } catch (IOException e) {
      return false; // the spec's own check names it
    }
  }

  /** Whether the file lies in a logcause output folder (one with runs in {@code _runs}): our tables, not logs. */
  private static boolean insideOutputFolder(Path root, Path p) {
    for (Path dir = p.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("_runs")) || dir.getFileName() != null && dir.getFileName().toString().equals("_runs")) {
        return true;
      }
    }
    return false;
  }

  private static boolean skipped(Path root, Path p, Path specFile) {
    Path rel = root.relativize(p);
    for (Path part : rel) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return p.toAbsolutePath().normalize().equals(specFile.toAbsolutePath().normalize()) || SKIPPED_NAMES.contains(name)
        || dot >= 0 && SKIPPED_SUFFIXES.contains(name.substring(dot).toLowerCase(Locale.ROOT));
  }

  static String role(String format, List<String> lines) {
    return switch (format) {
      case "access", "nginx-error", "apache-error", "haproxy" -> "web";
      case "changes" -> "changes";
      case "syslog" -> "host";
      case "json", "log4j" -> "service";
      default -> lines.stream().anyMatch(l -> REPLICA_WORDS.matcher(l).find()) ? "replica" : "database";
    };
  }

  private static String host(Path root, Path file, FormatSniffer.Sniffed s) {
    if (!s.hosts().isEmpty() && s.hosts().size() == 1) {
      return s.hosts().get(0);
    }
    for (Path dir = file.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root); dir = dir.getParent()) {
      String name = dir.getFileName().toString();
      if (!GENERIC_FOLDERS.contains(name.toLowerCase(Locale.ROOT))) {
        return name;
      }
    }
    return "";
  }

  // ---- sources and components

  private static List<Source> sources(Path root, Path specDir, List<Looked> all) {
    List<Looked> looked = all;
    // a database server is one component whatever files it writes (error log, slow log): keyed by its host (or folder)
    Map<String, String> dbRole = new TreeMap<>();
    for (Looked l : looked) {
      if (l.role().equals("database") || l.role().equals("replica")) {
        dbRole.merge(serverKey(l), l.role(), (a, b) -> a.equals("replica") || b.equals("replica") ? "replica" : "database");
      }
    }
    looked = looked.stream().map(l -> (l.role().equals("database") || l.role().equals("replica"))
        && !l.role().equals(dbRole.get(serverKey(l)))
        ? new Looked(l.file(), l.sniffed(), dbRole.get(serverKey(l)), l.host()) : l).toList();
    // rotated files of one log: same folder, same name once the rotation suffix is cut, same format and options
    Map<String, List<Looked>> sets = new LinkedHashMap<>();
    for (Looked l : looked) {
      String key = l.file().getParent() + "\u0000" + base(l.file().getFileName().toString()) + "\u0000" + l.sniffed().format()
          + "\u0000" + new TreeMap<>(l.sniffed().options());
      sets.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
    }
    Map<String, String> componentOf = new TreeMap<>();
    name(componentOf, dbRole, "database", "db-primary");
    name(componentOf, dbRole, "replica", "db-replica");
    Map<String, String> webHosts = new TreeMap<>();
    for (Looked l : looked) {
      if (l.role().equals("web")) {
        webHosts.put(serverKey(l), "web");
      }
    }
    name(componentOf, webHosts, "web", "web");
    List<Source> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (List<Looked> set : sets.values()) {
      Looked first = set.get(0);
      String component = switch (first.role()) {
        case "database", "replica", "web" -> componentOf.get(serverKey(first));
        case "changes" -> "changes";
        case "service" -> serviceName(first);
        default -> first.host().isEmpty() ? "host" : slug(first.host());
      };
      String name = unique(names, component + "-" + shortFormat(first.sniffed().format()));
      String path = pathOf(specDir, set);
      // a file reached through a link to another folder is outside too: the spec's check reads real paths
      boolean outside = path.startsWith("../") || path.startsWith("/") || set.stream().anyMatch(l -> linkedOut(specDir, l.file()));
      out.add(new Source(name, component, first.host(), first.sniffed().format(), path, first.sniffed().options(),
          outside, List.copyOf(set)));
    }
    out.sort(Comparator.comparing((Source s) -> order(s.files().get(0).role())).thenComparing(Source::component)
        .thenComparing(Source::name));
    return out;
  }

  private static int order(String role) {
    return List.of("web", "service", "database", "replica", "host", "changes").indexOf(role);
  }

  private static void name(Map<String, String> componentOf, Map<String, String> roles, String role, String base) {
    List<String> keys = roles.entrySet().stream().filter(e -> e.getValue().equals(role)).map(Map.Entry::getKey).sorted().toList();
    for (int i = 0; i < keys.size(); i++) {
      componentOf.put(keys.get(i), keys.size() == 1 ? base : base + "-" + (i + 1));
    }
  }

  private static String serverKey(Looked l) {
    return l.host().isEmpty() ? l.file().getParent().toString() : l.host();
  }

  private static String serviceName(Looked l) {
    if (!l.sniffed().services().isEmpty()) {
      return slug(l.sniffed().services().get(0));
    }
    String stem = base(l.file().getFileName().toString()).replaceAll("\\.(jsonl?|log|txt|out)$", "");
    return slug(stem.isEmpty() || stem.equals("log") ? "service" : stem);
  }

  static String base(String fileName) {
    Matcher m = ROTATION.matcher(fileName);
    return m.matches() && !m.group(1).isEmpty() ? m.group(1) : fileName;
  }

  private static String pathOf(Path specDir, List<Looked> set) {
    Path dir = set.get(0).file().getParent();
    String rel = specDir.relativize(dir).toString().replace('\\', '/');
    String file = set.size() == 1 ? set.get(0).file().getFileName().toString()
        : globEscape(base(set.get(0).file().getFileName().toString())) + "*";
    if (set.size() == 1) {
      file = globEscape(file);
    }
    return rel.isEmpty() ? file : globEscape(rel) + "/" + file;
  }

  private static String globEscape(String s) {
    return s.replaceAll("([\\[\\]{}*?\\\\])", "\\\\$1");
  }

  private static String shortFormat(String format) {
    return switch (format) {
      case "access" -> "access";
      case "nginx-error", "apache-error" -> "error";
      case "mysql-slow" -> "slow";
      case "changes" -> "feed";
      default -> format.startsWith("postgres") ? "postgres" : format.startsWith("mysql") ? "mysql" : format;
    };
  }

  private static String unique(Set<String> names, String name) {
    String n = name;
    for (int i = 2; !names.add(n); i++) {
      n = name + "-" + i;
    }
    return n;
  }

  static String slug(String s) {
    String v = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return v.isEmpty() ? "component" : v;
  }

  // ---- the spec's text

  private static String yaml(Path root, List<Source> sources, Map<Path, String> unplaced, Path specDir) {
    StringBuilder y = new StringBuilder();
    y.append("# Drafted by: logcause init --logs ").append(root.getFileName()).append('\n');
    y.append("# A draft: check each source's format, options and component, and the topology, before a run.\n");
    y.append("# Reference: docs/job-spec.md (keys), docs/formats.md (formats and their options).\n");
    y.append("job: ").append(scalar(slug(root.getFileName() == null ? "logs" : root.getFileName().toString()))).append('\n');
    y.append("output: out\n");
    Map<String, List<String>> topology = topology(sources);
    if (!topology.isEmpty()) {
      y.append("# topology guessed from the roles of the files (web server -> services -> database primary -> replicas);\n");
      y.append("# a replica is a database whose log shows it in recovery or replicating from a primary\n");
      y.append("topology:\n");
      topology.forEach((k, v) -> y.append("  ").append(scalar(k)).append(": [")
          .append(String.join(", ", v.stream().map(DraftSpec::scalar).toList())).append("]\n"));
    }
    y.append("sources:\n");
    for (Source s : sources) {
      FormatSniffer.Sniffed sn = s.files().get(0).sniffed();
      int lines = s.files().stream().mapToInt(l -> l.sniffed().lines()).sum();
      int rejected = s.files().stream().mapToInt(l -> l.sniffed().rejected()).sum();
      y.append(String.format(Locale.ROOT, "  # %d file%s; of %d sampled lines, %d would be quarantined%s%n", s.files().size(),
          s.files().size() == 1 ? "" : "s", lines, rejected, sn.note() == null ? "" : "; " + oneLine(sn.note())));
      if (s.format().equals("changes") && !sn.services().isEmpty()) {
        Set<String> components = new LinkedHashSet<>();
        sources.forEach(o -> components.add(o.component()));
        List<String> strangers = sn.services().stream().filter(t -> !components.contains(t)).toList();
        if (!strangers.isEmpty()) {
          y.append("  # its records target ").append(oneLine(String.join(", ", strangers)))
              .append(": a change counts on the component it names; rename the components above to match\n");
        }
      } else if (s.host().isEmpty()) {
        y.append("  # no host found in the lines or the folder names\n");
      }
      y.append("  - name: ").append(scalar(s.name())).append('\n');
      y.append("    component: ").append(scalar(s.component())).append('\n');
      if (!s.host().isEmpty()) {
        y.append("    host: ").append(scalar(s.host())).append('\n');
      }
      y.append("    format: ").append(scalar(s.format())).append('\n');
      y.append("    path: ").append(scalar(s.path())).append('\n');
      if (s.allowOutside()) {
        y.append("    allow_outside: true\n");
      }
      if (!s.options().isEmpty()) {
        y.append("    options:\n");
        new TreeMap<>(s.options()).forEach((k, v) -> y.append("      ").append(k).append(": ").append(scalar(v)).append('\n'));
      }
    }
    if (!unplaced.isEmpty()) {
      y.append("# Files not placed (add a source by hand if they matter; a regex format reads any line format):\n");
      unplaced.forEach((f, why) -> y.append("#   ").append(oneLine(relative(specDir, f))).append(": ").append(oneLine(why)).append('\n'));
    }
    return y.toString();
  }

  private static Map<String, List<String>> topology(List<Source> sources) {
    Set<String> web = components(sources, "web");
    Set<String> services = components(sources, "service");
    Set<String> primaries = components(sources, "database");
    Set<String> replicas = components(sources, "replica");
    Map<String, List<String>> t = new LinkedHashMap<>();
    Set<String> dbs = new LinkedHashSet<>(primaries);
    dbs.addAll(replicas);
    for (String w : web) {
      List<String> deps = new ArrayList<>(services.isEmpty() ? dbs : services);
      if (!deps.isEmpty()) {
        t.put(w, deps);
      }
    }
    for (String s : services) {
      if (!dbs.isEmpty()) {
        t.put(s, new ArrayList<>(dbs));
      }
    }
    for (String p : primaries) {
      if (!replicas.isEmpty()) {
        t.put(p, new ArrayList<>(replicas));
      }
    }
    return t;
  }

  private static Set<String> components(List<Source> sources, String role) {
    Set<String> out = new LinkedHashSet<>();
    sources.stream().filter(s -> s.files().get(0).role().equals(role)).forEach(s -> out.add(s.component()));
    return out;
  }

  private static String relative(Path dir, Path f) {
    try {
      return dir.relativize(f.toAbsolutePath().normalize()).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      return f.toString();
    }
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ");
  }

  /** A YAML scalar: plain when it is safe, else double-quoted (a JSON string is a valid double-quoted YAML scalar). */
  static String scalar(String v) {
    if (v.matches("[A-Za-z0-9_][A-Za-z0-9_./-]*") && !v.matches("(?i)true|false|yes|no|on|off|null|~|[0-9.]+")) {
      return v;
    }
    try {
      return JSON.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
