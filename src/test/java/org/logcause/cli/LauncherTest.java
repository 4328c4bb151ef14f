package org.logcause.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code bin/logcause} keeps a class-data archive only from a run that did its work, and one of the JIT
 * choice's own from a run that read a job spec. It runs here in a
 * copy of the project's layout whose {@code target/logcause.jar} is a stand-in (a main that exits 2 when asked to
 * fail, 0 otherwise), so the launcher neither builds nor starts Spark: what is tested is its own decision.
 */
class LauncherTest {
  @TempDir
  Path root;

  Path archive;

  @BeforeEach
  void layout() throws Exception {
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("bin/logcause"), root.resolve("bin/logcause"));
    Files.createDirectories(root.resolve("src/main"));
    Files.createDirectories(root.resolve("target/lib"));
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Path src = Files.createDirectories(root.resolve("stub"));
    Files.writeString(src.resolve("Stub.java"), """
        public class Stub {
          public static void main(String[] args) {
            System.exit(java.util.Arrays.asList(args).contains("--fail") ? 2 : 0);
          }
        }
        """);
    // the JIT choice's stand-in: what the real one answers for a small job
    Files.createDirectories(src.resolve("org/logcause/run"));
    Files.writeString(src.resolve("org/logcause/run/JitChoice.java"), """
        package org.logcause.run;
        public class JitChoice {
          public static void main(String[] args) {
            System.out.println("quick");
          }
        }
        """);
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.toString(),
        src.resolve("Stub.java").toString(), src.resolve("org/logcause/run/JitChoice.java").toString());
    assertThat(compiled).isZero();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Stub");
    Path jar = root.resolve("target/logcause.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.putNextEntry(new JarEntry("Stub.class"));
      out.write(Files.readAllBytes(src.resolve("Stub.class")));
      out.closeEntry();
      out.putNextEntry(new JarEntry("org/logcause/run/JitChoice.class"));
      out.write(Files.readAllBytes(src.resolve("org/logcause/run/JitChoice.class")));
      out.closeEntry();
    }
    // the sources are older than the jar: the launcher does not rebuild
    FileTime before = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
    Files.setLastModifiedTime(root.resolve("pom.xml"), before);
    Files.setLastModifiedTime(root.resolve("src/main"), before);
    archive = root.resolve("target/logcause.jsa");
  }

  @Test
  void helpDryRunAndAFailedRunRecordNoArchive() throws Exception {
    assertThat(launch("forensic", "--help")).isZero();
    assertThat(launch("nightly", "--dry-run", "--job", "spec.yaml")).isZero();
    assertThat(launch("eval", "-h")).isZero();
    assertThat(launch("forensic", "--job", "spec.yaml", "--fail")).isEqualTo(2);
    assertThat(archive).doesNotExist();
    try (var left = Files.list(root.resolve("target"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void aRunThatDidItsWorkRecordsTheArchiveAndLaterRunsUseIt() throws Exception {
    assertThat(launch("forensic", "--job", "spec.yaml")).isZero();
    assertThat(archive).isRegularFile();
    FileTime recorded = Files.getLastModifiedTime(archive);
    assertThat(launch("forensic", "--job", "spec.yaml")).isZero();
    assertThat(Files.getLastModifiedTime(archive)).isEqualTo(recorded); // mapped, not recorded again
  }

  @Test
  void theJitChoiceKeepsAnArchiveOfItsOwnFromAForensicOrNightlyRun() throws Exception {
    Path choice = root.resolve("target/jitchoice.jsa");
    assertThat(launchWith("auto", "query", "--out", "out", "select 1")).isZero();
    assertThat(choice).doesNotExist(); // a query reads no job spec: its classes are not the ones worth keeping
    assertThat(launchWith("auto", "forensic", "--job", "spec.yaml")).isZero();
    assertThat(choice).isRegularFile();
    FileTime recorded = Files.getLastModifiedTime(choice);
    assertThat(launchWith("auto", "nightly", "--job", "spec.yaml")).isZero();
    assertThat(launchWith("auto", "query", "--out", "out", "select 1")).isZero();
    assertThat(Files.getLastModifiedTime(choice)).isEqualTo(recorded); // mapped, not recorded again
    try (var left = Files.list(root.resolve("target"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  private int launch(String... args) throws IOException, InterruptedException {
    return launchWith("full", args);
  }

  private int launchWith(String jit, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("bin/logcause").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("LOGCAUSE_JIT", jit);
    pb.environment().put("LOGCAUSE_JAVA_OPTS", "-Xmx64m");
    pb.environment().remove("LOGCAUSE_CDS");
    Process p = pb.start();
    byte[] output;
    try (var in = p.getInputStream()) {
      output = in.readAllBytes();
    }
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    int status = p.exitValue();
    assertThat(new String(output, StandardCharsets.UTF_8)).doesNotContain("building");
    return status;
  }
}
