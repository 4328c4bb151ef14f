package org.logcause.classify.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Drain-style template miner over masked messages: messages are bucketed by token count and leading tokens (a
 * fixed-depth prefix tree), joined to the most similar template in their bucket when at least {@code threshold}
 * of the tokens agree, and the positions that differ become {@code <*>}.
 *
 * <p>Two known weaknesses of Drain are addressed. A parameter of several words splits one event type into
 * templates of different lengths: after mining, templates that are equal once runs of {@code <*>} are collapsed
 * are merged. Two event types that differ in one keyword ("opened" / "closed") merge in Drain: here, a position
 * where both tokens are plain words is generalised only once the template has already seen it vary, never on the
 * first difference.
 *
 * <p>Mining is deterministic and independent of partitioning because it works on groups: all masked messages
 * that share a first token form one group, and a group is mined from its sorted distinct messages. A Spark stage
 * can therefore mine groups in parallel and get the same templates as a single pass.
 */
public final class TemplateMiner implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final double threshold;
  private final boolean keywordGuard;

  public TemplateMiner(double threshold, boolean keywordGuard) {
    this.threshold = threshold;
    this.keywordGuard = keywordGuard;
  }

  public TemplateMiner() {
    // One threshold for every system (no per-system tuning). Masking already turned most parameters into <*>,
    // which always counts as agreeing, so a high threshold keeps apart events that share a few words.
    this(0.8, true);
  }

  /** The group a masked message is mined in: its first token. */
  public static String groupOf(String masked) {
    int sp = masked.indexOf(' ');
    return sp < 0 ? masked : masked.substring(0, sp);
  }

  /** Mines one group: distinct masked messages (any order; they are sorted here) → their template. */
  public Map<String, String> mineGroup(List<String> maskedMessages) {
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(maskedMessages));
    Map<String, List<Cluster>> buckets = new HashMap<>();
    Map<String, Cluster> assigned = new LinkedHashMap<>();
    for (String masked : sorted) {
      String[] tokens = masked.isEmpty() ? new String[0] : masked.split(" ");
      String key = tokens.length + "\u0000" + (tokens.length > 1 ? branch(tokens[1]) : "");
      List<Cluster> bucket = buckets.computeIfAbsent(key, k -> new ArrayList<>());
      Cluster best = null;
      double bestSim = -1;
      for (Cluster c : bucket) {
        double sim = c.similarity(tokens);
        if (sim > bestSim && (!keywordGuard || c.acceptsKeywords(tokens))) {
          best = c;
          bestSim = sim;
        }
      }
      if (best != null && bestSim >= threshold) {
        best.absorb(tokens);
      } else {
        best = new Cluster(tokens);
        bucket.add(best);
      }
      assigned.put(masked, best);
    }
    // Merge templates that differ only in how many words a parameter had.
    // A template alone keeps its form; several that collapse to the same form become that form.
    Map<String, String> canonical = new TreeMap<>();
    for (Cluster c : assigned.values()) {
      String collapsed = collapseWildcards(c.template());
      canonical.merge(collapsed, c.template(), (a, b) -> a.equals(b) ? a : collapsed);
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, Cluster> e : assigned.entrySet()) {
      result.put(e.getKey(), canonical.get(collapseWildcards(e.getValue().template())));
    }
    return result;
  }

  /** Mines any list of messages (masks them, groups them, mines each group): message index → template. */
  public List<String> mine(List<String> messages) {
    List<String> masked = messages.stream().map(Masker::mask).toList();
    Map<String, List<String>> groups = new TreeMap<>();
    for (String m : masked) {
      groups.computeIfAbsent(groupOf(m), k -> new ArrayList<>()).add(m);
    }
    Map<String, String> templates = new HashMap<>();
    groups.values().forEach(g -> templates.putAll(mineGroup(g)));
    return masked.stream().map(templates::get).toList();
  }

  public static String collapseWildcards(String template) {
    return template.replaceAll("<\\*>(?: <\\*>)+", Masker.WILDCARD);
  }

  private static String branch(String token) {
    return token.contains(Masker.WILDCARD) || token.chars().anyMatch(Character::isDigit) ? Masker.WILDCARD : token;
  }

  /**
   * Words that name a state or an outcome. Two messages that differ in one of these are different events
   * ("session opened" / "session closed"), never one event with a parameter: Drain merges them.
   */
  private static final java.util.Set<String> STATE_WORDS = java.util.Set.of(
      "open", "opened", "opening", "close", "closed", "closing", "start", "started", "starting", "stop", "stopped",
      "stopping", "accepted", "rejected", "refused", "denied", "allowed", "granted", "blocked", "succeeded", "success",
      "successful", "failed", "failure", "fail", "up", "down", "enabled", "disabled", "connected", "disconnected",
      "connecting", "added", "removed", "created", "deleted", "dropped", "begin", "end", "true", "false", "on", "off",
      "acquired", "released", "locked", "unlocked", "committed", "aborted", "sent", "received", "read", "write",
      "written", "error", "warning", "info", "debug", "valid", "invalid", "found", "missing", "online", "offline",
      "active", "inactive", "alive", "dead", "ready", "busy", "idle", "entering", "leaving", "joined", "left",
      "login", "logout", "in", "out");

  /** A state word, or an all-caps name of a kind (HTTPS, SOCKS5, TCP): different ones are different events. */
  static boolean isKeyword(String token) {
    String t = token.endsWith(",") || token.endsWith(".") ? token.substring(0, token.length() - 1) : token;
    if (STATE_WORDS.contains(t.toLowerCase(java.util.Locale.ROOT))) {
      return true;
    }
    return t.length() >= 3 && t.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
        && Character.isLetter(t.charAt(0));
  }

  /** One template and how it came to be. */
  private static final class Cluster {
    private final String[] template;

    Cluster(String[] tokens) {
      this.template = tokens.clone();
    }

    double similarity(String[] tokens) {
      if (tokens.length == 0) {
        return template.length == 0 ? 1 : 0;
      }
      int same = 0;
      for (int i = 0; i < tokens.length; i++) {
        if (template[i].equals(tokens[i]) || template[i].equals(Masker.WILDCARD)) {
          same++;
        }
      }
      return (double) same / tokens.length;
    }

    /** False if joining would turn a position where two plain words differ into a wildcard. */
    boolean acceptsKeywords(String[] tokens) {
      for (int i = 0; i < tokens.length; i++) {
        if (!template[i].equals(tokens[i]) && !template[i].equals(Masker.WILDCARD)
            && isKeyword(template[i]) && isKeyword(tokens[i])) {
          return false;
        }
      }
      return true;
    }

    void absorb(String[] tokens) {
      for (int i = 0; i < tokens.length; i++) {
        if (!template[i].equals(tokens[i])) {
          template[i] = generalize(template[i], tokens[i]);
        }
      }
    }

    /** Two different tokens: keep what they share before "=" or ":" ("rhost=<*>"), wildcard the rest. */
    private static String generalize(String a, String b) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        eq = a.indexOf(':');
      }
      if (eq > 0 && eq < a.length() - 1 && b.length() > eq && a.regionMatches(0, b, 0, eq + 1)
          && !a.substring(0, eq).contains(Masker.WILDCARD)) {
        return a.substring(0, eq + 1) + Masker.WILDCARD;
      }
      return Masker.WILDCARD;
    }

    String template() {
      return String.join(" ", template);
    }
  }
}
