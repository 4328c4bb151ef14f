package org.logcause.attribution.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Setting changes as a server logs them itself, made actions like change records: PostgreSQL logs every parameter a
 * reload changes ({@code parameter "synchronous_standby_names" changed to "FIRST 1 (dr)"}) and every one taken out of
 * its configuration ({@code parameter "x" removed from configuration file, reset to default}); one that takes effect
 * only at a start is logged as changed in the file but not yet in effect ({@code parameter "max_connections" cannot
 * be changed without restarting the server}): the restart after it applies it. MySQL and MariaDB log semi-synchronous
 * replication switched on or off on the primary ({@code Semi-sync replication enabled on the master.}). That line is the
 * server's own record of the setting taking effect, so a run without a change feed, or with a feed that missed a
 * DBA's change by hand, still has the change to attribute. A change feed's record says more (its id, who, why): a
 * server line its feed already records (the same component and parameter, or a record naming no parameter, within
 * {@code sameSeconds}) is left out, and so is one logged from 5 s before to 30 s after a start-up line of its
 * server (the setting read as it starts, not changed). A reset to default of a parameter changed earlier is a revert of it.
 */
public final class ServerSettings {
  private static final Pattern CHANGED = Pattern.compile("parameter \"([^\"]+)\" changed to \"(.*)\"", Pattern.DOTALL);
  private static final Pattern RESET = Pattern.compile("parameter \"([^\"]+)\" removed from configuration file, reset to default");
  private static final Pattern SEMI_SYNC = Pattern.compile("Semi-sync replication (enabled|disabled) on the (master|source)");
  /**
   * A setting logged this long after a start-up line of its server, or this little before one (a server logs what
   * it read from its configuration just before it says it is ready), was read at the start, not changed.
   */
  private static final long AT_START_MICROS = 30_000_000L;
  private static final long BEFORE_READY_MICROS = 5_000_000L;
  private static final Pattern PENDING = Pattern.compile("parameter \"([^\"]+)\" cannot be changed without restarting the server");

  private ServerSettings() {}

  /** A line a server logged about one of its settings: its event, time (epoch µs), component and message. */
  public record Line(String eventId, long ts, String component, String message) {}

  /**
   * A setting line read: the parameter and its new value ("(default)" for a reset); {@code reset}: back to the
   * default, which undoes an earlier change of it.
   */
  record Setting(String parameter, String value, boolean reset) {}

  static Setting read(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = CHANGED.matcher(message);
    if (m.find()) {
      return new Setting(m.group(1), m.group(2), false);
    }
    m = RESET.matcher(message);
    if (m.find()) {
      return new Setting(m.group(1), "(default)", true);
    }
    m = PENDING.matcher(message);
    if (m.find()) {
      return new Setting(m.group(1), "(from the next restart)", false);
    }
    m = SEMI_SYNC.matcher(message);
    if (!m.find()) {
      return null;
    }
    boolean off = m.group(1).equals("disabled"); // off is the default: switching it off undoes an earlier on
    return new Setting("rpl_semi_sync_" + m.group(2) + "_enabled", off ? "OFF" : "ON", off);
  }

  /**
   * {@code recorded} (change records and restarts, in time order) with the server-logged settings that no record
   * already gives and that were not logged as their server started ({@code startups}: start-up lines), in time order.
   *
   * @param sameMicros how far apart a record and a server line of the same change may be
   */
  public static List<Facts.Action> merge(List<Facts.Action> recorded, List<Line> lines, List<Line> startups,
      long sameMicros) {
    if (lines.isEmpty()) {
      return recorded;
    }
    List<Facts.Action> out = new ArrayList<>(recorded);
    List<Line> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparingLong(Line::ts).thenComparing(Line::eventId));
    for (Line l : sorted) {
      Setting s = read(l.message());
      if (s == null || inFeed(recorded, l, s, sameMicros) || atStart(startups, l)) {
        continue;
      }
      String parameter = CausalKnowledge.normalise(s.parameter());
      boolean changedBefore = out.stream().anyMatch(a -> a.ts() <= l.ts() && a.component().equals(l.component())
          && a.parameter() != null && CausalKnowledge.normalise(a.parameter()).equals(parameter));
      String type = s.reset() && changedBefore ? "revert" : "config_change";
      out.add(new Facts.Action(l.eventId(), l.ts(), l.component(), type, null,
          l.component() + " logged \"" + Facts.Line.quoted(l.message()) + "\"", null, s.parameter(), s.value(), null));
    }
    out.sort(Comparator.comparingLong(Facts.Action::ts).thenComparing(a -> String.valueOf(a.eventId())));
    return out;
  }

  /** Whether the line comes as its server starts (a start-up line of its component near it): a setting read, not changed. */
  private static boolean atStart(List<Line> startups, Line l) {
    return startups.stream().anyMatch(a -> a.component().equals(l.component()) && l.ts() - a.ts() <= AT_START_MICROS
        && a.ts() - l.ts() <= BEFORE_READY_MICROS);
  }

  /**
   * Whether a change record already gives this change: its component, near in time, the same parameter (or a setting
   * change naming none).
   */
  private static boolean inFeed(List<Facts.Action> recorded, Line l, Setting s, long sameMicros) {
    String parameter = CausalKnowledge.normalise(s.parameter());
    for (Facts.Action a : recorded) {
      String type = a.type() == null ? "config_change" : a.type();
      if (Attributor.INTERRUPTIONS.contains(type) || !a.component().equals(l.component())
          || Math.abs(a.ts() - l.ts()) > sameMicros) {
        continue;
      }
      if (a.parameter() == null ? type.equals("config_change") || type.equals("revert")
          : CausalKnowledge.normalise(a.parameter()).equals(parameter)) {
        return true;
      }
    }
    return false;
  }
}
