package org.logcause.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.simulate.Labels;

class MissesReportTest {
  /** A lab run's labels name its family and seed only; the PostgreSQL and MariaDB runs of one seed share them. */
  private static Evaluation.Case missed(String folder) {
    Labels labels = new Labels("dropped-index-6", "dropped-index", 6, "mariadb",
        new Labels.Window("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
        new Labels.RootCause("db", "deploy", "2025-01-01T00:00:00Z", "c-1", ""), List.of(), List.of(), Map.of(),
        Map.of(), List.of());
    return new Evaluation.Case(Path.of("sample-data/lab").resolve(folder), labels, 10, 0,
        new Evaluation.Detection(1, 1, true, 0.0),
        new Evaluation.Attribution(2, 1, 0, 0, 0, null, null, List.of(), List.of(), "timeout@app", List.of(0.7, 0.6)));
  }

  @Test
  void aMissIsNamedByItsScenariosFolder() throws Exception {
    StringWriter json = new StringWriter();
    Evaluation.report(List.of(missed("dropped-index-mariadb-6")), new PrintWriter(json, true), true, 1.0);
    JsonNode misses = new ObjectMapper().readTree(json.toString()).get("misses");
    assertThat(misses).hasSize(1);
    assertThat(misses.get(0).get("scenario").asText()).isEqualTo("dropped-index-mariadb-6");
    StringWriter text = new StringWriter();
    Evaluation.report(List.of(missed("dropped-index-mariadb-6")), new PrintWriter(text, true), false, 1.0);
    assertThat(text.toString()).contains("miss: dropped-index-mariadb-6: truth deploy@db at rank 2");
  }
}
