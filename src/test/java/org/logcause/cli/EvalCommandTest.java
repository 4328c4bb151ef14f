package org.logcause.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.support.SharedSpark;

class EvalCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void reportsMissingAttributionInsteadOfInventingFigures(@TempDir Path work) throws Exception {
    SharedSpark.get();
    int exit = run("eval", "--scenarios", "sample-data/redcrow-2024-06-20", "--work", work.toString(), "--json");
    assertThat(exit).isEqualTo(3);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("status").asText()).isEqualTo("attribution_missing");
    assertThat(json.get("overall").get("cases").asInt()).isEqualTo(1);
    assertThat(json.get("families").get("replication-misconfig").get("cases").asInt()).isEqualTo(1);
    assertThat(json.get("overall").has("ac1")).as("no invented AC@1").isFalse();
    assertThat(err.toString()).contains("attribution is missing");
    assertThat(work.resolve("redcrow-2024-06-20/out/events")).isDirectory();
  }

  @Test
  void generatesScenariosOnTheFlyForFamiliesAndSeeds(@TempDir Path work) {
    SharedSpark.get();
    int exit = run("eval", "--families", "no-incident,disk-full", "--seeds", "5-5", "--scale", "0.1", "--work", work.toString());
    assertThat(exit).isEqualTo(3);
    assertThat(out.toString()).contains("disk-full", "no-incident", "attribution is missing");
    assertThat(work.resolve("disk-full-5/labels.json")).exists();
  }

  @Test
  void rejectsBadSeedsAndUnknownFamilies() {
    assertThat(run("eval", "--families", "all", "--seeds", "9-2")).isEqualTo(2);
    assertThat(err.toString()).contains("--seeds: \"9-2\" is not a seed or a range A-B with A <= B");
    assertThat(run("eval", "--families", "ddos", "--seeds", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--families: unknown scenario \"ddos\"");
    assertThat(run("simulate", "--scenario", "meteor", "--seed", "1", "--out", "x")).isEqualTo(2);
    assertThat(run("simulate", "--scenario", "disk-full", "--seed", "1", "--out", "x", "--start", "yesterday")).isEqualTo(2);
    assertThat(err.toString()).contains("--start: not an ISO-8601 UTC time: \"yesterday\"");
  }
}
