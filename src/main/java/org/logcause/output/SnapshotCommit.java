package org.logcause.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.logcause.job.SpecException;

/**
 * The commit protocol of an output folder: every run writes a complete snapshot of its tables and files under
 * {@code _runs/<snapshot>/} (a forensic run: everything; a nightly run: its night's partitions, plus every other night
 * carried over from the current snapshot), and then one atomic rename of {@code current.json} (see {@link Pointer})
 * publishes it. Readers resolve the pointer once, so they see every table of one run, or every table of the
 * previous one, never a mix; a run killed at any point leaves the previous pointer in place.
 *
 * <p>The folder's lock ({@code _logcause.lock}) keeps two runs apart. Opening the folder takes it (over from a dead
 * process on this host), then recovers: it deletes what an interrupted run left (an unpublished snapshot, a staged
 * pointer), finishes an interrupted clean-up, and points {@code current} at the published snapshot again. Only
 * folders holding this code's marker file are ever deleted, and nothing outside {@code _runs/} is touched but the
 * pointer, the {@code current} link and the lock: the run never deletes or moves a file it did not write.
 *
 * <p>The pointer's rename is atomic on a local disk and on HDFS; on object stores ({@code s3a://}) it is not.
 */
public final class SnapshotCommit implements AutoCloseable {
  public static final String LOCK = "_logcause.lock";
  /** Written first into every snapshot folder: the folders this code may delete. */
  public static final String MARKER = "_logcause_snapshot";
  /**
   * Test-only system property: the name of a commit step at which the process halts at once (as {@code kill -9}
   * would stop it: no clean-up, no shutdown hooks). The crash test injects kills with it, never by timing.
   */
  public static final String KILL_AT = "logcause.test.killAt";
  /**
   * The steps of the commit {@link #checkpoint} names, in the order a run passes them: the snapshot's tables written,
   * the other nights carried over (nightly), the manifest written, the pointer staged, published (renamed), the
   * {@code current} link moved, the first old snapshot deleted.
   */
  public static final List<String> STEPS = List.of("tables-written", "carried-over", "manifest-written",
      "pointer-staged", "published", "linked", "collecting");

  private static final String POINTER_TMP = OutputFolder.POINTER + ".tmp";
  private static final String LINK_TMP = OutputFolder.CURRENT_LINK + ".tmp";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Configuration conf;
  private final FileSystem fs;
  private final Path out;
  private final String runId;
  private final String mode;
  private final int keep;
  private final boolean local;
  private final List<String> notes = new ArrayList<>();
  private Pointer previous;
  private String snapshotRel;
  private Path snapshot;
  private final Map<String, List<String>> carriedParts = new LinkedHashMap<>();
  private final Map<String, String> carriedFiles = new TreeMap<>();
  private boolean published;
  private boolean closed;

  private SnapshotCommit(Configuration conf, FileSystem fs, Path out, String runId, String mode, int keep) {
    this.conf = conf;
    this.fs = fs;
    this.out = out;
    this.runId = runId;
    this.mode = mode;
    this.keep = keep;
    this.local = "file".equals(fs.getUri().getScheme());
  }

  /**
   * Takes the folder's lock, recovers from any run that died in it, and creates this run's snapshot folder.
   *
   * @param keep snapshots kept after a publish (the current one included), at least 1
   * @throws SpecException when a live run holds the lock, when the folder holds a {@code current.json} or
   *     {@code current} that logcause did not write, or when a nightly run meets a forensic folder or back
   */
  public static SnapshotCommit open(Configuration conf, String outDir, String runId, String mode, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("snapshots to keep must be at least 1, cannot be: " + keep);
    }
    Path out = new Path(outDir);
    SnapshotCommit commit;
    try {
      FileSystem fs = out.getFileSystem(conf);
      out = fs.makeQualified(out);
      fs.mkdirs(out);
      commit = new SnapshotCommit(conf, fs, out, runId, mode, keep);
      commit.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output folder " + outDir, e);
    }
    try {
      commit.checkOwnership();
      commit.recover();
      commit.checkMode();
      commit.createSnapshot();
      return commit;
    } catch (IOException e) {
      commit.release();
      throw new UncheckedIOException("cannot open output folder " + outDir, e);
    } catch (RuntimeException e) {
      commit.release();
      throw e;
    }
  }

  /** What opening the folder found and did (a stale lock taken over, an interrupted run cleaned up), for the console. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The pointer that was current when the run opened the folder (null for a new folder): what it builds on. */
  public Pointer previous() {
    return previous;
  }

  /** The output folder, fully qualified. */
  public String out() {
    return out.toString();
  }

  /** This run's snapshot folder, relative to the output folder. */
  public String snapshotRelative() {
    return snapshotRel;
  }

  /** Where this run writes a table or file of its snapshot (relative name, e.g. {@code events}, {@code postmortems/x.md}). */
  public String path(String relative) {
    return new Path(snapshot, relative).toString();
  }

  /** A step of the run reached (see {@link #KILL_AT}). */
  public void checkpoint(String step) {
    if (!STEPS.contains(step)) {
      throw new IllegalArgumentException("unknown commit step: " + step);
    }
    if (step.equals(System.getProperty(KILL_AT))) {
      Runtime.getRuntime().halt(137);
    }
  }

  // ---------------------------------------------------------------------------------------------- the lock

  private Path lockPath() {
    return new Path(out, LOCK);
  }

  private void acquire() throws IOException {
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("run_id", runId);
    me.put("pid", ProcessHandle.current().pid());
    me.put("host", host());
    me.put("since", Instant.now().toString());
    byte[] content = Pointer.JSON.writeValueAsBytes(me);
    for (int attempt = 0; attempt < 2; attempt++) {
      if (createExclusive(lockPath(), content)) {
        return;
      }
      Map<?, ?> holder = readLock();
      if (holder != null && isDead(holder)) {
        notes.add("took over the lock of run " + holder.get("run_id") + " (process " + holder.get("pid") + " on "
            + holder.get("host") + " is gone)");
        fs.delete(lockPath(), false);
        continue;
      }
      throw new SpecException(holder == null
          ? out + " is locked by another run (" + lockPath() + ")"
          : out + " is locked by run " + holder.get("run_id") + " (process " + holder.get("pid") + " on "
              + holder.get("host") + ", since " + holder.get("since") + "); wait for it to finish, or delete "
              + lockPath() + " if that process is gone");
    }
    throw new SpecException(out + ": could not take the lock " + lockPath());
  }

  /** Creates a file only if absent: O_EXCL on a local disk, HDFS's atomic create elsewhere. */
  private boolean createExclusive(Path file, byte[] content) throws IOException {
    if (local) {
      try {
        Files.write(localPath(file), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream o = fs.create(file, false)) {
      o.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private Map<?, ?> readLock() {
    try (FSDataInputStream in = fs.open(lockPath())) {
      return Pointer.JSON.readValue(in.readAllBytes(), Map.class);
    } catch (IOException e) {
      return null; // vanished or half-written: treated as held
    }
  }

  /** A lock is stale when it was taken on this host by a process that no longer runs. */
  private static boolean isDead(Map<?, ?> holder) {
    Object pid = holder.get("pid");
    if (!(pid instanceof Number n) || !host().equals(holder.get("host"))) {
      return false;
    }
    return ProcessHandle.of(n.longValue()).map(p -> !p.isAlive()).orElse(true);
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }
  }

  private void release() {
    try {
      fs.delete(lockPath(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + lockPath(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------- opening

  /** Refuses a folder whose {@code current.json}, {@code current} or {@code _runs} logcause did not write. */
  private void checkOwnership() throws IOException {
    Path pointer = new Path(out, OutputFolder.POINTER);
    if (fs.exists(pointer) && OutputFolder.current(conf, out.toString()).isEmpty()) {
      throw new SpecException(pointer + " exists and is not a logcause pointer; refusing to replace it: choose another output folder");
    }
    if (local) {
      java.nio.file.Path link = localPath(new Path(out, OutputFolder.CURRENT_LINK));
      if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !isOurLink(link)) {
        throw new SpecException(link + " exists and is not logcause's link to its current snapshot; refusing to replace it: "
            + "choose another output folder");
      }
    }
    Path runs = new Path(out, OutputFolder.RUNS);
    if (fs.exists(runs) && !fs.getFileStatus(runs).isDirectory()) {
      throw new SpecException(runs + " exists and is not a folder; choose another output folder");
    }
    if (!fs.exists(pointer) && (fs.exists(new Path(out, Tables.MANIFEST_JSON)) || fs.exists(new Path(new Path(out, Tables.EVENTS), "_SUCCESS")))) {
      notes.add("the tables at the top of " + out + " were written by an earlier release of logcause; they are left as "
          + "they are and no longer read (delete them when you no longer need them)");
    }
  }

  private static boolean isOurLink(java.nio.file.Path link) throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return false;
    }
    String target = Files.readSymbolicLink(link).toString();
    return target.startsWith(OutputFolder.RUNS + "/") && target.indexOf('/', OutputFolder.RUNS.length() + 1) < 0;
  }

  private void checkMode() {
    if (previous != null && previous.mode().equals("nightly") != mode.equals("nightly")) {
      throw new SpecException(out + " holds the tables of a " + previous.mode() + " run (" + previous.runId() + "); a "
          + mode + " run would " + (mode.equals("nightly") ? "mix its nights into them" : "replace its nights")
          + ": give the " + mode + " run another output folder");
    }
  }

  /**
   * Puts the folder back in the state of its published pointer: a staged pointer or link never renamed is deleted,
   * the snapshots an interrupted run or clean-up left are deleted (only those holding the marker), and the
   * {@code current} link points at the published snapshot.
   */
  private void recover() throws IOException {
    for (String tmp : List.of(POINTER_TMP, LINK_TMP)) {
      Path p = new Path(out, tmp);
      if (local ? Files.exists(localPath(p), LinkOption.NOFOLLOW_LINKS) : fs.exists(p)) {
        if (local) Files.delete(localPath(p)); else fs.delete(p, false);
        notes.add("deleted " + tmp + ", staged by a run that did not publish");
      }
    }
    previous = OutputFolder.current(conf, out.toString()).orElse(null);
    collect(true);
    relink();
  }

  private void createSnapshot() throws IOException {
    Path runs = new Path(out, OutputFolder.RUNS);
    String base = STAMP.format(Instant.now()) + "-" + runId.replaceAll("[^A-Za-z0-9._-]", "_");
    String id = base;
    for (int i = 2; fs.exists(new Path(runs, id)); i++) {
      id = base + "-" + i;
    }
    snapshotRel = OutputFolder.RUNS + "/" + id;
    snapshot = new Path(out, snapshotRel);
    fs.mkdirs(snapshot);
    fs.create(new Path(snapshot, MARKER), false).close(); // before anything else: this folder is ours to delete
  }

  // ---------------------------------------------------------------------------------------------- nightly carry-over

  /**
   * A nightly run: every partition of the current snapshot's tables but the night this run replaces, and the files
   * under {@code filesFolder} but this run's own, become part of this snapshot too. On a local disk they are hard
   * links inside the snapshot (each snapshot complete on its own); elsewhere they stay where they are and the
   * pointer references them.
   */
  public void carryOver(String partitionColumn, String replacedPartition, String filesFolder, String ownFile) {
    carryOver(partitionColumn, replacedPartition, Map.of(filesFolder, ownFile));
  }

  /**
   * As {@link #carryOver(String, String, String, String)}, for several folders of files: folder → this run's own file
   * in it (a night's manifest, a night's digest), which the earlier one of the same name does not replace.
   */
  public void carryOver(String partitionColumn, String replacedPartition, Map<String, String> ownFiles) {
    if (previous == null) {
      checkpoint("carried-over");
      return;
    }
    String replaced = partitionColumn + "=" + replacedPartition;
    try {
      for (Map.Entry<String, Pointer.TableParts> t : previous.tables().entrySet()) {
        if (!partitionColumn.equals(t.getValue().partition())) continue;
        for (String part : t.getValue().parts()) {
          String name = new Path(part).getName();
          if (name.equals(replaced) || !name.startsWith(partitionColumn + "=")) continue;
          String into = t.getKey() + "/" + name;
          if (local) {
            linkTree(new Path(out, part), new Path(snapshot, into));
          } else {
            carriedParts.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(part);
          }
        }
      }
      for (Map.Entry<String, String> f : previous.files().entrySet()) {
        boolean carried = ownFiles.entrySet().stream()
            .anyMatch(o -> f.getKey().startsWith(o.getKey() + "/") && !f.getKey().equals(o.getValue()));
        if (!carried) continue;
        if (local) {
          linkTree(new Path(out, f.getValue()), new Path(snapshot, f.getKey()));
        } else {
          carriedFiles.put(f.getKey(), f.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot carry the earlier nights over into " + snapshot, e);
    }
    checkpoint("carried-over");
  }

  /** Hard-links every file under {@code from} to the same place under {@code to}. */
  private void linkTree(Path from, Path to) throws IOException {
    java.nio.file.Path src = localPath(from);
    java.nio.file.Path dst = localPath(to);
    if (!Files.isDirectory(src)) {
      Files.createDirectories(dst.getParent());
      Files.createLink(dst, src);
      return;
    }
    try (Stream<java.nio.file.Path> walk = Files.walk(src)) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk::iterator) {
        java.nio.file.Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.createLink(target, p);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- publishing

  /**
   * Publishes the snapshot: builds the pointer from what the snapshot holds ({@code tables}: name → partition column
   * or null; every other file of the snapshot becomes a named file), stages it, renames it over {@code current.json},
   * points the {@code current} link at the snapshot, and deletes the snapshots retention no longer keeps.
   */
  public Pointer publish(Map<String, String> tables) {
    try {
      Map<String, Pointer.TableParts> parts = new TreeMap<>();
      for (Map.Entry<String, String> t : tables.entrySet()) {
        Path dir = new Path(snapshot, t.getKey());
        if (!fs.exists(dir)) continue;
        List<String> list = new ArrayList<>();
        if (t.getValue() == null) {
          list.add(snapshotRel + "/" + t.getKey());
        } else {
          for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && s.getPath().getName().startsWith(t.getValue() + "=")) {
              list.add(snapshotRel + "/" + t.getKey() + "/" + s.getPath().getName());
            }
          }
          list.addAll(carriedParts.getOrDefault(t.getKey(), List.of()));
          list.sort(java.util.Comparator.comparing(p -> new Path(p).getName()));
          if (list.isEmpty()) list.add(snapshotRel + "/" + t.getKey()); // no rows at all: the empty table folder
        }
        parts.put(t.getKey(), new Pointer.TableParts(t.getValue(), list));
      }
      Map<String, String> files = new TreeMap<>(carriedFiles);
      for (String f : filesOf(snapshot, "", tables.keySet())) {
        files.put(f, snapshotRel + "/" + f);
      }
      List<String> history = new ArrayList<>();
      history.add(snapshotRel);
      if (previous != null) {
        for (String h : previous.history()) {
          if (!history.contains(h) && history.size() < Math.max(keep, 10)) history.add(h);
        }
      }
      Pointer pointer = new Pointer(Pointer.FORMAT, snapshotRel, runId, mode, Instant.now().toString(), parts, files, history);
      writePointer(pointer);
      published = true;
      previous = pointer;
      checkpoint("published");
      relink();
      checkpoint("linked");
      collect(false);
      return pointer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + snapshot, e);
    }
  }

  /** The files of the snapshot outside its table folders and the marker, relative to it, sorted. */
  private List<String> filesOf(Path dir, String prefix, Set<String> tableNames) throws IOException {
    List<String> found = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      String rel = prefix + name;
      if (name.startsWith(".") || name.endsWith(".crc")) continue;
      if (prefix.isEmpty() && tableNames.contains(name) && s.isDirectory()) {
        // A table's own folder: only the files beside its partitions (a nightly digest beside the findings).
        for (FileStatus f : fs.listStatus(s.getPath())) {
          String n = f.getPath().getName();
          if (f.isFile() && !n.startsWith(".") && !n.startsWith("_") && !n.endsWith(".crc") && !n.endsWith(".parquet")) {
            found.add(name + "/" + n);
          }
        }
        continue;
      }
      if (prefix.isEmpty() && name.equals(MARKER)) continue;
      if (s.isDirectory()) {
        found.addAll(filesOf(s.getPath(), rel + "/", tableNames));
      } else {
        found.add(rel);
      }
    }
    found.sort(null);
    return found;
  }

  /** Stages the pointer beside {@code current.json} and renames it over it: the atomic step that publishes a run. */
  private void writePointer(Pointer pointer) throws IOException {
    byte[] bytes = pointer.toJson().getBytes(StandardCharsets.UTF_8);
    Path tmp = new Path(out, POINTER_TMP);
    Path target = new Path(out, OutputFolder.POINTER);
    if (local) {
      java.nio.file.Path t = localPath(tmp);
      try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      checkpoint("pointer-staged");
      Files.move(t, localPath(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(localPath(out));
    } else {
      try (FSDataOutputStream o = fs.create(tmp, true)) {
        o.write(bytes);
        o.hsync();
      }
      checkpoint("pointer-staged");
      FileContext.getFileContext(fs.getUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
    }
  }

  private static void syncDirectory(java.nio.file.Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system lets a folder be synced; the rename itself is still atomic.
    }
  }

  /** On a local disk, points the {@code current} link at the published snapshot (a link renamed over the old one). */
  private void relink() throws IOException {
    if (!local || previous == null) {
      return;
    }
    java.nio.file.Path link = localPath(new Path(out, OutputFolder.CURRENT_LINK));
    java.nio.file.Path target = java.nio.file.Path.of(previous.snapshot());
    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
      return;
    }
    java.nio.file.Path tmp = localPath(new Path(out, LINK_TMP));
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, target);
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Deletes every snapshot folder the published pointer does not need: not the current one, not one of the
   * {@code keep} newest published, not one a part or file of the pointer references, not the target of the
   * {@code current} link. Only folders holding the marker are deleted (an empty folder too: a run killed before it
   * wrote the marker); the marker goes last, so an interrupted deletion is finished by the next run.
   */
  private void collect(boolean recovering) throws IOException {
    Path runs = new Path(out, OutputFolder.RUNS);
    if (!fs.exists(runs)) {
      return;
    }
    Set<String> kept = new HashSet<>();
    if (previous != null) {
      kept.add(previous.snapshot());
      previous.history().stream().limit(keep).forEach(kept::add);
      Stream.concat(previous.tables().values().stream().flatMap(t -> t.parts().stream()), previous.files().values().stream())
          .map(p -> p.split("/", 3)).filter(s -> s.length >= 2).forEach(s -> kept.add(s[0] + "/" + s[1]));
    }
    if (local) {
      java.nio.file.Path link = localPath(new Path(out, OutputFolder.CURRENT_LINK));
      if (Files.isSymbolicLink(link)) kept.add(Files.readSymbolicLink(link).toString());
    }
    if (!recovering && snapshotRel != null) kept.add(snapshotRel);
    Set<String> published = previous == null ? Set.of() : Set.copyOf(previous.history());
    FileStatus[] all = fs.listStatus(runs);
    java.util.Arrays.sort(all, java.util.Comparator.comparing(s -> s.getPath().getName()));
    boolean first = true;
    for (FileStatus s : all) {
      String rel = OutputFolder.RUNS + "/" + s.getPath().getName();
      if (kept.contains(rel) || !s.isDirectory()) continue;
      boolean ours = fs.exists(new Path(s.getPath(), MARKER));
      if (!ours && fs.listStatus(s.getPath()).length > 0) {
        notes.add("left " + rel + " alone: it does not hold logcause's marker");
        continue;
      }
      deleteSnapshot(s.getPath());
      if (recovering) {
        notes.add(published.contains(rel) ? "finished deleting the old snapshot " + rel
            : "deleted the unpublished snapshot of an interrupted run: " + rel);
      }
      if (first && !recovering) {
        first = false;
        checkpoint("collecting");
      }
    }
  }

  /** Deletes a snapshot folder, its marker last. */
  private void deleteSnapshot(Path dir) throws IOException {
    for (FileStatus c : fs.listStatus(dir)) {
      if (!c.getPath().getName().equals(MARKER)) fs.delete(c.getPath(), true);
    }
    fs.delete(new Path(dir, MARKER), false);
    fs.delete(dir, false);
  }

  private java.nio.file.Path localPath(Path p) {
    return java.nio.file.Path.of(fs.makeQualified(p).toUri());
  }

  /** Releases the lock; a snapshot never published (the run failed) is deleted first. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      if (!published && snapshot != null && fs.exists(snapshot)) {
        deleteSnapshot(snapshot);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the unpublished snapshot " + snapshot, e);
    } finally {
      release();
    }
  }
}
