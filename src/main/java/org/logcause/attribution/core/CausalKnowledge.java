package org.logcause.attribution.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The causal knowledge of {@code attribution/causal-knowledge.yaml}: component kinds, priors of cause categories,
 * propagation edges with lag ranges, and the classic false leads with the test that settles each. Data, not code:
 * the attribution stage only walks it.
 */
public record CausalKnowledge(
    int version,
    double clockSkewToleranceSeconds,
    Map<String, List<String>> kinds,
    Map<String, Double> priors,
    List<Edge> edges,
    List<FalseLead> falseLeads)
    implements Serializable {

  public static final String RESOURCE = "/attribution/causal-knowledge.yaml";
  static final Set<String> RELATIONS = Set.of("same", "dependents", "dependencies", "any");
  static final Set<String> TESTS = Set.of("precursor", "clients", "persisted");

  /** A cause category on one component can produce the {@code to} categories on a related component. */
  public record Edge(String from, String relation, List<String> to, List<Double> lag, String fromKind, String toKind)
      implements Serializable {
    boolean kinds(String causeKind, String effectKind) {
      return (fromKind == null || fromKind.equals(causeKind)) && (toKind == null || toKind.equals(effectKind));
    }
  }

  /** A loud signal responders take for the cause; {@code test} settles it. */
  public record FalseLead(String category, String kind, String lead, String test) implements Serializable {}

  public CausalKnowledge {
    kinds = new LinkedHashMap<>(kinds == null ? Map.of() : kinds);
    priors = Map.copyOf(priors == null ? Map.of() : priors);
    edges = List.copyOf(edges == null ? List.of() : edges);
    falseLeads = List.copyOf(falseLeads == null ? List.of() : falseLeads);
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The built-in knowledge. */
  public static CausalKnowledge builtIn() {
    try (InputStream in = CausalKnowledge.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CausalKnowledge parse(InputStream in, String origin) throws IOException {
    CausalKnowledge k = YAML.readValue(in, CausalKnowledge.class);
    k.validate(origin);
    return k;
  }

  /** Every category an edge or a false lead names has a prior; relations, tests and lags are well-formed. */
  void validate(String origin) {
    if (version < 1) {
      throw new IllegalArgumentException(origin + ": version must be a positive integer");
    }
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      String where = origin + ": edges[" + i + "]";
      requirePrior(e.from(), where + ".from");
      e.to().forEach(t -> requirePrior(t, where + ".to"));
      if (!RELATIONS.contains(e.relation())) {
        throw new IllegalArgumentException(where + ".relation: \"" + e.relation() + "\" is not one of " + RELATIONS);
      }
      for (String kind : java.util.Arrays.asList(e.fromKind(), e.toKind())) {
        if (kind != null && !kinds.containsKey(kind)) {
          throw new IllegalArgumentException(where + ": unknown kind \"" + kind + "\"");
        }
      }
      if (e.lag() == null || e.lag().size() != 2 || e.lag().get(0) > e.lag().get(1) || e.lag().get(0) < 0) {
        throw new IllegalArgumentException(where + ".lag: must be [min, max] seconds with 0 <= min <= max");
      }
    }
    for (int i = 0; i < falseLeads.size(); i++) {
      FalseLead f = falseLeads.get(i);
      requirePrior(f.category(), origin + ": false_leads[" + i + "].category");
      if (!TESTS.contains(f.test())) {
        throw new IllegalArgumentException(origin + ": false_leads[" + i + "].test: \"" + f.test() + "\" is not one of " + TESTS);
      }
      if (!f.kind().equals("any") && !kinds.containsKey(f.kind())) {
        throw new IllegalArgumentException(origin + ": false_leads[" + i + "].kind: unknown kind \"" + f.kind() + "\"");
      }
    }
  }

  private void requirePrior(String category, String where) {
    if (!priors.containsKey(category)) {
      throw new IllegalArgumentException(where + ": category \"" + category + "\" has no prior");
    }
  }

  public double prior(String category) {
    return priors.getOrDefault(category, 0.1);
  }

  /** The kind of a component from the formats of its sources (first match in the file's order), or "other". */
  public String kindOf(List<String> formats) {
    for (Map.Entry<String, List<String>> k : kinds.entrySet()) {
      for (String f : formats) {
        if (k.getValue().contains(f)) {
          return k.getKey();
        }
      }
    }
    return "other";
  }

  /**
   * Whether {@code fromCategory} on {@code fromComponent} can produce {@code toCategory} on {@code toComponent}
   * {@code lagSeconds} after it began (negative: the effect began first), within the clock-skew tolerance.
   */
  public boolean propagates(String fromCategory, String fromComponent, String toCategory, String toComponent,
      double lagSeconds, Topology topology) {
    for (Edge e : edges) {
      if (e.from().equals(fromCategory) && e.to().contains(toCategory)
          && lagSeconds >= e.lag().get(0) - clockSkewToleranceSeconds
          && lagSeconds <= e.lag().get(1) + clockSkewToleranceSeconds
          && topology.related(e.relation(), fromComponent, toComponent)
          && e.kinds(topology.kind(fromComponent), topology.kind(toComponent))) {
        return true;
      }
    }
    return false;
  }

  /** The false lead a category on a component of this kind matches, or null. */
  public FalseLead falseLead(String category, String kind) {
    for (FalseLead f : falseLeads) {
      if (f.category().equals(category) && (f.kind().equals("any") || f.kind().equals(kind))) {
        return f;
      }
    }
    return null;
  }
}
