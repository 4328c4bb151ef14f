package org.logcause.ingest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourcePaths;
import org.logcause.job.SourceSpec;

/**
 * The files a source's glob matches, and every match that is not a readable regular file with the reason it is
 * skipped: a folder, a dangling symbolic link, a link loop, a file that cannot be read, a device or pipe, a link
 * leading outside the spec's folder or into a forbidden one. Local globs are walked here, segment by segment, so
 * that nothing a glob matches disappears unnamed (Hadoop's own glob drops dangling links silently); other file
 * systems use Hadoop's glob.
 */
public final class SourceFiles {
  /** What a gzip-compressed log expands to, roughly (text logs compress 5–10×): how its size is weighed. */
  public static final int GZIP_EXPANSION = 6;

  /** A matched file to read. */
  public record Match(String uri, long size, long modifiedMillis) {}

  /** A match that is not read, and why. */
  public record Skipped(String source, String path, String reason) implements java.io.Serializable {}

  /** What a source's glob matched. */
  public record Listing(List<Match> files, List<Skipped> skipped) {}

  private SourceFiles() {}

  public static Listing list(LoadedJob job, SourceSpec s, Configuration hadoop) throws IOException {
    String resolved = job.resolve(s.path());
    TreeMap<String, Match> files = new TreeMap<>();
    TreeMap<String, Skipped> skipped = new TreeMap<>();
    for (String alt : SourcePaths.alternatives(resolved)) {
      if (SourcePaths.isLocal(alt)) {
        Path glob = alt.startsWith("file:") ? Path.of(java.net.URI.create(alt.replace(" ", "%20")).getPath()) : Path.of(alt);
        walkLocal(job, s, glob.toAbsolutePath().normalize(), files, skipped);
      } else {
        org.apache.hadoop.fs.Path g = new org.apache.hadoop.fs.Path(alt);
        FileSystem fs = g.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(g);
        if (matches == null) continue;
        for (FileStatus st : matches) {
          String p = st.getPath().toString();
          if (st.isFile()) {
            files.put(p, new Match(p, st.getLen(), st.getModificationTime()));
          } else {
            skipped.put(p, new Skipped(s.name(), p, st.isDirectory() ? FOLDER : "not a regular file"));
          }
        }
      }
    }
    return new Listing(List.copyOf(files.values()), List.copyOf(skipped.values()));
  }

  static final String FOLDER = "a folder: a glob names files (add /* to read the files in it)";

  private static void walkLocal(LoadedJob job, SourceSpec s, Path glob, TreeMap<String, Match> files,
      TreeMap<String, Skipped> skipped) throws IOException {
    List<String> segments = new ArrayList<>();
    for (Path seg : glob) segments.add(seg.toString());
    List<Path> level = List.of(glob.getRoot());
    for (int k = 0; k < segments.size(); k++) {
      boolean last = k == segments.size() - 1;
      String seg = segments.get(k);
      List<Path> next = new ArrayList<>();
      for (Path dir : level) {
        if (!SourcePaths.hasWildcard(seg)) {
          Path p = dir.resolve(SourcePaths.literal(seg));
          if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) next.add(p);
          continue;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          List<Path> names = new ArrayList<>();
          for (Path e : entries) {
            if (SourcePaths.matches(seg, e.getFileName().toString())) names.add(e);
          }
          names.sort(null);
          next.addAll(names);
        } catch (IOException e) {
          skipped.put(dir.toString(), new Skipped(s.name(), dir.toString(), "folder cannot be listed: " + describe(e)));
        }
      }
      if (!last) {
        level = next.stream().filter(Files::isDirectory).toList(); // a link to a folder is followed
      } else {
        for (Path p : next) classify(job, s, p, files, skipped);
      }
    }
  }

  private static void classify(LoadedJob job, SourceSpec s, Path p, TreeMap<String, Match> files,
      TreeMap<String, Skipped> skipped) {
    String shown = p.toString();
    Path real;
    try {
      real = p.toRealPath();
    } catch (FileSystemException e) {
      String reason;
      if (Files.isSymbolicLink(p)) {
        String target = "?";
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (IOException ignored) {
          // the reason below still names the link
        }
        reason = e instanceof NoSuchFileException ? "dangling symbolic link (to " + target + ")"
            : "symbolic link that cannot be followed (to " + target + "): " + describe(e);
      } else {
        reason = "cannot be resolved: " + describe(e);
      }
      skipped.put(shown, new Skipped(s.name(), shown, reason));
      return;
    } catch (IOException e) {
      skipped.put(shown, new Skipped(s.name(), shown, "cannot be resolved: " + describe(e)));
      return;
    }
    String refusal = SourcePaths.refusal(job, s, real);
    String reason = refusal != null ? refusal
        : Files.isDirectory(real) ? FOLDER
        : !Files.isRegularFile(real) ? "not a regular file (a device, pipe or socket)"
        : !Files.isReadable(real) ? "not readable (permission denied)"
        : null;
    if (reason != null) {
      skipped.put(shown, new Skipped(s.name(), shown, reason));
      return;
    }
    try {
      String uri = new org.apache.hadoop.fs.Path(p.toUri()).toString(); // as Hadoop names it: file:/a/b
      files.put(uri, new Match(uri, Files.size(real), Files.getLastModifiedTime(real).toMillis()));
    } catch (IOException e) {
      skipped.put(shown, new Skipped(s.name(), shown, "cannot be read: " + describe(e)));
    }
  }

  private static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
