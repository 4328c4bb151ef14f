package org.logcause.external;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.logcause.ingest.FileStat;
import org.logcause.job.JobSpecLoader;
import org.logcause.run.Progress;
import org.logcause.run.RunJob;
import org.logcause.support.SharedSpark;

/**
 * Ingests every real log sample of ../shared/data/external (catalogued in external/catalog.yaml with its format
 * and quarantine bound) through the real Spark stage, and checks the line accounting of every file.
 */
@Tag("external")
class ExternalSamplesIngestTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static Path external;
  static Map<String, Object> catalog;
  static List<Map<String, Object>> entries;
  static RunJob.Outcome outcome;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void ingestEverything() throws IOException {
    external = Path.of(System.getProperty("logcause.external.dir", "../shared/data/external")).toAbsolutePath().normalize();
    assertThat(external).as("../shared/data/external must be beside the project").isDirectory();
    try (InputStream in = ExternalSamplesIngestTest.class.getResourceAsStream("/external/catalog.yaml")) {
      catalog = YAML.readValue(in, Map.class);
    }
    entries = (List<Map<String, Object>>) catalog.get("entries");
    List<Map<String, Object>> sources = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Map<String, Object> e = entries.get(i);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", "e" + i);
      s.put("component", "external");
      s.put("format", e.get("format"));
      s.put("path", external.resolve((String) e.get("files")).toString());
      s.put("allow_outside", true); // the samples live in ../shared, not beside the spec
      if (e.containsKey("options")) {
        s.put("options", e.get("options"));
      }
      sources.add(s);
    }
    Path dir = Path.of("target", "external-run").toAbsolutePath();
    Files.createDirectories(dir);
    Path spec = dir.resolve("external.yaml");
    YAML.writeValue(spec.toFile(), Map.of("job", "external-samples", "sources", sources));
    var job = JobSpecLoader.load(spec);
    outcome = new RunJob(job, org.logcause.plan.RunPlan.forensic(job, dir.resolve("out").toString()),
        new Progress(new PrintWriter(new StringWriter()))).apply(SharedSpark.get());
    writeReport(dir.getParent().resolve("external-ingest.tsv"));
  }

  private static void writeReport(Path tsv) throws IOException {
    StringBuilder b = new StringBuilder("file\tformat\tlines_read\tevents\tcontinuation_lines\tquarantined\tquarantine_rate\tbound\n");
    for (FileStat f : outcome.files()) {
      Map<String, Object> e = entryOf(f);
      b.append(String.join("\t", relative(f), (String) e.get("format"), String.valueOf(f.linesRead()),
          String.valueOf(f.events()), String.valueOf(f.continuationLines()), String.valueOf(f.quarantined()),
          String.format("%.4f", rate(f)), String.valueOf(bound(e)))).append('\n');
    }
    Files.writeString(tsv, b.toString());
  }

  static Map<String, Object> entryOf(FileStat f) {
    return entries.get(Integer.parseInt(f.source().substring(1)));
  }

  static double bound(Map<String, Object> e) {
    Object b = e.getOrDefault("max_quarantine_rate", catalog.get("default_max_quarantine_rate"));
    return ((Number) b).doubleValue();
  }

  static double rate(FileStat f) {
    return f.linesRead() == 0 ? 0 : (double) f.quarantined() / f.linesRead();
  }

  static String relative(FileStat f) {
    Path p = Path.of(f.file());
    Path abs = p.isAbsolute() ? p : Path.of("target", "external-run").toAbsolutePath().resolve(p).normalize();
    return external.relativize(abs).toString();
  }

  @Test
  void everyLogSampleIsIngested() throws IOException {
    Set<String> expected;
    try (Stream<Path> all = Files.walk(external)) {
      expected = all.filter(Files::isRegularFile).map(p -> external.relativize(p).toString())
          .filter(n -> !n.endsWith("LICENSE") && !n.endsWith("README.md") && !n.endsWith("CITATION")
              && !n.equals("MANIFEST.tsv") && !n.endsWith(".csv") && !n.endsWith(".csv.gz"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> ingested = outcome.files().stream().map(ExternalSamplesIngestTest::relative)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(ingested).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyFileReconcilesWithoutFileErrors() {
    assertThat(outcome.files()).allSatisfy(f -> {
      assertThat(f.reconciled()).as("reconciled: %s", f.file()).isTrue();
      assertThat(f.error()).as("error of %s", f.file()).isNull();
    });
  }

  @Test
  void quarantineRatesStayUnderTheirStatedBounds() {
    assertThat(outcome.files()).allSatisfy(f ->
        assertThat(rate(f)).as("quarantine rate of %s (%d of %d lines)", relative(f), f.quarantined(), f.linesRead())
            .isLessThanOrEqualTo(bound(entryOf(f))));
  }
}
