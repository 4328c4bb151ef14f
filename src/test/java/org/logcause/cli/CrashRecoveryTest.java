package org.logcause.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.run.OutputCommit;
import org.logcause.support.SharedSpark;
import org.logcause.support.TableRows;

/**
 * A forensic rerun in a child JVM, killed with SIGKILL while it writes its tables: readers still see the previous
 * run's tables, whole; the next run takes the dead run's lock over, cleans up, and yields the same rows as an
 * uninterrupted run.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  static final List<String> TABLES = TableRows.TABLES;

  static Map<String, List<String>> rows(Path out) {
    return TableRows.of(SharedSpark.get(), out);
  }

  static int forensic(Path out, StringWriter console) {
    return Main.run(new PrintWriter(console, true), new PrintWriter(new StringWriter(), true),
        "forensic", "--job", "jobs/redcrow.yaml", "--out", out.toString());
  }

  /** The same JVM flags and classpath as this test JVM, running logcause's main class. */
  static Process child(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:") || a.startsWith("-D") || a.startsWith("-Xmx") || a.startsWith("--enable-")
          || a.startsWith("--sun-")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.logcause.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("TZ", "UTC");
    return pb.start();
  }

  @Test
  void aRunKilledWhileWritingLeavesTheLastCommittedTablesAndTheNextRunRecovers() throws Exception {
    Path out = dir.resolve("out");
    StringWriter console = new StringWriter();
    assertThat(forensic(out, console)).isZero();
    Map<String, List<String>> committed = rows(out);

    Path log = dir.resolve("child.log");
    Process p = child(log, "forensic", "--job", "jobs/redcrow.yaml", "--out", out.toString());
    Path staging = out.resolve(OutputCommit.STAGING);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    // Mid-write: the child has staged its events and is writing the next tables.
    while (!stagedPartFiles(staging, "signals") && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("the child must still be writing when it is killed; its log:\n%s", Files.readString(log)).isTrue();
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(log)).contains("[attribute]").doesNotContain("[write]", "[commit]"); // killed while writing
    assertThat(Files.readString(log)).as("Spark's own logging is quiet by default").doesNotContain(" INFO ");

    // Readers see the previous run's tables, each whole; the dead run left its staging folder and its lock.
    assertThat(staging).isDirectory();
    assertThat(out.resolve(OutputCommit.LOCK)).exists();
    for (String t : TABLES) {
      assertThat(out.resolve(t).resolve("_SUCCESS")).as(t).exists();
    }
    assertThat(rows(out)).isEqualTo(committed);

    // The next run takes over the dead run's lock, cleans up, and gives the same rows as the uninterrupted run.
    StringWriter again = new StringWriter();
    assertThat(forensic(out, again)).isZero();
    assertThat(again.toString()).contains("note: took over the lock of run", "note: deleted the staging folder");
    assertThat(rows(out)).isEqualTo(committed);
    assertThat(staging).doesNotExist();
    assertThat(out.resolve(OutputCommit.LOCK)).doesNotExist();
  }

  private static boolean stagedPartFiles(Path staging, String table) {
    if (!Files.isDirectory(staging)) return false;
    try (Stream<Path> s = Files.walk(staging)) {
      return s.anyMatch(f -> f.toString().contains(File.separator + table + File.separator) && f.getFileName().toString().startsWith("part-"));
    } catch (Exception e) {
      return false; // the folder changes while it is walked
    }
  }
}
