package org.logcause.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}), setting permissions with Java's own call instead of a {@code chmod}
 * process.
 *
 * <p>Without Hadoop's native library (which Spark's distribution does not ship), {@link RawLocalFileSystem} runs
 * {@code chmod} in a child process for every directory it creates and every file it writes: a forensic run of the
 * shipped sample started about a hundred of them (the output committer's temporary directories, each part file and
 * its checksum), each a fork of the driver's JVM and a thread to read its error stream. {@link
 * Files#setPosixFilePermissions} sets the same nine bits in-process. Anything it cannot express (the sticky bit, a
 * file system without POSIX permissions) and a JVM that has the native library keep Hadoop's own way.
 *
 * <p>Checksums, caching and everything else are {@link LocalFileSystem}'s. Configured as {@code fs.file.impl} by
 * {@link SparkSessions} unless the user set that key.
 */
public class PosixLocalFileSystem extends LocalFileSystem {

  public PosixLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-free) layer under {@link PosixLocalFileSystem}. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (NativeIO.isAvailable() || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      java.nio.file.Path file = pathToFile(p).toPath();
      try {
        Files.setPosixFilePermissions(file, posix(permission.toShort()));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }
  }

  /** The nine permission bits of {@code mode} (owner, group, others; read, write, execute), as Java's set. */
  static Set<PosixFilePermission> posix(short mode) {
    PosixFilePermission[] order = {
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
    };
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        set.add(order[i]);
      }
    }
    return set;
  }
}
