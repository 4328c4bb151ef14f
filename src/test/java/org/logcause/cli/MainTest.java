package org.logcause.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.SharedSpark;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsHelpForTheToolAndEveryCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("forensic");
    assertThat(run("forensic", "--help")).isZero();
    assertThat(out.toString()).contains("--job", "--out", "--master");
  }

  @Test
  void aMissingJobSpecIsOneLineAndExitTwo() {
    assertThat(run("forensic", "--job", "no/such/job.yaml")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("logcause: job spec not found: no/such/job.yaml" + System.lineSeparator());
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    assertThat(run("forensic")).isEqualTo(2);
    assertThat(err.toString()).startsWith("logcause: Missing required option: '--job=FILE'");
    assertThat(run("frobnicate")).isEqualTo(2);
  }

  @Test
  void anUnknownFormatNamesTheFieldAndExitsTwo(@TempDir Path dir) throws IOException {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "job: j\nsources:\n  - {name: a, component: c, format: nginx, path: x.log}\n");
    assertThat(run("forensic", "--job", job.toString())).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("logcause: " + job + ": sources[0].format: unknown format \"nginx\"")
        .doesNotContain("\tat ");
  }

  @Test
  void aGlobMatchingNoFileIsAUsageError(@TempDir Path dir) throws IOException {
    SharedSpark.get();
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "job: j\nsources:\n  - {name: a, component: c, format: syslog, path: nothing-*.log}\n");
    assertThat(run("forensic", "--job", job.toString(), "--out", dir.resolve("out").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("logcause: sources[0].path: no file matches \"nothing-*.log\"");
  }

}
