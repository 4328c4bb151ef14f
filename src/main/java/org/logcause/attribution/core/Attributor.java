package org.logcause.attribution.core;

import static org.logcause.attribution.core.Wording.capitalise;
import static org.logcause.attribution.core.Wording.duration;
import static org.logcause.attribution.core.Wording.hm;
import static org.logcause.attribution.core.Wording.label;
import static org.logcause.attribution.core.Wording.round;
import static org.logcause.attribution.core.Wording.signalText;
import static org.logcause.attribution.core.Wording.value;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ranks the root-cause hypotheses of one incident and gives every one a verdict, a confidence and its evidence
 * (Spark-free: an incident's facts are small). The method (docs/detection-and-attribution.md):
 * <ol>
 *   <li>candidates: every anomalous (component, category) of the incident, every change made before it, every
 *       requested restart;</li>
 *   <li>each candidate explains the candidates that the {@link CausalKnowledge} edges reach from it along the
 *       topology, in time order, within the lag ranges and the clock-skew tolerance;</li>
 *   <li>score = weighted share of the incident's anomalies it explains + temporal precedence + prior of its category
 *       (for a change, times the likelihood of the lag to its first effect) + contrast, plus the discriminating tests
 *       (revert followed by recovery, restart or session kill followed by more of the same, new clients or retries,
 *       precursors of a pile-up, whether the changed parameter can produce the symptoms); the weights, the timing
 *       model and the parameter table are data in {@link CausalKnowledge};</li>
 *   <li>the best is ROOT_CAUSE; what it explains is SYMPTOM, or MISLEADING when it is a classic false lead whose test
 *       says no; what it does not explain is CONTRIBUTING (strong and early) or NOT_SUPPORTED;</li>
 *   <li>confidence: a softmax of the scores at the knowledge's temperature: for ROOT_CAUSE the probability it is the
 *       cause, for the others that it is not.</li>
 * </ol>
 */
public final class Attributor {
  public static final String ROOT_CAUSE = "ROOT_CAUSE";
  public static final String CONTRIBUTING = "CONTRIBUTING";
  public static final String SYMPTOM = "SYMPTOM";
  public static final String MISLEADING = "MISLEADING";
  public static final String NOT_SUPPORTED = "NOT_SUPPORTED";

  /** Categories every fault ends in: they say nothing about which parameter was wrong. */
  private static final Set<String> GENERIC = Set.of("errors", "latency", "server_error", "app_exception", "traffic_spike");
  /** Actions that interrupt a component's sessions: the classic detours, settled by what happened after them. */
  static final Set<String> INTERRUPTIONS = Set.of("restart", "kill_sessions");

  /** Whether a signal category is an action's own trace in the logs (a change, a deploy, a restart), not a symptom. */
  static boolean actionTrace(String category) {
    return category.equals("config_change") || category.equals("deploy") || INTERRUPTIONS.contains(category);
  }

  private static final Set<String> TRAFFIC_SIGNALS = Set.of("requests", "clients", "new_client_share", "retry_share");
  private static final Set<String> NOT_CAUSES = Set.of("benign", "unknown", "client_error");
  private static final Set<String> PRECURSORS = Set.of("replication_fault", "lock_contention", "overload", "config_change",
      "deploy", "traffic_surge", "network", "resource_exhaustion", "failover", "scale");

  /** One piece of evidence: what kind, when, what it says, and the event behind it (null for derived facts). */
  public record Evidence(String kind, Long ts, String detail, String eventId) {}

  /** A ranked hypothesis with its verdict. Times in epoch microseconds. */
  public record Hypothesis(String incidentId, int rank, String component, String category, String cause, String changeId,
      String verdict, double score, double confidence, long onset, String explanation, List<Evidence> evidence,
      String lead, List<String> signals) {}

  /** What the responder needs first: the incident, its root cause, its leads, and a timeline. */
  public record Summary(String incidentId, long start, long end, List<String> components, String severity,
      Hypothesis rootCause, List<Hypothesis> misleading, List<TimelineEntry> timeline) {}

  /** One line of the incident timeline. */
  public record TimelineEntry(long ts, String kind, String text) {}

  /** The hypotheses of an incident, best first, and its summary. */
  public record Result(List<Hypothesis> hypotheses, Summary summary) {}

  private final CausalKnowledge knowledge;
  private final CausalKnowledge.Scoring scoring;
  private final Topology topology;
  private final double tolUs;
  private final Interventions interventions;
  private final TrafficTest trafficTest;

  public Attributor(CausalKnowledge knowledge, Topology topology) {
    this.knowledge = knowledge;
    this.scoring = knowledge.scoring();
    this.topology = topology;
    this.tolUs = knowledge.clockSkewToleranceSeconds() * 1e6;
    this.interventions = new Interventions(knowledge, topology);
    this.trafficTest = new TrafficTest(knowledge);
  }

  /** Category names in words ("connection saturation"). */
  public static String label(String category) {
    return Wording.label(category);
  }

  /** A time of day, HH:mm:ss UTC, from epoch microseconds. */
  public static String hm(long micros) {
    return Wording.hm(micros);
  }

  /** A duration in words ("3 min", "45 s"). */
  public static String duration(long seconds) {
    return Wording.duration(seconds);
  }

  public Result apply(Facts f) {
    List<Facts.Action> remediations = new ArrayList<>();
    List<Candidate> candidates = candidates(f, remediations);
    if (candidates.isEmpty()) {
      return new Result(List.of(), new Summary(f.incidentId(), f.start(), f.end(), List.of(), f.severity(), null, List.of(),
          timeline(f, null, List.of(), remediations)));
    }
    double totalWeight = 0;
    long earliest = Long.MAX_VALUE;
    for (Candidate c : candidates) {
      c.weight = c.anomalies.isEmpty() ? 0 : 1 + Math.min(2, Math.log10(1 + c.maxScore()));
      totalWeight += c.weight;
      if (!c.anomalies.isEmpty()) {
        earliest = Math.min(earliest, c.onset);
      }
    }
    for (Candidate c : candidates) {
      c.explains = reach(c, candidates);
    }
    for (Candidate c : candidates) {
      screenedOff(c, candidates);
    }
    silentPaths(candidates);
    for (Candidate c : candidates) {
      superseded(c, candidates, f);
    }
    for (Candidate c : candidates) {
      double covered = c.explains.stream().mapToDouble(x -> x.weight).sum() + c.weight;
      double coverage = totalWeight == 0 ? 0 : covered / totalWeight;
      double late = (c.onset - earliest - tolUs) / 1e6;
      double precedence = late <= 0 ? 1 : Math.exp(-late / scoring.precedenceDecaySeconds());
      double contrast = c.anomalies.isEmpty() ? (corroborated(c) ? 1.0 : 0.6) : Math.min(1, Math.log10(1 + c.maxScore()) / 2);
      // a restart no one asked for (a crash: no change record or requested shutdown explains it) is a cause until
      // shown otherwise, unlike the restarts people make
      double prior;
      if (crashed(c) && unexplained(c, candidates)) {
        prior = knowledge.prior("crash");
      } else if (c.beforeSymptoms && !c.explains.isEmpty()) {
        prior = knowledge.prior("restart_before_symptoms") * timing(c, f);
      } else {
        prior = knowledge.prior(c.category);
      }
      if (c.action != null && !INTERRUPTIONS.contains(c.category) && !c.explains.isEmpty()) {
        prior *= timing(c, f);
        parameterTest(c, f);
        objectTest(c, f);
      }
      c.score = scoring.weight("coverage") * coverage + scoring.weight("precedence") * precedence
          + scoring.weight("prior") * prior + scoring.weight("contrast") * contrast + c.tests;
      long others = candidates.stream().filter(x -> x != c && !x.anomalies.isEmpty()).count();
      c.evidence.add(new Evidence("explains", null, String.format(Locale.ROOT,
          "explains %d of the incident's %d other anomalous signals (%.0f%% of the incident's weight)", c.explains.size(),
          others, 100 * coverage), null));
    }
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.score).thenComparingLong(c -> c.onset)
        .thenComparing(c -> c.component).thenComparing(c -> c.category));
    Candidate root = candidates.get(0);
    double norm = 0;
    for (Candidate c : candidates) {
      norm += Math.exp((c.score - root.score) / scoring.temperature());
    }
    for (Candidate c : candidates) {
      double p = Math.exp((c.score - root.score) / scoring.temperature()) / norm;
      c.confidence = c == root ? p * causeShown(root) : 1 - p;
    }
    verdicts(root, candidates, f);
    oneLeadPerComponent(candidates, root);
    cite(root, candidates, f);
    List<Hypothesis> out = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      out.add(new Hypothesis(f.incidentId(), i + 1, c.component, c.category,
          c.action != null && c.action.changeId() != null && !c.category.equals("restart") ? c.action.changeId() : c.category,
          c.action == null ? null : c.action.changeId(), c.verdict, round(c.score), round(c.confidence), c.onset,
          c.explanation, List.copyOf(c.evidence), c.lead,
          c.anomalies.stream().map(Facts.Anomaly::signal).distinct().sorted().toList()));
    }
    Hypothesis rootH = out.get(0);
    List<Hypothesis> misleading = out.stream().filter(h -> h.verdict().equals(MISLEADING)).toList();
    List<String> components = candidates.stream().filter(c -> !c.anomalies.isEmpty()).map(c -> c.component).distinct().sorted().toList();
    return new Result(out, new Summary(f.incidentId(), f.start(), f.end(), components, f.severity(), rootH, misleading,
        timeline(f, rootH, misleading, remediations)));
  }

  // ---------------------------------------------------------------- candidates

  private List<Candidate> candidates(Facts f, List<Facts.Action> remediations) {
    List<Candidate> out = new ArrayList<>();
    List<Facts.Anomaly> anomalies = new ArrayList<>(f.anomalies());
    anomalies.sort(Comparator.comparingLong(Facts.Anomaly::onset).thenComparing(Facts.Anomaly::id));
    List<Facts.Action> actions = new ArrayList<>(f.actions());
    actions.sort(Comparator.comparingLong(Facts.Action::ts).thenComparing(a -> String.valueOf(a.eventId())));
    Map<String, Candidate> restarts = new LinkedHashMap<>();
    List<Facts.Action> absorbing = new ArrayList<>();
    long recovered = interventions.recoveredAt(f);
    // the first symptom anywhere (a pile-up on the database shows before the clients feel it): an action after it can
    // be a reaction to the incident, one before it cannot
    long firstSymptom = Math.min(f.start(), f.anomalies().stream().filter(a -> {
      String c = category(a.signal());
      return c != null && !actionTrace(c);
    }).mapToLong(Facts.Anomaly::onset).min().orElse(Long.MAX_VALUE));
    List<Facts.Action> shutdowns = actions.stream().filter(a -> "restart".equals(a.type())).toList();
    Map<Facts.Action, Facts.Action> rollouts = interventions.rollouts(actions);
    Map<Facts.Action, Facts.Action> partOf = new HashMap<>(rollouts); // restarts that are how a change took effect
    for (Facts.Action a : actions) {
      String type = a.type() == null ? "config_change" : a.type();
      absorbing.add(a);
      if (INTERRUPTIONS.contains(type)) {
        if (a.ts() > f.end()) {
          continue; // after the incident: the end of the day, not a lead
        }
        // a fast shutdown ends every session and logs each as terminated: those lines (no change record behind them)
        // are part of it; a kill someone recorded, or one logged before the shutdown began, is its own action
        if (type.equals("kill_sessions") && a.changeId() == null && shutdowns.stream().anyMatch(r -> r.component().equals(a.component())
            && a.ts() >= r.ts() - tolUs && a.ts() <= r.ts() + 60e6 + tolUs)) {
          continue;
        }
        Facts.Action rolledOut = rollouts.get(a);
        if (rolledOut != null) {
          continue; // how a change or revert of this component was rolled out: credited to it after this loop
        }
        Candidate applied = interventions.appliedChange(a, type, out, firstSymptom);
        if (applied != null) { // the restart that puts a change into effect is part of that change
          partOf.put(a, applied.action);
          if (applied.evidence.stream().noneMatch(e -> e.kind().equals("applied"))) {
            applied.evidence.add(new Evidence("applied", a.ts(), String.format(Locale.ROOT, "%s at %s put %s into effect (%s)",
                a.text(), hm(a.ts()), applied.action.changeId() == null ? "the change" : applied.action.changeId(),
                a.ts() < f.start() ? "before the incident began" : "the parameter takes effect only at a restart"), a.eventId()));
          }
          continue;
        }
        Candidate r = restarts.get(type + "\u0000" + a.component());
        if (r != null && a.ts() - r.action.ts() <= scoring.sameActionSeconds() * 1e6) {
          r.sameAction(a, new Evidence("action", a.ts(), a.text(), a.eventId()));
          continue;
        }
        r = new Candidate(a.component(), type, a, a.ts());
        r.evidence.add(new Evidence("action", a.ts(), a.text(), a.eventId()));
        restarts.put(type + "\u0000" + a.component(), r);
        out.add(r);
        // a restart before any symptom showed is no "restart it" detour
        if (a.ts() >= interventions.firstSymptomBefore(a, f) - tolUs) {
          interventions.persisted(r, f, recovered);
        } else {
          r.beforeSymptoms = type.equals("restart");
        }
        continue;
      }
      if (type.equals("revert")) {
        remediations.add(a);
        continue;
      }
      if (a.ts() > f.start() + 2 * tolUs) {
        remediations.add(a); // made during the incident: a fix, usually, but an incident dated early by unrelated
        if (a.ts() > f.end()) { // noise may begin before its real cause, so it stays a candidate until the end
          continue;
        }
      }
      if (a.ts() < f.start() - scoring.lookbackMicros()) {
        continue;
      }
      String category = knowledge.priors().containsKey(type) ? type : "config_change";
      Candidate c = new Candidate(a.component(), category, a, a.ts());
      c.evidence.add(new Evidence("change", a.ts(), a.describe(), a.eventId()));
      out.add(c);
    }
    rollouts.forEach((restart, change) -> out.stream().filter(c -> c.action == change).findFirst().ifPresent(c -> {
      c.evidence.add(new Evidence("applied", restart.ts(), String.format(Locale.ROOT,
          "%s at %s rolled out %s (%s s %s it)", restart.text(), hm(restart.ts()),
          change.changeId() == null ? "the change" : change.changeId(),
          Math.round(Math.abs(restart.ts() - change.ts()) / 1e6), restart.ts() <= change.ts() ? "before" : "after"),
          restart.eventId()));
      c.onset = Math.min(c.onset, restart.ts()); // the change took effect when its rollout began
    }));
    for (Candidate c : out) {
      if (c.action != null && !c.category.equals("restart")) {
        interventions.reverted(c, remediations, f, recovered);
      }
    }
    // a fault that came back on its own after a restart builds up in the running process: what a release of that
    // component brought (new code: a leak), more than a setting, which a restart would apply again at once
    for (Candidate r : out) {
      if (r.relapse == null) {
        continue;
      }
      for (Candidate c : out) {
        if (c.category.equals("deploy") && c.action != null && c.component.equals(r.component) && c.onset < r.onset
            && c.relapse == null) {
          c.tests += scoring.test("relapse");
          c.relapse = String.format(Locale.ROOT, "after the restart of %s at %s the fault stopped for a while and came "
              + "back on its own, as a leak in the code this release runs does", r.component, hm(r.onset));
          c.evidence.add(new Evidence("test:relapse", r.onset, c.relapse, r.action.eventId()));
        }
      }
    }
    Map<String, Candidate> byKey = new LinkedHashMap<>();
    Map<String, List<Facts.Anomaly>> trafficAnomalies = new LinkedHashMap<>();
    for (Facts.Anomaly a : anomalies) {
      if (TRAFFIC_SIGNALS.contains(a.signal())) {
        trafficAnomalies.computeIfAbsent(a.component(), k -> new ArrayList<>()).add(a);
        continue;
      }
      String category = category(a.signal());
      if (category == null) {
        continue;
      }
      if (actionTrace(category)) {
        // crash lines are the trace of a requested restart only after the request (a shutdown escalated to a kill),
        // never of a setting; crash lines before someone restarts the server are the fault the restart answered
        // the trace is the nearest action's: a release rolled out seconds before its restart lines, not a flag turned
        // on a minute earlier on the same service
        boolean crash = a.signal().equals("crashes");
        // (the window is an interval: an action inside it is nearer than one seconds before its start)
        Facts.Action near = absorbing.stream().filter(x -> x.component().equals(a.component())
            && Math.abs(x.ts() - a.onset()) <= 120e6 + tolUs
            && (!crash || ("restart".equals(x.type()) && x.ts() <= a.onset() + f.windowMicros() + tolUs)))
            .min(Comparator.comparingLong(x -> fromWindow(x.ts(), a.onset(), f.windowMicros()))).orElse(null);
        if (near != null) {
          Facts.Action of = partOf.getOrDefault(near, near);
          Candidate owner = out.stream().filter(c -> c.action == of || (INTERRUPTIONS.contains(c.category)
              && c.component.equals(a.component()) && Math.abs(c.onset - a.onset()) <= scoring.sameActionSeconds() * 1e6 + tolUs))
              .findFirst().orElse(null);
          if (owner != null) {
            owner.evidence.add(new Evidence("logs", a.onset(), String.format(Locale.ROOT,
                "%s logged %s at %s", a.component(), signalText(a.signal()), hm(a.onset())), null));
          }
          continue; // the change's or the restart's own trace in the logs, not another candidate
        }
      }
      String key = a.component() + "\u0000" + category;
      Candidate c = byKey.get(key);
      if (c == null) {
        c = new Candidate(a.component(), category, null, a.onset());
        byKey.put(key, c);
        out.add(c);
      }
      c.anomalies.add(a);
      c.onset = Math.min(c.onset, a.onset());
    }
    firstNewMessages(anomalies, byKey);
    for (Candidate c : byKey.values()) {
      Facts.Anomaly top = c.anomalies.stream().max(Comparator.comparingDouble(Facts.Anomaly::score)).orElseThrow();
      c.evidence.add(new Evidence("onset", c.onset, String.format(Locale.ROOT, "%s on %s rose from %s: peak %s against a baseline of %s (score %s)",
          signalText(top.signal()), c.component, hm(c.onset), value(top.signal(), top.peakValue()),
          value(top.signal(), top.baseline()), top.score() >= 1000 ? "over 1000" : String.format(Locale.ROOT, "%.1f", top.score())), null));
    }
    observed(byKey, out, f);
    java.util.TreeSet<String> edges = new java.util.TreeSet<>(trafficAnomalies.keySet());
    f.traffic().forEach(w -> edges.add(w.component()));
    for (String component : edges) {
      Candidate t = trafficTest.traffic(component, f, trafficAnomalies.getOrDefault(component, List.of()));
      if (t != null) {
        out.add(t);
      }
    }
    for (Candidate c : out) {
      CausalKnowledge.FalseLead lead = knowledge.falseLead(c.category, c.component, topology);
      if (lead != null && lead.test().equals("precursor")) {
        precursor(c, out, f.windowMicros());
      }
    }
    return out;
  }

  /**
   * A category that describes one kind of component's own state (replication, locks: a database's), seen on another
   * kind, is that component observing a dependency: a service reading stale rows from a replica, or waiting on a
   * database's locks, often minutes before the database's own log says anything. When exactly one of the
   * component's dependencies of that kind shows the category itself, the observer's signals join that dependency's
   * candidate, dated from the first time anyone saw it; otherwise (no such dependency in the logs, or several) the
   * observation stays a candidate of its own.
   */
  private void observed(Map<String, Candidate> byKey, List<Candidate> out, Facts f) {
    for (Candidate c : List.copyOf(byKey.values())) {
      String owner = knowledge.stateOf(c.category);
      CausalKnowledge.Quoted q = knowledge.quoted();
      if (owner == null && q != null && q.categories().contains(c.category) && q.quotes(f.lines().stream()
          .filter(l -> l.component().equals(c.component) && l.category().equals(c.category)).map(Facts.Line::message).toList())) {
        owner = q.kind(); // its first lines quote the server's error, as its client library reported it
      }
      if (owner == null || owner.equals(topology.kind(c.component))) {
        continue;
      }
      String kind = owner;
      List<Candidate> own = byKey.values().stream().filter(d -> d != c && d.category.equals(c.category)
          && kind.equals(topology.kind(d.component)) && topology.dependsOn(c.component, d.component)).toList();
      if (own.size() != 1) {
        continue;
      }
      Candidate d = own.get(0);
      long before = d.onset;
      d.anomalies.addAll(c.anomalies);
      d.observedBy.add(c.component);
      if (c.onset < d.onset) {
        d.firstSeenBy = c.component;
        d.onset = c.onset;
      }
      d.evidence.add(new Evidence("observed", c.onset, String.format(Locale.ROOT,
          "%s, which calls %s, saw %s from %s%s", c.component, d.component, label(c.category), hm(c.onset),
          c.onset < before ? ", " + duration((before - c.onset) / 1_000_000L) + " before " + d.component + "'s own log showed it"
              : ""), null));
      byKey.values().remove(c);
      out.remove(c);
    }
  }

  /**
   * A category's failure began when the first of its messages rose, not when the category's count did: a new kind of
   * failure whose category already had steady, unrelated lines (a metrics agent's "port unreachable" under
   * {@code network}) is anomalous as a template windows before its category's count is told apart from that noise.
   * Each category candidate takes the onset of the earliest anomalous template of its component and category, when
   * that came first, with the evidence; a template never makes a candidate of its own.
   */
  private static void firstNewMessages(List<Facts.Anomaly> anomalies, Map<String, Candidate> byKey) {
    for (Facts.Anomaly a : anomalies) { // sorted by onset: the first template of each candidate comes first
      if (a.category() == null || !a.signal().startsWith("template:")) continue;
      Candidate c = byKey.get(a.component() + "\u0000" + a.category());
      if (c == null || a.onset() >= c.onset) continue;
      c.evidence.add(new Evidence("onset", a.onset(), String.format(Locale.ROOT,
          "its first message to rise, %s on %s, rose from %s, %s before %s's %s count did", a.signal(), a.component(),
          hm(a.onset()), duration((c.onset - a.onset()) / 1_000_000L), a.component(), a.category()), null));
      c.onset = a.onset();
    }
  }

  /** How far {@code ts} lies from the window that begins at {@code start}: 0 inside it. */
  static long fromWindow(long ts, long start, long windowMicros) {
    return ts < start ? start - ts : Math.max(0, ts - (start + windowMicros - 1));
  }

  /** The category a signal stands for, or null when it is only evidence (clients, shares, templates). */
  static String category(String signal) {
    if (signal.startsWith("category:")) {
      String c = signal.substring("category:".length());
      return NOT_CAUSES.contains(c) ? null : c;
    }
    return switch (signal) {
      case "error_ratio" -> "errors";
      case "latency_p50_ms", "latency_p95_ms", "latency_p99_ms" -> "latency";
      case "slow_query_p95_ms" -> "overload";
      case "crashes" -> "restart";
      default -> null;
    };
  }

  /**
   * How far the root candidate is a cause the logs show, rather than the best symptom left: 1 for a change, a restart
   * or a crash, and for a category that points at a cause on its own (a surge, a disk filling, replication breaking);
   * below {@code scoring.cause_prior}, a symptom until shown otherwise (timeouts, errors, a pile-up) with nothing
   * behind it in the logs: its prior over that bound. What made it may be in no log (a change made by hand, a setting
   * no server logs), so its confidence says so.
   */
  private double causeShown(Candidate root) {
    if (root.action != null || crashed(root)) {
      return 1;
    }
    return Math.min(1, knowledge.prior(root.category) / scoring.causePrior());
  }

  /** Whether the candidate is a crash: restart anomalies of its own, crash lines among them, and no action behind it. */
  private static boolean crashed(Candidate c) {
    return c.action == null && c.category.equals("restart")
        && c.anomalies.stream().anyMatch(a -> a.signal().equals("crashes"));
  }

  /**
   * Screening off: a change is not credited with effects that a fault it cannot produce explains as well, when that
   * fault began after the change (beyond the clock-skew tolerance) and before all of its specific effects (other than
   * errors and latency), and explains all of those. A feature flag turned on two minutes before a disk filled
   * "explains" the broken connections and replication errors that followed only through the full disk, which nothing
   * connects to the flag. The change keeps what only it explains.
   */
  private void screenedOff(Candidate c, List<Candidate> all) {
    if (!isChange(c)) {
      return;
    }
    // the specific effects decide: errors and latency follow from anything, and a slowdown before a fault is often
    // the fault building up
    List<Candidate> specific = c.explains.stream().filter(x -> !GENERIC.contains(x.category)).toList();
    if (specific.isEmpty()) {
      return;
    }
    long firstEffect = specific.stream().mapToLong(c::since).min().orElseThrow();
    for (Candidate x : all) {
      if (x == c || x.action != null || x.anomalies.isEmpty() || GENERIC.contains(x.category) || c.explains.contains(x)
          || x.onset <= c.onset + tolUs || x.onset > firstEffect || !x.explains.containsAll(specific)) {
        continue;
      }
      Set<Candidate> left = new HashSet<>(c.explains); // what only the change explains
      left.removeAll(x.explains);
      c.explains = left;
      c.evidence.add(new Evidence("test:screened", x.onset, String.format(Locale.ROOT, "what it would explain beyond "
          + "errors and latency followed from %s (from %s, %s after it), which it cannot produce", x.name(), hm(x.onset),
          duration(Math.max(0, (x.onset - c.onset) / 1_000_000L))), c.action.eventId()));
      return;
    }
  }

  /**
   * Silent path: a change's effect on a component it does not touch has to travel along the topology, through the
   * components between (a database's setting reaches the edge through the service that calls it). When every one of
   * them that has logs, and the changed component itself, showed nothing anomalous from the change until that effect
   * began, and another change explains the effect on its own component (or along a path that shows it), the effect
   * is the other change's: it needs no path no log shows. Without such a competitor the change keeps it (a service
   * may log nothing of a slow database it waits on). Decided on all changes at once, so the order does not matter.
   */
  private void silentPaths(List<Candidate> all) {
    Map<Candidate, Map<Candidate, Candidate>> silent = new java.util.LinkedHashMap<>(); // change → effect → the other
    for (Candidate c : all) {
      if (!isChange(c)) continue;
      for (Candidate y : c.explains) {
        if (y.component.equals(c.component) || witnessed(c, y, all)) continue;
        all.stream().filter(d -> d != c && isChange(d) && d.explains.contains(y)
                && (d.component.equals(y.component) || witnessed(d, y, all)))
            .min(Comparator.comparingLong((Candidate d) -> d.onset).thenComparing(Candidate::name))
            .ifPresent(d -> silent.computeIfAbsent(c, k -> new java.util.TreeMap<>(Comparator.comparing(Candidate::name)))
                .put(y, d));
      }
    }
    silent.forEach((c, lost) -> {
      Set<Candidate> left = new HashSet<>(c.explains);
      left.removeAll(lost.keySet());
      c.explains = left;
      Set<String> through = new java.util.TreeSet<>();
      lost.keySet().forEach(y -> through.addAll(between(c.component, y.component)));
      Set<String> others = new java.util.TreeSet<>(lost.values().stream().map(Candidate::name).toList());
      c.evidence.add(new Evidence("test:path", c.onset, String.format(Locale.ROOT, "it could have caused %s only through %s, "
          + "which showed nothing anomalous after it, while %s %s without such a gap",
          String.join(", ", lost.keySet().stream().map(Candidate::name).toList()), String.join(" and ", through),
          String.join(" and ", others) + (others.size() == 1 ? " explains" : " explain"), lost.size() == 1 ? "it" : "them"),
          c.action.eventId()));
    });
  }

  /** A change (or release) that explains something: not a restart or a kill, which have tests of their own. */
  private static boolean isChange(Candidate c) {
    return c.action != null && !INTERRUPTIONS.contains(c.category) && !c.explains.isEmpty();
  }

  /**
   * The components with logs between two components along the topology (one depends on them, they on the other), in
   * either direction.
   */
  private Set<String> between(String from, String to) {
    Set<String> out = new java.util.TreeSet<>();
    for (String w : topology.components()) {
      if (!w.equals(from) && !w.equals(to) && topology.observed(w)
          && ((topology.dependsOn(to, w) && topology.dependsOn(w, from)) || (topology.dependsOn(from, w) && topology.dependsOn(w, to)))) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * Whether change {@code c}'s effect {@code y} elsewhere has a path the logs show: no component with logs lies
   * between, or a fault began on one of them or on the changed component after the change and by the time of the
   * effect (within the clocks' tolerance).
   */
  private boolean witnessed(Candidate c, Candidate y, List<Candidate> all) {
    Set<String> via = between(c.component, y.component);
    if (via.isEmpty()) {
      return true;
    }
    via.add(c.component);
    long until = c.since(y) + Math.round(tolUs);
    return all.stream().anyMatch(z -> z != y && !z.anomalies.isEmpty() && !actionTrace(z.category)
        && via.stream().anyMatch(z::shows) && z.onset >= c.onset - tolUs && z.onset <= until);
  }

  /**
   * Whether no fault the logs show before it explains the candidate: a crash that a full disk or exhausted memory
   * explains was made by them. Change records do not count here: a change's edges accept lags of many minutes, so
   * an unrelated change would take the prior from every crash after it; a change that crashes its server does so at
   * once, and timing and the change's own score judge it.
   */
  private static boolean unexplained(Candidate c, List<Candidate> all) {
    return all.stream().noneMatch(x -> x != c && x.action == null && !x.anomalies.isEmpty() && x.explains.contains(c));
  }

  /** Whether the change's own component logged it, or the incident ended when it was undone. */
  private static boolean corroborated(Candidate c) {
    return c.recovery != null || c.evidence.stream().anyMatch(e -> e.kind().equals("logs"));
  }

  // ---------------------------------------------------------------- discriminating tests

  /**
   * Timing: the likelihood of the lag between a change and its first effect (on its own component if it has one
   * there, else on anything it explains). A bad setting bites within a couple of minutes; a quiet gap of healthy
   * service after it counts against it, unless its parameter is known to act slowly. A restart made before any
   * symptom breaks what it breaks (connections cut, refused while it starts) at once, on itself or on what calls it:
   * its first effect anywhere counts, and a restarted process that served for minutes before the trouble did not
   * cause it. The lag is evidence both ways.
   */
  private double timing(Candidate c, Facts f) {
    boolean restart = c.category.equals("restart");
    long own = restart ? Long.MAX_VALUE : c.explains.stream().filter(x -> x.component.equals(c.component))
        .mapToLong(x -> c.latestSince(x, f.windowMicros())).min().orElse(Long.MAX_VALUE);
    long first = own != Long.MAX_VALUE ? own
        : c.explains.stream().mapToLong(x -> c.latestSince(x, f.windowMicros())).min().orElse(c.onset);
    double lag = Math.max(0, (first - c.onset) / 1e6 - knowledge.clockSkewToleranceSeconds());
    CausalKnowledge.Parameter p = restart ? null : knowledge.parameter(c.action.parameter());
    boolean slow = p != null && p.slow();
    double likelihood = restart ? knowledge.timing().interruptionLikelihood(lag) : knowledge.timing().likelihood(lag, slow);
    String where = own != Long.MAX_VALUE ? "on " + c.component : "downstream";
    long lagSeconds = Math.max(0, (first - c.onset) / 1_000_000L);
    String detail;
    if (restart) {
      detail = likelihood >= 0.999 ? String.format(Locale.ROOT, "it came before any symptom, and its first effect came "
          + "within %s of it, as a restart's does (what it breaks, it breaks while the process is down)", duration(lagSeconds))
          : String.format(Locale.ROOT, "a quiet gap: %s served for %s after its restart before any effect (a restart's "
          + "effects begin at once); timing likelihood %.2f", c.component, duration(lagSeconds), likelihood);
    } else {
      detail = likelihood >= 0.999 ? String.format(Locale.ROOT, "its first effect %s came within %s of it, as a wrong "
          + "setting or release does", where, duration(lagSeconds))
          : String.format(Locale.ROOT, "a quiet gap: %s stayed healthy for %s after it before any effect %s (a wrong %s "
          + "bites within %s%s); timing likelihood %.2f", c.component, duration(lagSeconds), where,
          c.category.equals("deploy") ? "release" : "setting", duration((long) knowledge.timing().fastSeconds()),
          slow ? ", but " + p.subsystem() + " settings can act slowly" : "", likelihood);
    }
    c.evidence.add(new Evidence("timing", c.onset, detail, c.action.eventId()));
    return likelihood;
  }

  /** Whole-second timestamps (most servers' logs) put a line up to this much before the instant it was written. */
  private static final long LINE_RESOLUTION_MICROS = 1_000_000L;

  /**
   * Intervening change: another change of the same component, recorded after this one and put into effect (its own
   * restart or rollout lines in the component's log), and the component's first failure of the kinds both explain came
   * only after that application. The component then ran through this change without such failures until the other
   * was applied: those failures, and what the other explains downstream of them, are the other's; this change keeps
   * what only it explains. Both times come from the component's own log (one clock), so seconds decide, which the
   * clock-skew tolerance between logs cannot. Not when this change's setting takes effect only at a restart: the
   * other's restart then applied both.
   */
  private void superseded(Candidate c, List<Candidate> all, Facts f) {
    if (!isChange(c)) {
      return;
    }
    CausalKnowledge.Parameter p = knowledge.parameter(c.action.parameter());
    if (p != null && p.needsRestart(CausalKnowledge.normalise(c.action.parameter()))) {
      return;
    }
    // of the later changes the component's first failure followed, the one put into effect last before it
    Candidate by = null;
    Evidence byApplied = null;
    Facts.Line byFirst = null;
    for (Candidate b : all) {
      if (b == c || b.action == null || INTERRUPTIONS.contains(b.category) || !b.component.equals(c.component)
          || b.action.ts() <= c.action.ts() + LINE_RESOLUTION_MICROS) {
        continue;
      }
      Evidence applied = b.evidence.stream().filter(e -> e.kind().equals("applied") && e.ts() != null)
          .min(Comparator.comparingLong(Evidence::ts)).orElse(null);
      if (applied == null || (byApplied != null && applied.ts() <= byApplied.ts())) {
        continue;
      }
      Set<String> shared = new HashSet<>();
      c.explains.stream().filter(x -> x.shows(c.component) && !actionTrace(x.category) && b.explains.contains(x))
          .forEach(x -> shared.add(x.category));
      Facts.Line first = f.lines().stream().filter(l -> l.component().equals(c.component) && shared.contains(l.category()))
          .min(Comparator.comparingLong(Facts.Line::ts).thenComparing(Facts.Line::eventId)).orElse(null);
      if (first == null || first.ts() < applied.ts() - LINE_RESOLUTION_MICROS
          || first.ts() - applied.ts() > knowledge.timing().fastSeconds() * 1e6) {
        continue;
      }
      by = b;
      byApplied = applied;
      byFirst = first;
    }
    if (by == null) {
      return;
    }
    Set<Candidate> left = new HashSet<>(c.explains);
    left.removeAll(by.explains);
    c.explains = left;
    String after = String.format(Locale.ROOT, "%.1f s", Math.max(0, byFirst.ts() - byApplied.ts()) / 1e6);
    c.evidence.add(new Evidence("test:superseded", byApplied.ts(), String.format(Locale.ROOT, "%s logged no such failure "
        + "after it until %s was put into effect at %s (recorded %s after it); the first came %s after that: \"%s\"",
        c.component, by.name(), hm(byApplied.ts()), duration((by.action.ts() - c.action.ts()) / 1_000_000L), after,
        byFirst.message()), byFirst.eventId()));
    if (by.evidence.stream().noneMatch(e -> e.kind().equals("test:first_failure"))) {
      by.evidence.add(new Evidence("test:first_failure", byFirst.ts(), String.format(Locale.ROOT, "%s's first failure came "
          + "%s after it was put into effect at %s, and none since %s before it: \"%s\"", c.component, after,
          hm(byApplied.ts()), c.name(), byFirst.message()), byFirst.eventId()));
    }
  }

  /**
   * Object test: do the statements that began failing soon after the change read or write a database object the
   * change names? Of the incident's anomalous templates of a failure (slow, timed out, failed statements), wherever
   * their category's signal began, the first whose first line came from the change to the timing model's fast lag
   * after it (each side widened by the clock-skew tolerance: the statement and the record are on different clocks)
   * and whose statement reads a relation the change record names ({@code drop index orders_customer_idx}; {@code add column orders.channel}). This is what
   * separates a migration from a feature flag or release made seconds before it, which explain the same symptoms by
   * timing and topology alone. A change that names no object, or statements that name none of its objects, are
   * neutral.
   */
  private void objectTest(Candidate c, Facts f) {
    if (f.templateFirst().isEmpty()) {
      return;
    }
    Set<String> named = ObjectNames.named(c.action.text(), c.action.parameter(), c.action.newValue());
    if (named.isEmpty()) {
      return;
    }
    long from = c.action.ts() - (long) tolUs;
    long to = c.action.ts() + (long) (knowledge.timing().fastSeconds() * 1e6 + tolUs);
    Facts.Line best = null;
    String object = null;
    for (Facts.Anomaly a : f.anomalies()) {
      String category = a.category();
      if (!a.signal().startsWith("template:") || category == null || actionTrace(category) || GENERIC.contains(category)
          || NOT_CAUSES.contains(category)) {
        continue;
      }
      Facts.Line l = f.templateFirst().get(a.signal().substring("template:".length()));
      if (l == null || l.ts() < from || l.ts() > to || (best != null && (l.ts() > best.ts()
          || (l.ts() == best.ts() && l.eventId().compareTo(best.eventId()) >= 0)))) {
        continue;
      }
      String hit = ObjectNames.relations(l.message()).stream().filter(named::contains).findFirst().orElse(null);
      if (hit != null) {
        best = l;
        object = hit;
      }
    }
    if (best == null) {
      return;
    }
    c.tests += scoring.test("object_named");
    String message = Facts.Line.quoted(best.message());
    c.evidence.add(new Evidence("test:object", best.ts(), String.format(Locale.ROOT, "the first slow or failed run of a "
        + "statement reading %s, which %s names, came %s, on %s: \"%s\"", object,
        c.action.changeId() == null ? "the change" : c.action.changeId(), best.ts() >= c.action.ts()
            ? duration((best.ts() - c.action.ts()) / 1_000_000L) + " after it" : "within the clocks' tolerance of it",
        best.component(), message), best.eventId()));
  }

  /**
   * Parameter test: can the changed setting produce what the incident shows? Only the specific symptoms count
   * (errors and latency follow from anything). Unknown parameters are neutral.
   */
  private void parameterTest(Candidate c, Facts f) {
    String name = c.action.parameter();
    CausalKnowledge.Parameter p = knowledge.parameter(name);
    if (p == null) {
      return;
    }
    java.util.TreeSet<String> symptoms = new java.util.TreeSet<>();
    c.explains.forEach(x -> symptoms.add(x.category));
    Set<String> shown = Set.copyOf(symptoms);
    symptoms.removeAll(GENERIC);
    if (symptoms.isEmpty()) {
      return;
    }
    // which kind of each symptom the incident's lines show (a disk full, memory run out), from the cited lines of
    // what the change explains
    Map<String, Set<String>> kinds = new java.util.TreeMap<>();
    for (Candidate x : c.explains) {
      f.lines().stream().filter(l -> x.shows(l.component()) && l.category().equals(x.category) && l.subcategory() != null)
          .forEach(l -> kinds.computeIfAbsent(x.category, k -> new java.util.TreeSet<>()).add(l.subcategory()));
    }
    List<String> produced = p.produced(symptoms, shown, kinds);
    // what it can produce may itself follow from what it cannot: statement timeouts behind lock waits are the locks'
    // doing, not a planner setting's; then the setting explains nothing of the mechanism
    String ledBy = ledBy(c, produced, symptoms);
    if (!produced.isEmpty() && ledBy != null) {
      c.tests += scoring.test("parameter_cannot");
      c.evidence.add(new Evidence("test:parameter", c.onset, String.format(Locale.ROOT, "%s governs %s: a wrong value can "
          + "produce %s, but here %s followed from %s, which it cannot produce", name, p.subsystem(),
          String.join(", ", produced.stream().map(Attributor::label).toList()), produced.size() == 1 ? "that" : "those", ledBy),
          c.action.eventId()));
    } else if (!produced.isEmpty()) {
      c.tests += scoring.test("parameter_matches");
      c.evidence.add(new Evidence("test:parameter", c.onset, String.format(Locale.ROOT, "%s governs %s, and a wrong value "
          + "produces what the incident shows (%s)", name, p.subsystem(), String.join(", ", produced.stream().map(Attributor::label).toList())),
          c.action.eventId()));
    } else {
      c.tests += scoring.test("parameter_cannot");
      c.evidence.add(new Evidence("test:parameter", c.onset, String.format(Locale.ROOT, "%s governs %s, which cannot produce "
          + "what the incident shows (%s)", name, p.subsystem(), String.join(", ", symptoms.stream()
              .map(s -> label(s) + (kinds.containsKey(s) ? " (" + String.join(", ", kinds.get(s)) + ")" : "")).toList())),
          c.action.eventId()));
    }
  }

  /**
   * The symptom, of those the change explains and its parameter cannot produce, that came first and leads to every
   * symptom it can produce (each of those follows from it along the causal edges, no earlier), or null when some
   * symptom it can produce stands on its own.
   */
  private String ledBy(Candidate c, List<String> produced, Set<String> specific) {
    if (produced.isEmpty()) {
      return null;
    }
    List<Candidate> cannot = c.explains.stream().filter(u -> specific.contains(u.category) && !produced.contains(u.category))
        .sorted(Comparator.comparingLong(c::since).thenComparing(u -> u.category).thenComparing(u -> u.component)).toList();
    if (cannot.isEmpty()) {
      return null;
    }
    String leader = null;
    for (Candidate x : c.explains) {
      if (!produced.contains(x.category)) continue;
      Candidate by = cannot.stream().filter(u -> c.since(u) <= c.since(x) && knowledge.propagates(u.category, u.component,
          x.category, x.component, (c.since(x) - c.since(u)) / 1e6, topology)).findFirst().orElse(null);
      if (by == null) {
        return null;
      }
      if (leader == null) {
        leader = label(by.category) + " on " + by.component;
      }
    }
    return leader;
  }

  /** Pile-up test: did replication waits, lock waits, a slow query or a change begin before it, and explain it? */
  private void precursor(Candidate c, List<Candidate> all, long windowMicros) {
    // Prefer what the database itself showed (replication or lock waits, a slow query) over a change record.
    Candidate first = null;
    for (Candidate p : all) {
      // c's onset is the start of a window: something made inside that window can still have come before its first event
      if (p == c || !PRECURSORS.contains(p.category) || p.category.equals(c.category) || p.onset >= c.latest(windowMicros)
          || (p.onset >= c.onset && !p.anomalies.isEmpty())) continue;
      if (knowledge.propagates(p.category, p.component, c.category, c.component, (c.onset - p.onset) / 1e6, topology)
          && (first == null || (first.anomalies.isEmpty() && !p.anomalies.isEmpty())
              || (first.anomalies.isEmpty() == p.anomalies.isEmpty() && p.onset < first.onset))) {
        first = p;
      }
    }
    if (first != null) {
      c.testSaysNotCause = true;
      c.tests += scoring.test("precursor");
      c.testSentence = precursorSentence(c, first);
      c.evidence.add(new Evidence("test:precursor", c.onset, c.testSentence, first.action == null ? null : first.action.eventId()));
    } else {
      c.testSentence = String.format(Locale.ROOT, "nothing that could explain it (replication or lock waits, a slow query, a change) "
          + "began before %s on %s", label(c.category), c.component);
      c.evidence.add(new Evidence("test:precursor", c.onset, c.testSentence, null));
    }
  }

  private static String precursorSentence(Candidate c, Candidate first) {
    return String.format(Locale.ROOT, "the %s on %s began at %s, %s after %s (from %s): %s is not overloaded on its own, it "
        + "is waiting on what came first", label(c.category), c.component, hm(c.onset),
        duration(Math.max(0, (c.onset - first.onset) / 1_000_000L)), first.name(), hm(first.onset), c.component);
  }

  // ---------------------------------------------------------------- explanation and verdicts

  /**
   * Candidates reachable from {@code c} through knowledge edges, each effect beginning after its cause. For a change,
   * a burst of a signal that was over before the change was made is not its effect (a setting that stays in place
   * does not cause errors that had already stopped): the signal counts from its first anomaly still going at the
   * change or after it, dated from there along the whole path, and not at all when none is.
   */
  private Set<Candidate> reach(Candidate c, List<Candidate> all) {
    Set<Candidate> seen = new HashSet<>();
    Deque<Candidate> todo = new ArrayDeque<>();
    todo.add(c);
    c.effectOnsets.clear();
    while (!todo.isEmpty()) {
      Candidate from = todo.pop();
      long fromOnset = from == c ? c.onset : c.since(from);
      for (Candidate to : all) {
        if (to == c || seen.contains(to) || to.anomalies.isEmpty()) continue;
        long toOnset = c.action == null ? to.onset : onsetAfter(to, c.onset);
        if (toOnset != Long.MAX_VALUE && knowledge.propagates(from.category, from.component, to.category, to.component,
            (toOnset - fromOnset) / 1e6, topology)) {
          seen.add(to);
          todo.add(to);
          if (toOnset != to.onset) {
            c.effectOnsets.put(to, toOnset);
          }
        }
      }
    }
    return seen;
  }

  /**
   * When {@code x} began as far as something made at {@code t} goes: its onset, unless some of its anomalies were over
   * by then (ended at or before {@code t}); then the first onset of the others, or never.
   */
  static long onsetAfter(Candidate x, long t) {
    if (x.anomalies.stream().allMatch(a -> a.end() > t)) {
      return x.onset;
    }
    return x.anomalies.stream().filter(a -> a.end() > t).mapToLong(Facts.Anomaly::onset).min().orElse(Long.MAX_VALUE);
  }

  private void verdicts(Candidate root, List<Candidate> all, Facts f) {
    root.verdict = ROOT_CAUSE;
    root.explanation = rootSentence(root, all);
    for (Candidate c : all) {
      if (c == root) continue;
      CausalKnowledge.FalseLead lead = knowledge.falseLead(c.category, c.component, topology);
      boolean explained = root.explains.contains(c);
      if (lead != null && c.testSaysNotCause && (explained || !lead.test().equals("precursor"))) {
        c.verdict = MISLEADING;
        c.lead = lead.lead();
        // one cause per sentence: a pile-up the root cause explains is dated from the root cause, not from another
        String test = explained && lead.test().equals("precursor") && root.onset < root.latestSince(c, f.windowMicros())
            ? precursorSentence(c, root) : c.testSentence;
        c.explanation = capitalise(test) + (explained && !lead.test().equals("persisted")
            ? " — a consequence of " + root.name() + "." : ".");
      } else if (explained) {
        c.verdict = SYMPTOM;
        long since = root.since(c);
        c.explanation = String.format(Locale.ROOT, "%s %s, %s %s, and follows from it along %s.",
            capitalise(c.name()), since == c.onset ? "began at " + hm(since) : String.format(Locale.ROOT,
                "began again at %s (a first burst from %s was over before it)", hm(since), hm(c.onset)),
            after(since, root.onset, f.windowMicros()), root.name(), topology.path(c.component, root.component));
      } else if (causeOf(c, all, root) != null) {
        Candidate by = causeOf(c, all, root);
        c.verdict = SYMPTOM;
        c.explanation = String.format(Locale.ROOT, "%s began at %s, %s %s (itself %s), and follows from it along %s.",
            capitalise(c.name()), hm(c.onset), after(c.onset, by.onset, f.windowMicros()), by.name(),
            by.verdict == null ? "not the root cause" : by.verdict.toLowerCase(Locale.ROOT).replace('_', ' '),
            topology.path(c.component, by.component));
      } else if ((!c.anomalies.isEmpty() || !c.explains.isEmpty()) && c.score >= scoring.contributingShare() * root.score
          && c.onset <= root.onset + 300_000_000L) {
        c.verdict = CONTRIBUTING;
        c.explanation = String.format(Locale.ROOT, "%s began at %s, early and strong, but %s does not explain it: it may have "
            + "made the incident worse.", capitalise(c.name()), hm(c.onset), root.name());
      } else {
        c.verdict = NOT_SUPPORTED;
        Evidence screened = c.evidence.stream().filter(e -> e.kind().equals("test:screened")).findFirst().orElse(null);
        c.explanation = c.relapse != null && c.category.equals("restart") ? capitalise(c.relapse) + "."
            : screened != null ? String.format(Locale.ROOT, "%s at %s is not supported: %s.", capitalise(c.name()),
            hm(c.onset), screened.detail())
            : c.anomalies.isEmpty() && c.explains.isEmpty()
            ? String.format(Locale.ROOT, "%s at %s explains none of the incident's anomalies (no path along the topology within "
                + "the lag ranges).", capitalise(c.name()), hm(c.onset))
            : c.anomalies.isEmpty()
            ? String.format(Locale.ROOT, "%s at %s explains %d of the incident's anomalous signals, and %s, which explains %d, "
                + "scores higher (%.2f against %.2f).", capitalise(c.name()), hm(c.onset), c.explains.size(), root.name(),
                root.explains.size(), root.score, c.score)
            : String.format(Locale.ROOT, "%s began at %s; neither %s nor the knowledge file connects it to the rest of the incident.",
                capitalise(c.name()), hm(c.onset), root.name());
      }
    }
  }

  /**
   * "85 s after"; "in the same 10-s window as" when the cause came inside the effect's first window (its first event
   * may still have followed it); "25 s before (within the clocks' tolerance)" for an effect logged a little earlier.
   */
  private static String after(long effect, long cause, long windowMicros) {
    long seconds = (effect - cause) / 1_000_000L;
    if (seconds >= 0) {
      return duration(seconds) + " after";
    }
    return cause < effect + windowMicros ? "in the same " + windowMicros / 1_000_000L + "-s window as"
        : duration(-seconds) + " before (within the clocks' tolerance)";
  }

  /**
   * A false lead read from signals ("the database is overloaded") is one lead per component, however many of its
   * signals say it: the one whose category comes first in the knowledge's false leads stays MISLEADING, the others
   * are its symptoms. Leads from actions (each restart, each kill) stay apart: each was a separate detour.
   */
  private void oneLeadPerComponent(List<Candidate> all, Candidate root) {
    Map<String, Candidate> kept = new LinkedHashMap<>();
    List<String> order = knowledge.falseLeads().stream().map(CausalKnowledge.FalseLead::category).toList();
    List<Candidate> leads = all.stream().filter(c -> MISLEADING.equals(c.verdict) && c.action == null)
        .sorted(Comparator.comparingInt((Candidate c) -> order.indexOf(c.category)).thenComparingLong(c -> c.onset)).toList();
    for (Candidate c : leads) {
      String key = c.component + "\u0000" + c.lead;
      Candidate first = kept.putIfAbsent(key, c);
      if (first != null) {
        c.verdict = SYMPTOM;
        c.explanation = String.format(Locale.ROOT, "%s began at %s: part of the same lead as the %s on %s (\"%s\"), %s.",
            capitalise(c.name()), hm(c.onset), label(first.category), first.component, first.lead,
            root.explains.contains(c) ? "a consequence of " + root.name() : "not a cause on its own");
        c.lead = null;
      }
    }
  }

  /**
   * The log lines a DBA or SRE would read, with their event ids: for every signal candidate, the first lines of its
   * category on its component; for the root cause, also the server's own record of it near its time (a setting
   * taking effect, a reload, a restart), the first line of each symptom it explains, and its component's slowest
   * statements.
   */
  private void cite(Candidate root, List<Candidate> all, Facts f) {
    for (Candidate c : all) {
      if (c.moreRecords > 0) {
        c.evidence.add(new Evidence("action", null, String.format(Locale.ROOT, "and %d more records of the same action",
            c.moreRecords), null));
      }
    }
    if (f.lines().isEmpty()) {
      return;
    }
    for (Candidate c : all) {
      if (c.anomalies.isEmpty()) continue;
      f.lines().stream().filter(l -> c.shows(l.component()) && l.category().equals(c.category) && l.ts() >= c.onset - tolUs)
          .limit(2).forEach(l -> c.evidence.add(line(l)));
    }
    Set<String> cited = new HashSet<>();
    root.evidence.stream().map(Evidence::eventId).filter(java.util.Objects::nonNull).forEach(cited::add);
    List<Facts.Line> picks = new ArrayList<>();
    if (root.action != null) {
      // its own trace in the component's log, not a line another change or restart already owns (a release's
      // rollout seconds after a flag is the release's)
      Set<String> others = new HashSet<>();
      all.stream().filter(c -> c != root).flatMap(c -> c.evidence.stream())
          .filter(e -> e.eventId() != null && Set.of("applied", "action", "change").contains(e.kind()))
          .forEach(e -> others.add(e.eventId()));
      // nor one nearer another change record of the component (a reload logged after a later change is the later's)
      List<Facts.Action> records = f.actions().stream().filter(a -> a.changeId() != null && a.component().equals(root.component)
          && !a.equals(root.action)).toList();
      f.lines().stream().filter(l -> l.component().equals(root.component) && l.ts() >= root.onset - tolUs
          && l.ts() <= root.onset + 120e6 && !others.contains(l.eventId())
          && (l.category().equals("config_change") || l.category().equals("deploy") || l.category().equals("restart"))
          && records.stream().noneMatch(a -> Math.abs(a.ts() - l.ts()) < Math.abs(root.action.ts() - l.ts())))
          .limit(3).forEach(picks::add);
    }
    root.explains.stream().sorted(Comparator.comparingLong(root::since).thenComparing(x -> x.component))
        .forEach(x -> f.lines().stream().filter(l -> x.shows(l.component()) && l.category().equals(x.category)
            && l.ts() >= root.since(x) - tolUs).findFirst().ifPresent(picks::add));
    f.lines().stream().filter(l -> l.durationMs() != null && l.ts() >= root.onset
            && (l.component().equals(root.component) || root.explains.stream().anyMatch(x -> x.component.equals(l.component()))))
        .max(Comparator.comparingDouble(Facts.Line::durationMs)).ifPresent(picks::add);
    for (Facts.Line l : picks) {
      if (cited.add(l.eventId())) {
        root.evidence.add(line(l));
      }
    }
  }

  private static Evidence line(Facts.Line l) {
    String took = l.durationMs() == null ? "" : String.format(Locale.ROOT, " [%s]", l.durationMs() >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", l.durationMs() / 1000) : String.format(Locale.ROOT, "%.0f ms", l.durationMs()));
    return new Evidence("line", l.ts(), String.format(Locale.ROOT, "%s (%s%s)%s: %s", l.component(),
        l.category().replace('_', ' '), l.subcategory() == null ? "" : "/" + l.subcategory(), took, l.message()), l.eventId());
  }

  /** The earliest other non-root candidate that explains {@code c}, or null. */
  private static Candidate causeOf(Candidate c, List<Candidate> all, Candidate root) {
    Candidate best = null;
    for (Candidate x : all) {
      if (x != c && x != root && x.explains.contains(c) && !c.explains.contains(x) && (best == null || x.onset < best.onset)) {
        best = x;
      }
    }
    return best;
  }

  private String rootSentence(Candidate root, List<Candidate> all) {
    StringBuilder b = new StringBuilder();
    if (root.action != null && root.action.changeId() != null && !root.category.equals("restart")) {
      b.append(String.format(Locale.ROOT, "%s at %s", capitalise(root.action.describe()), hm(root.onset)));
    } else if (root.testSentence != null && root.category.equals("traffic_surge")) {
      b.append(capitalise(root.testSentence));
    } else {
      b.append(String.format(Locale.ROOT, "%s from %s", capitalise(root.name()), hm(root.onset)));
      if (root.firstSeenBy != null) {
        b.append(" (first seen by ").append(root.firstSeenBy).append(", which calls it)");
      }
    }
    long others = all.stream().filter(c -> !c.anomalies.isEmpty() && c != root).count();
    // "first" only when it was: a change made earlier that lost (a flag seconds before a release) is not hidden
    boolean first = all.stream().noneMatch(c -> c != root && c.onset < root.onset
        && (!c.anomalies.isEmpty() || c.action != null && !INTERRUPTIONS.contains(c.category)));
    b.append(String.format(Locale.ROOT, "; it %s %d of the %d other anomalous signals along the topology",
        first ? "came first and explains" : "explains", root.explains.size(), others));
    if (root.recovery != null) {
      b.append("; ").append(root.recovery.detail());
    }
    if (root.relapse != null && !root.category.equals("restart")) {
      b.append("; ").append(root.relapse);
    }
    return b.append('.').toString();
  }

  private List<TimelineEntry> timeline(Facts f, Hypothesis root, List<Hypothesis> misleading, List<Facts.Action> remediations) {
    List<TimelineEntry> t = new ArrayList<>();
    t.add(new TimelineEntry(f.start(), "first_alert", "first sustained anomaly: the incident begins"));
    if (root != null) {
      t.add(new TimelineEntry(root.onset(), "root_cause_onset", root.explanation()));
    }
    for (Hypothesis m : misleading) {
      t.add(new TimelineEntry(m.onset(), "misleading_lead", "\"" + m.lead() + "\"? " + m.explanation()));
    }
    for (Facts.Action a : remediations) {
      t.add(new TimelineEntry(a.ts(), "remediation", a.describe()));
    }
    t.add(new TimelineEntry(f.end(), "recovery", "last anomalous window: the incident ends"));
    t.sort(Comparator.comparingLong(TimelineEntry::ts).thenComparing(TimelineEntry::kind));
    return t;
  }

  // ---------------------------------------------------------------- wording

}
