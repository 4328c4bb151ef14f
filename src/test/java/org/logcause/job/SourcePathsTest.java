package org.logcause.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a job may read (its spec's folder unless it says otherwise, never /etc, /proc, /sys) and where it may write. */
class SourcePathsTest {
  @TempDir Path dir;

  private Path spec(String... sources) throws Exception {
    StringBuilder b = new StringBuilder("job: t\nsources:\n");
    for (int i = 0; i < sources.length; i++) {
      b.append("  - {name: s").append(i).append(", component: c, format: access, ").append(sources[i]).append("}\n");
    }
    Path job = dir.resolve("jobs/job.yaml");
    Files.createDirectories(job.getParent());
    Files.writeString(job, b.toString());
    return job;
  }

  @Test
  void aPathOutsideTheSpecsFolderNeedsAllowOutside() throws Exception {
    assertThatThrownBy(() -> JobSpecLoader.load(spec("path: ../logs/*.log")))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("sources[0].path: \"../logs/*.log\"")
        .hasMessageContaining("is outside the job spec's folder")
        .hasMessageContaining("allow_outside: true");
    assertThatCode(() -> JobSpecLoader.load(spec("path: ../logs/*.log, allow_outside: true"))).doesNotThrowAnyException();
    assertThatCode(() -> JobSpecLoader.load(spec("path: logs/*.log"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> JobSpecLoader.load(spec("path: 'hdfs://nn/logs/*.log'")))
        .hasMessageContaining("set allow_outside: true");
  }

  @Test
  void etcProcAndSysAreNeverRead() throws Exception {
    for (String p : List.of("/etc/passwd", "../../../../../../../../etc/*", "/proc/self/environ", "/sys/kernel/*")) {
      assertThatThrownBy(() -> JobSpecLoader.load(spec("path: '" + p + "', allow_outside: true")))
          .as(p).isInstanceOf(SpecException.class).hasMessageContaining("which logcause never reads");
    }
  }

  @Test
  void theOutputFolderMayNotOverlapASourceInEitherDirection() throws Exception {
    var job = JobSpecLoader.load(spec("path: logs/*/access.log"));
    Path base = dir.resolve("jobs");
    // The output inside the folder the glob reads from, where the glob reaches: refused, naming both.
    assertThatThrownBy(() -> SourcePaths.checkOutput(job, base.resolve("logs/signals").toString()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("the output folder " + base.resolve("logs/signals"))
        .hasMessageContaining("sources[0] (s0) path \"logs/*/access.log\"");
    // The output folder holding the inputs.
    assertThatThrownBy(() -> SourcePaths.checkOutput(job, base.toString())).isInstanceOf(SpecException.class);
    assertThatThrownBy(() -> SourcePaths.checkOutput(job, dir.toString())).isInstanceOf(SpecException.class);
    // Beside the inputs, or where the glob cannot reach: fine.
    assertThatCode(() -> SourcePaths.checkOutput(job, base.resolve("out").toString())).doesNotThrowAnyException();
    assertThatCode(() -> SourcePaths.checkOutput(job, dir.resolve("elsewhere/out").toString())).doesNotThrowAnyException();
    var exact = JobSpecLoader.load(spec("path: logs/web/access.log"));
    assertThatCode(() -> SourcePaths.checkOutput(exact, base.resolve("logs/db").toString())).doesNotThrowAnyException();
    assertThatThrownBy(() -> SourcePaths.checkOutput(exact, base.resolve("logs/web").toString())).isInstanceOf(SpecException.class);
  }

  @Test
  void aSymbolicLinkIntoTheOutputFolderCountsAsOverlap() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("logs"));
    Files.createDirectories(dir.resolve("jobs"));
    Files.createSymbolicLink(dir.resolve("jobs/logs"), out.resolve("logs"));
    var job = JobSpecLoader.load(spec("path: logs/*.log, allow_outside: true")); // the link leads out of jobs/
    assertThatThrownBy(() -> SourcePaths.checkOutput(job, out.toString())).isInstanceOf(SpecException.class)
        .hasMessageContaining("overlaps");
  }

  @Test
  void globSegmentsMatchOneLevelEach() {
    assertThat(SourcePaths.reaches(List.of("*", "access.log"), Path.of("web"))).isTrue();
    assertThat(SourcePaths.reaches(List.of("*.log"), Path.of("out"))).isFalse();
    assertThat(SourcePaths.reaches(List.of("db-{a,b}", "*.log"), Path.of("db-b"))).isTrue();
    assertThat(SourcePaths.reaches(List.of("db-{a,b}", "*.log"), Path.of("db-c"))).isFalse();
    assertThat(SourcePaths.reaches(List.of("*"), Path.of("a/b"))).isFalse();
  }
}
