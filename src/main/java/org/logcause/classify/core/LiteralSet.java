package org.logcause.classify.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of literal strings, and which of them a text contains, found in one pass over the text: the same answer
 * as {@code text.contains(literal)} for each literal, without scanning the text once per literal. Literals are indexed
 * by their first two characters; the pass looks each position's pair up and compares only the literals filed there.
 * Used on the hot path of every line (rule hints, secret-masking triggers), where a long SQL statement met a hundred
 * {@code contains} calls.
 */
public final class LiteralSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BUCKETS = 1 << 12;

  private final String[] literals;
  /** Pair bucket → indices of the literals of two or more characters filed there; null where none is. */
  private final int[][] byPair;
  /** Literals of one character, and their indices. */
  private final char[] singleChars;
  private final int[] singleIndices;
  /** Indices of empty literals: every text contains them. */
  private final int[] empty;

  public LiteralSet(List<String> literals) {
    this.literals = literals.toArray(String[]::new);
    List<List<Integer>> buckets = new ArrayList<>(BUCKETS);
    for (int b = 0; b < BUCKETS; b++) buckets.add(null);
    List<Integer> singles = new ArrayList<>();
    List<Integer> none = new ArrayList<>();
    for (int i = 0; i < this.literals.length; i++) {
      String l = this.literals[i];
      if (l.isEmpty()) {
        none.add(i);
      } else if (l.length() == 1) {
        singles.add(i);
      } else {
        int b = bucket(l.charAt(0), l.charAt(1));
        if (buckets.get(b) == null) buckets.set(b, new ArrayList<>());
        buckets.get(b).add(i);
      }
    }
    this.byPair = new int[BUCKETS][];
    for (int b = 0; b < BUCKETS; b++) {
      List<Integer> in = buckets.get(b);
      if (in != null) byPair[b] = in.stream().mapToInt(Integer::intValue).toArray();
    }
    this.singleChars = new char[singles.size()];
    this.singleIndices = new int[singles.size()];
    for (int k = 0; k < singles.size(); k++) {
      singleIndices[k] = singles.get(k);
      singleChars[k] = this.literals[singles.get(k)].charAt(0);
    }
    this.empty = none.stream().mapToInt(Integer::intValue).toArray();
  }

  public int size() {
    return literals.length;
  }

  public String literal(int index) {
    return literals[index];
  }

  /** The literals the text contains, as a bit set over their indices (read it with {@link #contains}). */
  public long[] find(String text) {
    long[] found = new long[(literals.length + 63) >>> 6];
    for (int i : empty) set(found, i);
    for (int k = 0; k < singleChars.length; k++) {
      if (text.indexOf(singleChars[k]) >= 0) set(found, singleIndices[k]);
    }
    int last = text.length() - 1;
    for (int p = 0; p < last; p++) {
      int[] filed = byPair[bucket(text.charAt(p), text.charAt(p + 1))];
      if (filed == null) continue;
      for (int i : filed) {
        if (!contains(found, i) && text.startsWith(literals[i], p)) set(found, i);
      }
    }
    return found;
  }

  /** Whether the text contains any of the literals: {@link #find}'s pass, stopped at the first one met. */
  public boolean containsAnyOf(String text) {
    if (empty.length > 0) return true;
    for (char c : singleChars) {
      if (text.indexOf(c) >= 0) return true;
    }
    int last = text.length() - 1;
    for (int p = 0; p < last; p++) {
      int[] filed = byPair[bucket(text.charAt(p), text.charAt(p + 1))];
      if (filed == null) continue;
      for (int i : filed) {
        if (text.startsWith(literals[i], p)) return true;
      }
    }
    return false;
  }

  /** Whether a set from {@link #find} holds the literal of that index. */
  public static boolean contains(long[] found, int index) {
    return (found[index >>> 6] & (1L << index)) != 0;
  }

  /** Whether a set from {@link #find} holds any of these indices. */
  public static boolean containsAny(long[] found, int[] indices) {
    for (int i : indices) {
      if (contains(found, i)) return true;
    }
    return false;
  }

  private static void set(long[] found, int index) {
    found[index >>> 6] |= 1L << index;
  }

  private static int bucket(char a, char b) {
    return (a * 31 + b) & (BUCKETS - 1);
  }
}
