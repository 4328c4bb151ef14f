package org.logcause.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.logcause.classify.core.Rules;
import org.logcause.ingest.FileIngestor;
import org.logcause.ingest.IngestRecord;
import org.logcause.ingest.format.Formats;
import org.logcause.job.SourceSpec;

/**
 * Precision and recall of classification per category, on labelled lines: the hand-labelled real lines shipped as
 * {@code classify/labelled-real-lines.tsv} (read from the folder of real samples by reference), or any list of
 * (truth, prediction) pairs such as the simulator's line labels.
 */
public final class ClassificationAccuracy {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Per category: labelled lines, precision, recall. */
  public record CategoryResult(String category, int labelled, int predicted, int correct) {
    public double precision() {
      return predicted == 0 ? 1.0 : (double) correct / predicted;
    }

    public double recall() {
      return labelled == 0 ? 1.0 : (double) correct / labelled;
    }
  }

  /** A scored line: what it should be, what it was, and where it is. */
  public record Scored(String where, String truth, String predicted, String ruleId) {}

  private ClassificationAccuracy() {}

  public static Map<String, CategoryResult> score(List<Scored> scored) {
    Map<String, int[]> counts = new TreeMap<>();
    for (Scored s : scored) {
      counts.computeIfAbsent(s.truth(), k -> new int[3])[0]++;
      counts.computeIfAbsent(s.predicted(), k -> new int[3])[1]++;
      if (s.truth().equals(s.predicted())) {
        counts.get(s.truth())[2]++;
      }
    }
    Map<String, CategoryResult> out = new LinkedHashMap<>();
    counts.forEach((c, n) -> out.put(c, new CategoryResult(c, n[0], n[1], n[2])));
    return out;
  }

  /** Classifies the hand-labelled real lines, reading each referenced file under {@code external}. */
  public static List<Scored> realLines(Path external, Rules rules) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = ClassificationAccuracy.class.getResourceAsStream("/classify/labelled-real-lines.tsv")) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!l.isBlank() && !l.startsWith("#")) {
          rows.add(l.split("\t"));
        }
      }
    }
    Map<String, Map<Long, IngestRecord.Event>> byFile = new HashMap<>();
    List<Scored> scored = new ArrayList<>();
    for (String[] r : rows) {
      String file = r[0];
      long line = Long.parseLong(r[1]);
      String format = r[3];
      Map<Long, IngestRecord.Event> events = byFile.computeIfAbsent(file, f -> ingest(external.resolve(f), format, r[4]));
      IngestRecord.Event e = events.get(line);
      if (e == null) {
        throw new IllegalStateException("labelled line " + file + ":" + line + " does not start an event");
      }
      Rules.Classification c = rules.classify(format, "external", e.level(), e.message(), e.attributes());
      scored.add(new Scored(file + ":" + line, r[2], c.category(), c.ruleId()));
    }
    return scored;
  }

  /**
   * Classifies a simulated scenario's events against its per-line truth ({@code truth/lines.tsv}): every event
   * whose first line has a truth category is scored.
   */
  public static List<Scored> simulated(Path scenario, Rules rules) throws IOException {
    Map<String, Map<Long, String>> truth = new HashMap<>();
    for (String l : Files.readAllLines(scenario.resolve("truth/lines.tsv"))) {
      if (l.isBlank() || l.startsWith("#")) continue;
      String[] f = l.split("\t");
      truth.computeIfAbsent(f[0], k -> new HashMap<>()).put(Long.parseLong(f[1]), f[2]);
    }
    var job = org.logcause.job.JobSpecLoader.load(scenario.resolve("job.yaml"));
    List<Scored> scored = new ArrayList<>();
    for (SourceSpec source : job.spec().sources()) {
      Path file = Path.of(job.resolve(source.path()));
      Map<Long, String> lines = truth.getOrDefault(source.path(), Map.of());
      Iterator<IngestRecord> it = new FileIngestor(1 << 20, 0)
          .ingest(file.toString(), () -> Files.newInputStream(file), Formats.create(source).newParser(2024));
      while (it.hasNext()) {
        if (it.next() instanceof IngestRecord.Event e && lines.containsKey(e.line())) {
          Rules.Classification c = rules.classify(source.format(), source.name(), e.level(), e.message(), e.attributes());
          scored.add(new Scored(scenario.getFileName() + "/" + source.path() + ":" + e.line(), lines.get(e.line()),
              c.category(), c.ruleId()));
        }
      }
    }
    return scored;
  }

  @SuppressWarnings("unchecked")
  private static Map<Long, IngestRecord.Event> ingest(Path file, String format, String optionsJson) {
    try {
      Map<String, String> options = JSON.readValue(optionsJson, Map.class);
      SourceSpec spec = new SourceSpec("external", "external", "", format, file.toString(), "UTC", null, options);
      Iterator<IngestRecord> it = new FileIngestor(1 << 20, 0)
          .ingest(file.toString(), () -> Files.newInputStream(file), Formats.create(spec).newParser(2016));
      Map<Long, IngestRecord.Event> events = new HashMap<>();
      it.forEachRemaining(rec -> {
        if (rec instanceof IngestRecord.Event e) {
          events.put(e.line(), e);
        }
      });
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
