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
 * <p>Known weaknesses of Drain are addressed. A parameter of several words, or written with and without its unit or
 * a conversion ({@code 403 bytes} / {@code 1190 bytes (1.16 KB)}, {@code <1 sec} / {@code 00:01}), splits one event
 * type into templates of different lengths: after mining, templates of one {@link #shapeOf shape} are merged. Two
 * event types that differ in one keyword ("opened" / "closed") merge in Drain: here, a position where both tokens
 * are plain words is generalised only once the template has already seen it vary, never on the first difference;
 * and a generalised position whose words take at most {@link #CLOSED_VALUES} values across the template's messages
 * (a closed set: {@code Active} / {@code Inactive}, a client's name among two) is split back into one template per
 * word, while dates' month and weekday names stay parameters.
 *
 * <p>Mining is deterministic and independent of partitioning because it works on groups: all masked messages
 * that share a first token form one group, and a group is mined from its sorted distinct messages. A Spark stage
 * can therefore mine groups in parallel and get the same templates as a single pass.
 */
public final class TemplateMiner implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final double threshold;
  private final boolean keywordGuard;
  private final int maxClosedValues;

  /**
   * At most this many distinct words at a position make it part of the event's kind, not a parameter. One setting for
   * every system (chosen on the LogHub samples; docs/evaluation.md gives the figures with 2, 3 and 4).
   */
  static final int CLOSED_VALUES = 3;

  public TemplateMiner(double threshold, boolean keywordGuard) {
    this(threshold, keywordGuard, CLOSED_VALUES);
  }

  public TemplateMiner(double threshold, boolean keywordGuard, int maxClosedValues) {
    this.threshold = threshold;
    this.keywordGuard = keywordGuard;
    this.maxClosedValues = maxClosedValues;
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
    // A position where the members' words take only a few values names the kind of event (opened/closed, SPP /
    // WindowsUpdateAgent, Active/Inactive), not a parameter: split the template by those words.
    if (maxClosedValues > 1) {
      assigned = splitClosedPositions(assigned);
    }
    // Merge templates that differ only in how many words a parameter had.
    // A template alone keeps its form; several that collapse to the same form become that form.
    Map<String, String> canonical = new TreeMap<>();
    for (Cluster c : assigned.values()) {
      String key = shapeOf(c.template());
      canonical.merge(key, c.template(), (a, b) -> a.equals(b) ? a : key);
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, Cluster> e : assigned.entrySet()) {
      result.put(e.getKey(), canonical.get(shapeOf(e.getValue().template())));
    }
    return result;
  }

  /** Month and weekday names: the words of a date inside a message, a parameter however few values it takes. */
  private static final java.util.Set<String> CALENDAR_WORDS = java.util.Set.of(
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "mon", "tue", "wed", "thu",
      "fri", "sat", "sun", "january", "february", "march", "april", "june", "july", "august", "september", "october",
      "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

  /** Splits each cluster by the words at its positions whose words take at most {@code maxClosedValues} values. */
  private Map<String, Cluster> splitClosedPositions(Map<String, Cluster> assigned) {
    Map<Cluster, List<String>> members = new LinkedHashMap<>();
    assigned.forEach((m, c) -> members.computeIfAbsent(c, k -> new ArrayList<>()).add(m));
    Map<String, Cluster> out = new LinkedHashMap<>();
    for (Map.Entry<Cluster, List<String>> e : members.entrySet()) {
      Cluster c = e.getKey();
      List<String> ms = e.getValue();
      List<String[]> tokens = ms.stream().map(m -> m.isEmpty() ? new String[0] : m.split(" ")).toList();
      List<Integer> closed = new ArrayList<>();
      for (int i = 0; i < c.template.length; i++) {
        String slot = c.template[i];
        if (!slot.endsWith(Masker.WILDCARD) || slot.indexOf(Masker.WILDCARD) != slot.length() - Masker.WILDCARD.length()) {
          continue;
        }
        int from = slot.length() - Masker.WILDCARD.length(); // after a kept "key=" or "key:"
        java.util.Set<String> values = new java.util.HashSet<>();
        boolean words = true;
        for (String[] t : tokens) {
          String v = t[i].length() >= from ? t[i].substring(from) : "";
          if (v.contains(Masker.WILDCARD) || v.chars().anyMatch(Character::isDigit) || v.chars().noneMatch(Character::isLetter)
              || CALENDAR_WORDS.contains(v.toLowerCase(java.util.Locale.ROOT))) {
            words = false;
            break;
          }
          values.add(v);
        }
        if (words && values.size() > 1 && values.size() <= maxClosedValues) {
          closed.add(i);
        }
      }
      if (closed.isEmpty()) {
        ms.forEach(m -> out.put(m, c));
        continue;
      }
      Map<String, Cluster> parts = new LinkedHashMap<>();
      for (int k = 0; k < ms.size(); k++) {
        String[] t = tokens.get(k);
        StringBuilder key = new StringBuilder();
        closed.forEach(i -> key.append(t[i]).append('\u0000'));
        Cluster part = parts.computeIfAbsent(key.toString(), x -> {
          Cluster p = new Cluster(c.template);
          closed.forEach(i -> p.template[i] = c.template[i].substring(0, c.template[i].length() - Masker.WILDCARD.length()) + t[i]
              .substring(c.template[i].length() - Masker.WILDCARD.length()));
          return p;
        });
        out.put(ms.get(k), part);
      }
    }
    return out;
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

  private static final java.util.regex.Pattern ANNOTATION =
      java.util.regex.Pattern.compile(" ?\\(<\\*> [A-Za-z%]{1,8}\\)");
  private static final java.util.regex.Pattern COMPARED = java.util.regex.Pattern.compile("(?<=^| )[<>~≈]+(?=<\\*>)");
  private static final java.util.regex.Pattern UNIT = java.util.regex.Pattern.compile(
      "(?<=<\\*>) (?i:b|kb|mb|gb|tb|kib|mib|gib|bytes?|ms|us|µs|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|%)(?=[ ,.;)]|$)");

  /**
   * The shape of a template, which templates of one event share however their parameters were written: runs of
   * {@code <*>} as one, a parenthesised annotation of a parameter ({@code (1.2 KB)}, {@code (<*> ms)}) left out, a
   * quantity with or without its unit or a comparison ({@code <1 sec}, {@code 00:01}). Templates of one shape are
   * merged.
   */
  static String shapeOf(String template) {
    String t = ANNOTATION.matcher(template).replaceAll("");
    t = COMPARED.matcher(t).replaceAll("");
    t = UNIT.matcher(t).replaceAll("");
    return collapseWildcards(t);
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
