package org.logcause.attribution.core;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's topology ("A depends on B" = A calls B) with its transitive closure, and the kind of each component.
 * Components that are not in the topology (a log source nobody declared) relate to nothing but themselves.
 */
public final class Topology implements Serializable {
  private final Map<String, Set<String>> dependsOn = new HashMap<>(); // transitive
  private final Map<String, String> kinds;
  private final Map<String, Set<String>> direct = new HashMap<>();

  public Topology(Map<String, List<String>> direct, Map<String, String> kinds) {
    this.kinds = Map.copyOf(kinds);
    direct.forEach((k, v) -> this.direct.put(k, new HashSet<>(v)));
    Set<String> all = new HashSet<>(direct.keySet());
    direct.values().forEach(all::addAll);
    for (String a : all) {
      Set<String> reach = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(direct.getOrDefault(a, List.of()));
      while (!todo.isEmpty()) {
        String b = todo.pop();
        if (reach.add(b)) {
          todo.addAll(direct.getOrDefault(b, List.of()));
        }
      }
      reach.remove(a);
      dependsOn.put(a, reach);
    }
  }

  /** Whether {@code a} depends on {@code b}, directly or through other components. */
  public boolean dependsOn(String a, String b) {
    return dependsOn.getOrDefault(a, Set.of()).contains(b);
  }

  /** Whether the component is a replica: a database that another database depends on (it replicates from it). */
  public boolean replica(String component) {
    if (!"database".equals(kind(component))) {
      return false;
    }
    for (Map.Entry<String, Set<String>> e : direct.entrySet()) {
      if (!e.getKey().equals(component) && "database".equals(kind(e.getKey())) && e.getValue().contains(component)) {
        return true;
      }
    }
    return false;
  }

  /** Every component the topology names. */
  public Set<String> components() {
    return java.util.Collections.unmodifiableSet(dependsOn.keySet());
  }

  /** Whether the component has logs of its own (a source of the job gives its kind). */
  public boolean observed(String component) {
    return kinds.containsKey(component);
  }

  public boolean known(String component) {
    return dependsOn.containsKey(component);
  }

  /** Whether the relation of a knowledge edge holds from the cause's component to the effect's. */
  public boolean related(String relation, String cause, String effect) {
    return switch (relation) {
      case "same" -> cause.equals(effect);
      case "dependents" -> dependsOn(effect, cause);
      case "dependencies" -> dependsOn(cause, effect);
      case "any" -> cause.equals(effect) || (known(cause) && known(effect));
      default -> false;
    };
  }

  /** How the path from one component to another reads in a sentence: "shop-app → db-primary". */
  public String path(String from, String to) {
    if (from.equals(to)) {
      return from;
    }
    return dependsOn(from, to) ? from + " → " + to : to + " → " + from;
  }

  public String kind(String component) {
    return kinds.getOrDefault(component, "other");
  }
}
