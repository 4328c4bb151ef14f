package org.logcause.attribution.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Database objects named by a change record and read or written by a logged SQL statement: what a DBA compares when a
 * migration is suspected ("the queries that went slow all read {@code orders}; the migration dropped an index of
 * {@code orders}"). Spark-free.
 */
final class ObjectNames {
  private ObjectNames() {}

  /** A statement: a line holding one of SQL's data verbs. */
  private static final Pattern STATEMENT = Pattern.compile("(?i)\\b(select|insert|update|delete|merge)\\b");
  /** The relations a statement reads or writes: the name after FROM, JOIN, UPDATE or INTO (schema-qualified or not). */
  private static final Pattern RELATION = Pattern.compile(
      "(?i)\\b(?:from|join|update|into)\\s+(?:only\\s+)?((?:[\"`]?[A-Za-z_][\\w$]*[\"`]?\\.)?[\"`]?[A-Za-z_][\\w$]*[\"`]?)");
  /** An object named in a change record after a DDL word: {@code ALTER TABLE orders}, {@code index on orders}. */
  private static final Pattern AFTER_DDL = Pattern.compile(
      "(?i)\\b(?:table|index|view|on|from|into|update|join)\\s+(?:if\\s+(?:not\\s+)?exists\\s+)?([\"`]?[A-Za-z_][\\w$.\"`]*)");
  /**
   * A change record about database objects says so: a migration, a schema version, an index, a table, a column, DDL.
   * Without such a word its identifiers are settings, services or flags ({@code orders.batch_size}), not objects.
   */
  private static final Pattern SCHEMA_WORD = Pattern.compile("(?i)(?<![A-Za-z])(migrat\\w*|schema\\w*|index\\w*|idx|table\\w*|"
      + "column\\w*|constraint\\w*|views?|alter|drop|create|rename|truncate|ddl)(?![A-Za-z])");
  /** A token of a change record that is an identifier: holds an underscore or a dot between word characters. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][\\w$]*(?:[._][\\w$]+)+");
  private static final int MIN_NAME = 3;

  /**
   * The relations a logged statement reads or writes, lower case and without schema or quotes; empty when the line
   * holds no statement.
   */
  static Set<String> relations(String line) {
    Set<String> out = new TreeSet<>();
    if (line == null || !STATEMENT.matcher(line).find()) {
      return out;
    }
    Matcher m = RELATION.matcher(line);
    while (m.find()) {
      String name = unquote(m.group(1));
      int dot = name.lastIndexOf('.');
      name = dot >= 0 ? name.substring(dot + 1) : name;
      if (name.length() >= MIN_NAME) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The names a change record gives to database objects, lower case: every identifier of its texts (a parameter, a
   * value, a note) and each run of its parts ({@code orders_customer_idx} names orders, customer, orders_customer, ...;
   * {@code public.orders} names orders), and every word after a DDL word ({@code ALTER TABLE orders}), when the record
   * is about database objects at all (a migration, a schema version, an index, DDL: {@link #SCHEMA_WORD}). Words of
   * prose are not names ("for 5% of users" names nothing), nor are the identifiers of a setting or a flag.
   */
  static Set<String> named(String... texts) {
    Set<String> out = new TreeSet<>();
    boolean aboutObjects = false;
    for (String t : texts) {
      aboutObjects |= t != null && SCHEMA_WORD.matcher(t).find();
    }
    if (!aboutObjects) {
      return out;
    }
    for (String t : texts) {
      if (t == null || t.isBlank()) {
        continue;
      }
      Matcher id = IDENTIFIER.matcher(t);
      while (id.find()) {
        addRuns(out, id.group());
      }
      Matcher ddl = AFTER_DDL.matcher(t);
      while (ddl.find()) {
        addRuns(out, ddl.group(1));
      }
    }
    return out;
  }

  private static void addRuns(Set<String> out, String token) {
    String[] parts = unquote(token).split("[._]+");
    List<String> words = new ArrayList<>();
    for (String p : parts) {
      if (!p.isEmpty()) words.add(p);
    }
    for (int i = 0; i < words.size(); i++) {
      StringBuilder run = new StringBuilder();
      for (int j = i; j < words.size(); j++) {
        run.append(j > i ? "_" : "").append(words.get(j));
        if (run.length() >= MIN_NAME) {
          out.add(run.toString());
        }
      }
    }
  }

  private static String unquote(String s) {
    return s.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
  }
}
