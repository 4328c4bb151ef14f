package org.logcause.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.logcause.classify.core.Masker;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.ingest.format.Csv;

/**
 * Grouping Accuracy and Parsing Accuracy of the template miner on the LogHub 2k samples, against their
 * hand-labelled templates (Loghub-2.0's corrected ground truth where it exists).
 *
 * <p>GA: a message counts when the set of messages sharing its mined template equals the set sharing its true
 * template. PA: a message counts when its mined template equals its true template, both normalised the same way
 * (runs of {@code <*>} collapsed, whitespace single).
 */
public final class TemplateAccuracy {
  /**
   * The systems under a LogHub folder: every sub-folder that holds {@code <name>_2k.log_structured.csv}, or whose
   * corrected ground truth {@code <corrected>/<name>/<name>_2k.log_structured_corrected.csv.gz} exists, by name.
   */
  public static List<String> systems(Path loghub, Path corrected) throws IOException {
    List<String> out = new ArrayList<>();
    try (java.util.stream.Stream<Path> dirs = Files.list(loghub)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        String name = d.getFileName().toString();
        boolean raw = Files.isRegularFile(d.resolve(name + "_2k.log_structured.csv"));
        boolean fixed = corrected != null
            && Files.isRegularFile(corrected.resolve(name).resolve(name + "_2k.log_structured_corrected.csv.gz"));
        if (raw || fixed) {
          out.add(name);
        }
      }
    }
    return out;
  }

  /** The figures of one system. */
  public record SystemResult(String system, int messages, double ga, double pa, double linesPerSecond, String truth) {}

  private TemplateAccuracy() {}

  /** The ground truth of one system: each message's content and true template, in file order. */
  public record Truth(List<String> contents, List<String> templates, String source) {}

  public static Truth load(Path loghub, Path corrected, String system) throws IOException {
    Path fixed = corrected == null ? null : corrected.resolve(system).resolve(system + "_2k.log_structured_corrected.csv.gz");
    Path file = fixed != null && Files.exists(fixed) ? fixed : loghub.resolve(system).resolve(system + "_2k.log_structured.csv");
    List<String> contents = new ArrayList<>();
    List<String> templates = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      Csv header = Csv.parse(r.readLine());
      int content = header.fields().indexOf("Content");
      int template = header.fields().indexOf("EventTemplate");
      String line;
      while ((line = r.readLine()) != null) {
        Csv row = Csv.parse(line);
        contents.add(row.get(content) == null ? "" : row.get(content));
        templates.add(row.get(template) == null ? "" : row.get(template));
      }
    }
    return new Truth(contents, templates, file.toString().contains("corrected") ? "loghub-2.0-corrected" : "loghub");
  }

  /** Lines per second of one single-threaded pass of the miner over these messages (masking included). */
  public static double linesPerSecond(List<String> messages, TemplateMiner miner) {
    long start = System.nanoTime();
    miner.mine(messages);
    return messages.size() / Math.max((System.nanoTime() - start) / 1e9, 1e-9);
  }

  public static SystemResult evaluate(String system, Truth truth, TemplateMiner miner) {
    long start = System.nanoTime();
    List<String> mined = miner.mine(truth.contents());
    double seconds = (System.nanoTime() - start) / 1e9;
    int n = truth.contents().size();
    Map<String, List<Integer>> byMined = new HashMap<>();
    Map<String, List<Integer>> byTrue = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byMined.computeIfAbsent(mined.get(i), k -> new ArrayList<>()).add(i);
      byTrue.computeIfAbsent(truth.templates().get(i), k -> new ArrayList<>()).add(i);
    }
    int grouped = 0;
    int parsed = 0;
    for (int i = 0; i < n; i++) {
      if (byMined.get(mined.get(i)).equals(byTrue.get(truth.templates().get(i)))) {
        grouped++;
      }
      if (normalize(mined.get(i)).equals(normalize(truth.templates().get(i)))) {
        parsed++;
      }
    }
    return new SystemResult(system, n, (double) grouped / n, (double) parsed / n, n / Math.max(seconds, 1e-9), truth.source());
  }

  static String normalize(String template) {
    String t = template.replaceAll("<[^<>\\s]*>", Masker.WILDCARD).replaceAll("\\s+", " ").trim();
    return TemplateMiner.collapseWildcards(t);
  }
}
