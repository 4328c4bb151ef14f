package org.logcause.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.cli.Main;
import org.logcause.support.SharedSpark;

/**
 * The benchmark's JSON contract, on a small scenario (profile -Pscale: never in the default suite). It checks that
 * the figures are there and consistent, not how fast they are: speed is what the benchmark reports.
 */
@Tag("scale")
class BenchPipelineTest {
  @TempDir Path dir;

  @Test
  void printsOneJsonObjectWithEveryDocumentedKey() throws Exception {
    SharedSpark.get();
    StringWriter out = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "bench", "pipeline", "--scale", "0.3",
        "--scaling", "--no-tools", "--json", "--work", dir.toString(), "--sample", "sample-data/redcrow-2024-06-20/job.yaml",
        "--eval-seeds", "1100-1100", "--eval-scale", "0.1");
    assertThat(exit).isZero();
    JsonNode o = new ObjectMapper().readTree(out.toString());
    for (String key : new String[] {"input_mb", "lines", "floor_lines_per_s", "end_to_end_lines_per_s", "ratio_end_to_end",
        "ratio_ingest_classify", "driver_peak_heap_mb", "ratio_ingest_vs_regex_cached", "ratio_end_to_end_vs_spark_minimal",
        "forensic_sample_seconds", "query_startup_seconds", "forensic_sample_ratio", "eval_seconds_per_scenario"}) {
      assertThat(o.get(key)).as(key).isNotNull();
      assertThat(o.get(key).asDouble()).as(key).isPositive();
    }
    assertThat(o.get("driver_heap_after_gc_peak_mb").asLong()).as("what a collection left in use")
        .isPositive().isLessThanOrEqualTo(o.get("driver_max_heap_mb").asLong());
    assertThat(o.get("stages").fieldNames()).toIterable().contains("ingest", "classify", "detect", "attribute", "write", "commit");
    assertThat(o.get("ratio_end_to_end").asDouble())
        .isCloseTo(o.get("end_to_end_lines_per_s").asDouble() / o.get("floor_lines_per_s").asDouble(), org.assertj.core.data.Offset.offset(0.01));
    for (String baseline : new String[] {"cache_text", "one_regex", "regex_cached", "events_to_parquet"}) {
      JsonNode b = o.get("spark_baselines").get(baseline);
      assertThat(b).as(baseline).isNotNull();
      assertThat(b.get("seconds").asDouble()).as(baseline).isPositive();
      assertThat(b.get("ratio").asDouble()).as(baseline)
          .isCloseTo(o.get("floor_seconds").asDouble() / b.get("seconds").asDouble(), org.assertj.core.data.Percentage.withPercentage(5));
    }
    JsonNode regex = o.get("spark_baselines").get("regex_cached");
    assertThat(o.get("ratio_ingest_vs_regex_cached").asDouble()).isCloseTo(regex.get("seconds").asDouble()
        / (o.get("stages").get("ingest").get("seconds").asDouble() + o.get("stages").get("classify").get("seconds").asDouble()),
        org.assertj.core.data.Percentage.withPercentage(5));
    assertThat(o.get("forensic_sample_ratio").asDouble()).isCloseTo(o.get("forensic_sample_seconds").asDouble()
        / o.get("query_startup_seconds").asDouble(), org.assertj.core.data.Percentage.withPercentage(2));
    assertThat(o.get("eval_scenarios").asInt()).as("every family, one seed").isGreaterThan(5);
    assertThat(o.get("scaling")).hasSize(3);
    assertThat(o.get("scaling").get(2).get("lines").asLong()).isGreaterThan(10 * o.get("scaling").get(0).get("lines").asLong());
  }
}
