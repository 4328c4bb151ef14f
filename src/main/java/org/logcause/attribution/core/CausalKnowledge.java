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
    List<FalseLead> falseLeads,
    Scoring scoring,
    Timing timing,
    List<Parameter> parameters,
    Map<String, String> states,
    Quoted quoted)
    implements Serializable {

  /**
   * Errors a client quotes from the server it calls: a line matching {@code pattern} (the server's client library
   * named in it) of one of {@code categories} reports the state of a component of kind {@code kind} it depends on.
   */
  public record Quoted(String kind, String pattern, List<String> categories) implements Serializable {
    public Quoted {
      categories = List.copyOf(categories == null ? List.of() : categories);
    }

    /** Whether every one of the lines quotes the server (and there is at least one). */
    public boolean quotes(java.util.Collection<String> messages) {
      java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
      return !messages.isEmpty() && messages.stream().allMatch(m -> m != null && p.matcher(m).find());
    }
  }

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

  /** How the evidence is weighed (see the file's comments). */
  public record Scoring(Map<String, Double> weights, double precedenceDecaySeconds, double temperature,
      long lookbackSeconds, long sameActionSeconds, long rolloutSeconds, long restartGraceSeconds, long killGraceSeconds, long recoverySeconds,
      double spikeRatio, long spikePeakSeconds,
      double contributingShare, double causePrior, Map<String, Double> tests) implements Serializable {
    static final Set<String> WEIGHTS = Set.of("coverage", "precedence", "prior", "contrast");
    static final Set<String> TEST_TERMS = Set.of("revert_recovered", "revert_failed", "restart_persisted", "surge",
        "retry_storm", "precursor", "parameter_matches", "parameter_cannot", "setting_outlived_fix", "relapse");

    public double weight(String name) {
      return weights.get(name);
    }

    public double test(String name) {
      return tests.get(name);
    }

    public long lookbackMicros() {
      return lookbackSeconds * 1_000_000L;
    }
  }

  /** When a change's first effect can come: full likelihood up to {@code fastSeconds}, then an exponential decay. */
  public record Timing(double fastSeconds, double decaySeconds, double slowDecaySeconds, double interruptionDecaySeconds)
      implements Serializable {
    /** The likelihood of a first effect {@code lagSeconds} after a change (slow: a parameter known to act slowly). */
    public double likelihood(double lagSeconds, boolean slow) {
      return lagSeconds <= fastSeconds ? 1 : Math.exp(-(lagSeconds - fastSeconds) / (slow ? slowDecaySeconds : decaySeconds));
    }

    /**
     * The likelihood of a first effect {@code lagSeconds} after a restart: what a restart breaks, it breaks while the
     * process is down or starting, so its effects begin at once.
     */
    public double interruptionLikelihood(double lagSeconds) {
      return lagSeconds <= 0 ? 1 : Math.exp(-lagSeconds / interruptionDecaySeconds);
    }
  }

  /** A well-known setting: what it governs, what a wrong value can produce, whether it needs a restart, acts slowly. */
  /**
   * A family of settings: what they govern, the symptoms a wrong value can produce, which take effect only at a
   * restart, whether their effect can be slow, and {@code through}: symptoms a wrong value produces only by way of
   * one of these (a memory setting crashes a server only by running it out of memory), so they count only when the
   * incident shows one of them too.
   */
  public record Parameter(String subsystem, List<String> names, List<String> produces, List<String> restart, boolean slow,
      Map<String, List<String>> through)
      implements Serializable {
    public Parameter {
      names = names == null ? List.of() : names.stream().map(CausalKnowledge::normalise).toList();
      produces = List.copyOf(produces == null ? List.of() : produces);
      restart = restart == null ? List.of() : restart.stream().map(CausalKnowledge::normalise).toList();
      through = through == null ? Map.of() : Map.copyOf(through);
    }

    /** The symptoms among {@code shown} a wrong value can produce, given everything the incident shows. */
    public List<String> produced(java.util.Collection<String> shown, java.util.Collection<String> all) {
      return produced(shown, all, Map.of());
    }

    /**
     * As {@link #produced(java.util.Collection, java.util.Collection)}, where an entry may name a kind of its category
     * ({@code resource_exhaustion/memory}: a memory setting runs a server out of memory, never out of disk). Such an
     * entry matches its category when the incident's lines of that category show that subcategory, or show none
     * ({@code subcategories} has no entry for it: nothing says which kind it was).
     */
    public List<String> produced(java.util.Collection<String> shown, java.util.Collection<String> all,
        Map<String, java.util.Set<String>> subcategories) {
      return shown.stream().filter(s -> produces.stream().anyMatch(e -> matches(e, s, subcategories)))
          .filter(s -> !through.containsKey(s)
              || through.get(s).stream().anyMatch(e -> all.stream().anyMatch(a -> matches(e, a, subcategories))))
          .toList();
    }

    private static boolean matches(String entry, String category, Map<String, java.util.Set<String>> subcategories) {
      int slash = entry.indexOf('/');
      if (slash < 0) {
        return entry.equals(category);
      }
      if (!entry.substring(0, slash).equals(category)) {
        return false;
      }
      java.util.Set<String> seen = subcategories.get(category);
      return seen == null || seen.isEmpty() || seen.contains(entry.substring(slash + 1));
    }

    /** Whether a change of {@code name} (normalised) takes effect only at the server's next start. */
    public boolean needsRestart(String name) {
      return restart.contains(name);
    }
  }

  /** A loud signal responders take for the cause; {@code test} settles it. */
  /**
   * A classic false lead: a category on a kind of component, the lead responders take, and the test that settles it.
   * {@code replicas} false: not a lead on a replica (a database another database depends on).
   */
  public record FalseLead(String category, String kind, String lead, String test, Boolean replicas) implements Serializable {
    public FalseLead {
      replicas = replicas == null || replicas;
    }

    public FalseLead(String category, String kind, String lead, String test) {
      this(category, kind, lead, test, true);
    }
  }

  public CausalKnowledge {
    kinds = new LinkedHashMap<>(kinds == null ? Map.of() : kinds);
    priors = Map.copyOf(priors == null ? Map.of() : priors);
    edges = List.copyOf(edges == null ? List.of() : edges);
    falseLeads = List.copyOf(falseLeads == null ? List.of() : falseLeads);
    parameters = List.copyOf(parameters == null ? List.of() : parameters);
    states = Map.copyOf(states == null ? Map.of() : states);
  }

  /**
   * The kind of component whose own state a category describes ({@code replication_fault} → database), or null when
   * any component can show it as its own: seen on another kind, such a category is that component observing a
   * dependency (a service reading stale rows from a replica, waiting on a database's locks).
   */
  public String stateOf(String category) {
    return states.get(category);
  }

  /**
   * A parameter's name as the table holds it: lower case, {@code -} as {@code _}, without a prefix up to the last dot
   * ({@code spring.datasource.hikari.maximum-pool-size} → {@code maximum_pool_size}).
   */
  static String normalise(String name) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    int dot = n.lastIndexOf('.');
    return dot >= 0 && dot < n.length() - 1 ? n.substring(dot + 1) : n;
  }

  /** The table's entry for a changed parameter, or null when it is not a setting the table knows (neutral). */
  public Parameter parameter(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String n = normalise(name);
    for (Parameter p : parameters) {
      if (p.names().contains(n)) {
        return p;
      }
    }
    return null;
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
    if (scoring == null || timing == null) {
      throw new IllegalArgumentException(origin + ": scoring and timing are required");
    }
    for (String w : Scoring.WEIGHTS) {
      if (scoring.weights() == null || !scoring.weights().containsKey(w) || scoring.weights().get(w) < 0) {
        throw new IllegalArgumentException(origin + ": scoring.weights." + w + " must be a number >= 0");
      }
    }
    for (String t : Scoring.TEST_TERMS) {
      if (scoring.tests() == null || !scoring.tests().containsKey(t)) {
        throw new IllegalArgumentException(origin + ": scoring.tests." + t + " is missing");
      }
    }
    if (scoring.temperature() <= 0 || scoring.precedenceDecaySeconds() <= 0 || scoring.lookbackSeconds() <= 0
        || scoring.rolloutSeconds() <= 0 || scoring.causePrior() <= 0 || scoring.causePrior() > 1) {
      throw new IllegalArgumentException(origin + ": scoring.temperature, precedence_decay_seconds, lookback_seconds and "
          + "rollout_seconds must be > 0, and cause_prior in (0, 1]");
    }
    if (scoring.spikePeakSeconds() < 0) {
      throw new IllegalArgumentException(origin + ": scoring.spike_peak_seconds must be >= 0 (0: traffic judged over the whole incident only)");
    }
    if (timing.fastSeconds() < 0 || timing.decaySeconds() <= 0 || timing.slowDecaySeconds() < timing.decaySeconds()
        || timing.interruptionDecaySeconds() <= 0) {
      throw new IllegalArgumentException(origin + ": timing: fast_seconds >= 0, decay_seconds > 0, slow_decay_seconds >= "
          + "decay_seconds, interruption_decay_seconds > 0");
    }
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      String where = origin + ": parameters[" + i + "]";
      p.produces().forEach(c -> requirePrior(c, where + ".produces"));
      p.through().forEach((symptom, via) -> {
        requirePrior(symptom, where + ".through");
        via.forEach(c -> requirePrior(c, where + ".through." + symptom));
      });
      for (String n : p.names()) {
        String before = seen.put(n, p.subsystem());
        if (before != null) {
          throw new IllegalArgumentException(where + ".names: \"" + n + "\" is also listed under " + before);
        }
      }
      for (String r : p.restart()) {
        if (!p.names().contains(r)) {
          throw new IllegalArgumentException(where + ".restart: \"" + r + "\" is not one of its names");
        }
      }
    }
    if (quoted != null) {
      quoted.categories().forEach(c -> requirePrior(c, origin + ": quoted.categories"));
      if (!kinds.containsKey(quoted.kind())) {
        throw new IllegalArgumentException(origin + ": quoted.kind: unknown kind \"" + quoted.kind() + "\"");
      }
      try {
        java.util.regex.Pattern.compile(quoted.pattern());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(origin + ": quoted.pattern: not a regular expression: " + e.getMessage());
      }
    }
    states.forEach((category, kind) -> {
      requirePrior(category, origin + ": states");
      if (!kinds.containsKey(kind)) {
        throw new IllegalArgumentException(origin + ": states." + category + ": unknown kind \"" + kind + "\"");
      }
    });
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

  private void requirePrior(String entry, String where) {
    String category = entry.indexOf('/') < 0 ? entry : entry.substring(0, entry.indexOf('/')); // category/subcategory
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
    return falseLead(category, kind, false);
  }

  /** The false lead a category on a component of this kind (a replica or not) matches, or null. */
  public FalseLead falseLead(String category, String kind, boolean replica) {
    for (FalseLead f : falseLeads) {
      if (f.category().equals(category) && (f.kind().equals("any") || f.kind().equals(kind)) && (!replica || f.replicas())) {
        return f;
      }
    }
    return null;
  }

  /** The false lead of a component of the topology, or null. */
  public FalseLead falseLead(String category, String component, Topology topology) {
    return falseLead(category, topology.kind(component), topology.replica(component));
  }
}
