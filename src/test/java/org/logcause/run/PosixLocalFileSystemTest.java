package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.SharedSpark;

/** Permissions set in-process mean what Hadoop's chmod meant, and every session's {@code file:} paths use them. */
class PosixLocalFileSystemTest {
  @TempDir Path dir;

  @Test
  void modeBitsMapToTheSamePermissionsChmodWouldSet() {
    assertThat(PosixFilePermissions.toString(PosixLocalFileSystem.posix((short) 0755))).isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(PosixLocalFileSystem.posix((short) 0644))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(PosixLocalFileSystem.posix((short) 0640))).isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(PosixLocalFileSystem.posix((short) 0))).isEqualTo("---------");
    assertThat(PosixFilePermissions.toString(PosixLocalFileSystem.posix((short) 0777))).isEqualTo("rwxrwxrwx");
  }

  @Test
  void sessionsWriteLocalFilesThroughItAndItSetsModes() throws IOException {
    SparkSession spark = SharedSpark.get();
    FileSystem fs = FileSystem.get(URI.create("file:///"), spark.sparkContext().hadoopConfiguration());
    assertThat(fs).isInstanceOf(PosixLocalFileSystem.class);

    Path file = Files.writeString(dir.resolve("a.txt"), "x");
    fs.setPermission(new org.apache.hadoop.fs.Path(file.toUri()), new FsPermission((short) 0640));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");

    org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(dir.resolve("d/e").toUri());
    assertThat(fs.mkdirs(sub, new FsPermission((short) 0750))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/e"))))
        .isEqualTo("rwxr-x---");

    // as with chmod, a path that is not there is an error, not a silent no-op
    assertThatThrownBy(() -> fs.setPermission(new org.apache.hadoop.fs.Path(dir.resolve("missing").toUri()),
        new FsPermission((short) 0644))).isInstanceOf(IOException.class);
  }
}
