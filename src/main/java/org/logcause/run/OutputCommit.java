package org.logcause.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.logcause.job.SpecException;

/**
 * The commit protocol of an output folder. A run holds the folder's lock for its whole life, writes every table and
 * file under {@code _staging/<run id>/}, and only then moves them into place, one rename per table (or per
 * partition of a partitioned table). Readers see a table only when its folder holds {@code _SUCCESS}, and every table
 * they see is whole: either the previous run's or this run's. A run killed at any point leaves its staging folder
 * (ignored by readers: its name starts with {@code _}) and its lock; the next run on the folder finds the lock's
 * process gone, takes the lock over, puts back anything a half-done commit had moved aside, and deletes the
 * leftovers.
 */
public final class OutputCommit implements AutoCloseable {
  public static final String LOCK = "_logcause.lock";
  public static final String STAGING = "_staging";
  public static final String TRASH = "_trash";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path out;
  private final String runId;
  private final Path lock;
  private final List<String> notes = new ArrayList<>();
  private boolean closed;

  private OutputCommit(FileSystem fs, Path out, String runId, Path lock) {
    this.fs = fs;
    this.out = out;
    this.runId = runId;
    this.lock = lock;
  }

  /** What opening the folder found and did (a stale lock taken over, a half commit undone), for the console. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Takes the folder's lock and recovers from any run that died in it.
   *
   * @throws SpecException when a live run holds the lock (the second run refuses, it never interleaves)
   */
  public static OutputCommit open(Configuration conf, String outDir, String runId) {
    Path out = new Path(outDir);
    try {
      FileSystem fs = out.getFileSystem(conf);
      fs.mkdirs(out);
      Path lock = new Path(out, LOCK);
      OutputCommit commit = new OutputCommit(fs, out, runId, lock);
      commit.acquire();
      commit.recover();
      return commit;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output folder " + outDir, e);
    }
  }

  private void acquire() throws IOException {
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("run_id", runId);
    me.put("pid", ProcessHandle.current().pid());
    me.put("host", host());
    me.put("since", Instant.now().toString());
    byte[] content = JSON.writeValueAsBytes(me);
    for (int attempt = 0; attempt < 2; attempt++) {
      if (createExclusive(content)) {
        return;
      }
      Map<?, ?> holder = readLock();
      if (holder != null && isDead(holder)) {
        notes.add("took over the lock of run " + holder.get("run_id") + " (process " + holder.get("pid") + " on "
            + holder.get("host") + " is gone)");
        fs.delete(lock, false);
        continue;
      }
      throw new SpecException(holder == null
          ? out + " is locked by another run (" + lock + ")"
          : out + " is locked by run " + holder.get("run_id") + " (process " + holder.get("pid") + " on " + holder.get("host")
              + ", since " + holder.get("since") + "); wait for it to finish, or delete " + lock + " if that process is gone");
    }
    throw new SpecException(out + ": could not take the lock " + lock);
  }

  /** Creates the lock only if absent: O_EXCL on a local disk, HDFS's atomic create elsewhere. */
  private boolean createExclusive(byte[] content) throws IOException {
    if ("file".equals(fs.getUri().getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(lock).toUri());
      try {
        Files.write(local, content, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream o = fs.create(lock, false)) {
      o.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private Map<?, ?> readLock() {
    try (FSDataInputStream in = fs.open(lock)) {
      return JSON.readValue(in.readAllBytes(), Map.class);
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

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }
  }

  /** Puts back what a killed commit had moved aside, then deletes every leftover staging and trash folder. */
  private void recover() throws IOException {
    Path trash = new Path(out, TRASH);
    if (fs.exists(trash)) {
      for (FileStatus run : fs.listStatus(trash)) {
        restore(run.getPath(), out);
      }
      fs.delete(trash, true);
    }
    Path staging = new Path(out, STAGING);
    if (fs.exists(staging)) {
      for (FileStatus run : fs.listStatus(staging)) {
        notes.add("deleted the staging folder of an unfinished run: " + run.getPath().getName());
      }
      fs.delete(staging, true);
    }
  }

  /** Moves back every folder of {@code from} whose place under {@code to} is empty (the commit died between renames). */
  private void restore(Path from, Path to) throws IOException {
    for (FileStatus s : fs.listStatus(from)) {
      Path target = new Path(to, s.getPath().getName());
      if (!fs.exists(target)) {
        fs.mkdirs(to);
        fs.rename(s.getPath(), target);
        notes.add("restored " + target + " from an interrupted commit");
      } else if (s.isDirectory() && s.getPath().getName().indexOf('=') < 0) {
        restore(s.getPath(), target); // a table folder whose partitions were being swapped
      }
    }
  }

  /** Where this run writes a table (or file) before the commit moves it into place. */
  public String staged(String name) {
    return new Path(stagingRoot(), name).toString();
  }

  private Path stagingRoot() {
    return new Path(new Path(out, STAGING), runId);
  }

  /**
   * Moves a staged table into place. Unpartitioned ({@code partitionColumn} null): the whole folder replaces the
   * previous one. Partitioned: each staged partition replaces the same partition only, and every other partition is
   * left as it was (dynamic partition overwrite); then the table's {@code _SUCCESS} marker is (re)written.
   */
  public void commitTable(String table, String partitionColumn) {
    Path staged = new Path(stagingRoot(), table);
    Path target = new Path(out, table);
    Path aside = new Path(new Path(new Path(out, TRASH), runId), table);
    try {
      if (partitionColumn == null) {
        if (fs.exists(target)) {
          fs.mkdirs(aside.getParent());
          rename(target, aside);
        }
        rename(staged, target);
      } else {
        fs.mkdirs(target);
        for (FileStatus p : fs.listStatus(staged)) {
          if (!p.isDirectory() || !p.getPath().getName().startsWith(partitionColumn + "=")) continue;
          Path into = new Path(target, p.getPath().getName());
          if (fs.exists(into)) {
            fs.mkdirs(aside);
            rename(into, new Path(aside, p.getPath().getName()));
          }
          rename(p.getPath(), into);
        }
        fs.create(new Path(target, "_SUCCESS"), true).close();
      }
      fs.delete(aside, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + table + " into " + out, e);
    }
  }

  /** Moves a staged file (the manifest JSON, a postmortem draft, a chart) into place, replacing the previous one. */
  public void commitFile(String relative) {
    Path staged = new Path(stagingRoot(), relative);
    Path target = new Path(out, relative);
    try {
      fs.mkdirs(target.getParent());
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      rename(staged, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + relative + " into " + out, e);
    }
  }

  /** The staged files under a folder of the staging area (relative names), e.g. every postmortem draft. */
  public List<String> stagedFiles(String folder) {
    List<String> names = new ArrayList<>();
    try {
      Path dir = new Path(stagingRoot(), folder);
      if (fs.exists(dir)) {
        for (FileStatus s : fs.listStatus(dir)) {
          if (s.isFile() && !s.getPath().getName().startsWith(".")) names.add(folder + "/" + s.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    names.sort(null);
    return names;
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }

  /** Deletes this run's staging folder and releases the lock. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      fs.delete(stagingRoot(), true);
      Path staging = new Path(out, STAGING);
      if (fs.exists(staging) && fs.listStatus(staging).length == 0) fs.delete(staging, false);
      Path trash = new Path(out, TRASH);
      fs.delete(new Path(trash, runId), true);
      if (fs.exists(trash) && fs.listStatus(trash).length == 0) fs.delete(trash, false);
      fs.delete(lock, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + lock, e);
    }
  }

  /** Test hook: the state a commit killed between its two renames leaves (the old table moved aside, the new not in). */
  void moveAsideOnly(String table) throws IOException {
    Path aside = new Path(new Path(new Path(out, TRASH), runId), table);
    fs.mkdirs(aside.getParent());
    rename(new Path(out, table), aside);
  }

  static String lockHost() {
    return host();
  }
}
