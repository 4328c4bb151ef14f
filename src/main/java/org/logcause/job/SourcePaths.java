package org.logcause.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.GlobExpander;
import org.apache.hadoop.fs.GlobPattern;
import org.logcause.job.JobSpecLoader.LoadedJob;

/**
 * Where a job may read and where it may write. Inputs are sacred: a source's glob may reach outside the job spec's
 * folder only with {@code allow_outside: true}, never into {@code /etc}, {@code /proc} or {@code /sys}; and the output
 * folder may not overlap any source's glob in either direction (a run would read its own output, or write among its
 * inputs). Globs are Hadoop globs: {@code * ? [abc] [a-z] {a,b} \}, matched one path segment at a time.
 */
public final class SourcePaths {
  /** Folders no source ever reads, whatever the spec says. */
  public static final List<Path> FORBIDDEN = List.of(Path.of("/etc"), Path.of("/proc"), Path.of("/sys"));

  private SourcePaths() {}

  /** The glob's alternatives ({@code {a/b,c}} expanded where a brace holds a slash), each as a local path or a URI. */
  public static List<String> alternatives(String glob) {
    try {
      return GlobExpander.expand(glob);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid glob: \"" + glob + "\" (" + e.getMessage() + ")");
    }
  }

  /** Whether a path segment holds a wildcard. */
  public static boolean hasWildcard(String segment) {
    return new GlobPattern(segment).hasWildcard();
  }

  /** Whether a name matches one glob segment. */
  public static boolean matches(String segment, String name) {
    return new GlobPattern(segment).matches(name);
  }

  /** A glob segment without wildcards, its escapes removed: the name it stands for. */
  public static String literal(String segment) {
    return segment.replaceAll("\\\\(.)", "$1");
  }

  /** Whether a resolved source path is a local path (no scheme, or {@code file:}). */
  public static boolean isLocal(String resolved) {
    return !resolved.contains("://") || resolved.startsWith("file:");
  }

  private static Path localOf(String resolved) {
    return resolved.startsWith("file:") ? Path.of(URI.create(resolved.replace(" ", "%20")).getPath()) : Path.of(resolved);
  }

  /** The fixed folder a local glob starts from (its segments before the first wildcard) and the segments after it. */
  record Split(Path fixed, List<String> rest) {}

  static Split split(String localGlob) {
    Path p = Path.of(localGlob).normalize();
    Path fixed = p.getRoot() == null ? Path.of("") : p.getRoot();
    List<String> rest = new ArrayList<>();
    for (Path seg : p) {
      String s = seg.toString();
      if (rest.isEmpty() && !hasWildcard(s)) {
        fixed = fixed.resolve(literal(s));
      } else {
        rest.add(s);
      }
    }
    return new Split(fixed, rest);
  }

  /**
   * Checks a source's path at spec loading: outside the spec's folder only with {@code allow_outside}, and never in
   * a forbidden folder. Returns the problem, or null.
   */
  static String checkPattern(LoadedJob job, SourceSpec s) {
    String resolved = job.resolve(s.path());
    List<String> alternatives;
    try {
      alternatives = alternatives(resolved);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    for (String alt : alternatives) {
      if (!isLocal(alt)) {
        if (!s.allowOutside()) {
          return "\"" + s.path() + "\" is not a path in the job spec's folder; set allow_outside: true on this source to read it";
        }
        continue;
      }
      Path fixed = split(localOf(alt).toString()).fixed().toAbsolutePath().normalize();
      Path real = realOrNormal(fixed);
      for (Path f : FORBIDDEN) {
        if (fixed.startsWith(f) || real.startsWith(f)) {
          return "\"" + s.path() + "\" reads under " + f + ", which logcause never reads";
        }
      }
      if (!s.allowOutside() && !insideBase(job, fixed, real)) {
        return "\"" + s.path() + "\" (resolved: " + alt + ") is outside the job spec's folder " + job.baseDir()
            + "; set allow_outside: true on this source to read it";
      }
    }
    return null;
  }

  private static boolean insideBase(LoadedJob job, Path fixed, Path real) {
    Path base = job.baseDir().toAbsolutePath().normalize();
    Path baseReal = realOrNormal(base);
    return (fixed.startsWith(base) || fixed.startsWith(baseReal)) && (real.startsWith(baseReal) || real.startsWith(base));
  }

  /**
   * Why a file a glob matched may not be read (its real path is forbidden, or outside the spec's folder without
   * {@code allow_outside}), or null when it may.
   */
  public static String refusal(LoadedJob job, SourceSpec s, Path real) {
    for (Path f : FORBIDDEN) {
      if (real.startsWith(f)) {
        return "resolves to " + real + ", under " + f + ", which logcause never reads";
      }
    }
    if (!s.allowOutside() && !real.startsWith(realOrNormal(job.baseDir().toAbsolutePath().normalize()))) {
      return "resolves to " + real + ", outside the job spec's folder (set allow_outside: true on the source to read it)";
    }
    return null;
  }

  /**
   * Refuses an output folder that overlaps a source: one inside the folder a glob reads from where the glob could
   * reach it, or a glob that starts inside the output folder. Symbolic links are resolved first.
   *
   * @throws SpecException naming the output folder and the source
   */
  public static void checkOutput(LoadedJob job, String outDir) {
    boolean outLocal = isLocal(outDir);
    Path out = outLocal ? realOrNormal(localOf(outDir).toAbsolutePath().normalize()) : null;
    for (int i = 0; i < job.spec().sources().size(); i++) {
      SourceSpec s = job.spec().sources().get(i);
      String resolved = job.resolve(s.path());
      for (String alt : alternatives(resolved)) {
        boolean overlap;
        if (isLocal(alt) && outLocal) {
          Split split = split(localOf(alt).toAbsolutePath().toString());
          Path fixed = realOrNormal(split.fixed().toAbsolutePath().normalize());
          overlap = fixed.startsWith(out) || out.startsWith(fixed) && reaches(split.rest(), fixed.relativize(out));
        } else if (!isLocal(alt) && !outLocal) {
          URI a = URI.create(alt).normalize();
          URI o = URI.create(outDir).normalize();
          String ap = a.getPath() == null ? "" : a.getPath();
          String op = o.getPath() == null ? "" : o.getPath();
          Split split = split(ap);
          String fixed = split.fixed().toString();
          overlap = java.util.Objects.equals(a.getScheme(), o.getScheme()) && java.util.Objects.equals(a.getAuthority(), o.getAuthority())
              && (Path.of(fixed).startsWith(Path.of(op)) || Path.of(op).startsWith(Path.of(fixed))
                  && reaches(split.rest(), Path.of(fixed).relativize(Path.of(op))));
        } else {
          overlap = false; // one local, one on another file system
        }
        if (overlap) {
          throw new SpecException("the output folder " + outDir + " overlaps sources[" + i + "] (" + s.name() + ") path \""
              + s.path() + "\" (resolved: " + alt + "): logcause never reads its own output nor writes among its inputs; "
              + "choose an output folder outside every source's files");
        }
      }
    }
  }

  /**
   * Whether a glob's remaining segments can reach into the folder {@code below} the glob's fixed part: every segment
   * of {@code below} matches the glob's segment at the same depth, and the glob goes at least as deep.
   */
  static boolean reaches(List<String> rest, Path below) {
    int depth = below.toString().isEmpty() ? 0 : below.getNameCount();
    if (rest.size() < depth) {
      return false;
    }
    for (int k = 0; k < depth; k++) {
      if (!matches(rest.get(k), below.getName(k).toString())) {
        return false;
      }
    }
    return true;
  }

  /** The real path of the longest existing part of {@code p}, with the rest appended (for paths not yet made). */
  public static Path realOrNormal(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    List<String> missing = new ArrayList<>();
    while (existing != null && !Files.exists(existing)) {
      missing.add(0, existing.getFileName() == null ? "" : existing.getFileName().toString());
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      Path real = existing.toRealPath();
      for (String m : missing) real = real.resolve(m);
      return real;
    } catch (IOException e) {
      return abs;
    }
  }
}
