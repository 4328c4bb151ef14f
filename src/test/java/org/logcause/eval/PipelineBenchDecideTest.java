package org.logcause.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.logcause.run.JitChoice;

/** The bench times the launcher's JIT decision as the launcher makes it: in a JVM of its own, with its answer. */
class PipelineBenchDecideTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String CLASS_PATH = System.getProperty("java.class.path");

  @Test
  void aSmallJobIsDecidedQuickInAChildJvm() throws Exception {
    assertThat(PipelineBench.decide(JAVA, CLASS_PATH, "forensic", "--job", "jobs/redcrow.yaml", "--out", "out"))
        .isEqualTo(JitChoice.QUICK);
  }

  @Test
  void whatCannotBeMeasuredIsFull() throws Exception {
    assertThat(PipelineBench.decide(JAVA, CLASS_PATH, "forensic", "--job", "no/such/spec.yaml")).isEqualTo(JitChoice.FULL);
    // a class path the child cannot start from: the decision falls back to full, as the launcher's does
    assertThat(PipelineBench.decide(JAVA, "no-such.jar", "query", "--out", "out")).isEqualTo(JitChoice.FULL);
  }
}
