package org.logcause.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.TableRows;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and a worker started as separate JVMs from the project's
 * own dependency jars (target/lib, built by {@code mvn package}); the forensic job on the Redcrow sample runs with
 * {@code --master spark://...} in a driver JVM of its own and must write the same rows as a local run. The test stops
 * the processes it started, and only those.
 */
@Tag("cluster")
class StandaloneClusterTest {
  @TempDir static Path dir;
  static final List<Process> started = new ArrayList<>();
  static final int MASTER_PORT = 17077;
  static Path sparkHome;

  static List<String> java(String xmx) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), xmx,
        "-XX:+IgnoreUnrecognizedVMOptions", "-Duser.timezone=UTC", "-Djava.awt.headless=true"));
    for (String p : List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar")) {
      cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    return cmd;
  }

  static Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("TZ", "UTC");
    return pb.start();
  }

  @BeforeAll
  static void startMasterAndWorker() throws Exception {
    Path lib = Path.of("target/lib");
    assertThat(Path.of("target/logcause.jar")).as("run `mvn -B -DskipTests package` first (.ci/run does)").exists();
    sparkHome = dir.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path j : jars.toList()) Files.createSymbolicLink(sparkHome.resolve("jars").resolve(j.getFileName()), j.toAbsolutePath());
    }
    String cp = sparkHome.resolve("jars") + "/*";
    List<String> master = java("-Xmx256m");
    master.addAll(List.of("-cp", cp, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(MASTER_PORT), "--webui-port", "18180"));
    started.add(start(master, dir.resolve("master.log")));
    awaitPort(MASTER_PORT, dir.resolve("master.log"));
    List<String> worker = java("-Xmx256m");
    worker.addAll(List.of("-cp", cp, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
        "--memory", "1536m", "--webui-port", "18181", "--work-dir", sparkHome.resolve("work").toString(),
        "spark://127.0.0.1:" + MASTER_PORT));
    started.add(start(worker, dir.resolve("worker.log")));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.readString(dir.resolve("worker.log")).contains("Successfully registered with master")) {
      assertThat(System.nanoTime()).as("worker registration; log:\n%s", Files.readString(dir.resolve("worker.log"))).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  static void awaitPort(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        assertThat(System.nanoTime()).as("master on port %d; log:\n%s", port, Files.readString(log)).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  static void stopWhatWeStarted() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.descendants().forEach(ProcessHandle::destroy); // the executor JVMs the worker launched
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  /** A driver JVM running the launcher's jar, as spark-submit would run it. */
  static int driver(Path log, String... args) throws Exception {
    List<String> cmd = java("-Xmx1g");
    cmd.addAll(List.of("-Dspark.jars=" + Path.of("target/logcause.jar").toAbsolutePath(), "-Dspark.executor.cores=1",
        "-Dspark.executor.memory=512m", "-Dspark.cores.max=2", "-jar", "target/logcause.jar"));
    cmd.addAll(List.of(args));
    Process p = start(cmd, log);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return p.exitValue();
  }

  /** The postmortem column holds the draft's path, which names the output folder: the one expected difference. */
  static Map<String, List<String>> rows(SparkSession spark, Path out) {
    return TableRows.of(spark, out, t -> t.drop("postmortem"));
  }

  @Test
  void theForensicJobOnTheClusterWritesTheSameRowsAsLocally() throws Exception {
    Path local = dir.resolve("local");
    Path cluster = dir.resolve("cluster");
    assertThat(driver(dir.resolve("local.log"), "forensic", "--job", "jobs/redcrow.yaml", "--out", local.toString(),
        "--master", "local[2]")).as(Files.readString(dir.resolve("local.log"))).isZero();
    assertThat(driver(dir.resolve("cluster.log"), "forensic", "--job", "jobs/redcrow.yaml", "--out", cluster.toString(),
        "--master", "spark://127.0.0.1:" + MASTER_PORT)).as(Files.readString(dir.resolve("cluster.log"))).isZero();
    // The work ran on the worker's executors: separate JVMs with their own logs.
    try (Stream<Path> s = Files.walk(sparkHome.resolve("work"))) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("stderr")).count()).isPositive();
    }
    assertThat(Files.readString(dir.resolve("cluster.log"))).contains("ROOT CAUSE", "c-64");

    SparkSession spark = SparkSession.builder().master("local[1]").appName("compare").config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC").config("spark.driver.host", "127.0.0.1").getOrCreate();
    try {
      Map<String, List<String>> expected = rows(spark, local);
      assertThat(expected.get("events")).hasSizeGreaterThan(20_000);
      Map<String, List<String>> actual = rows(spark, cluster);
      for (String t : expected.keySet()) {
        List<String> missing = expected.get(t).stream().filter(r -> !actual.get(t).contains(r)).limit(3).toList();
        List<String> extra = actual.get(t).stream().filter(r -> !expected.get(t).contains(r)).limit(3).toList();
        assertThat(actual.get(t)).as("%s: %d rows locally, %d on the cluster; only local: %s; only cluster: %s", t,
            expected.get(t).size(), actual.get(t).size(), missing, extra).isEqualTo(expected.get(t));
      }
    } finally {
      spark.stop();
    }
  }
}
