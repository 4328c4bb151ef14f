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
 * be changed without restarting the server}): the restart after it applies it. That line is the
 * server's own record of the setting taking effect, so a run without a change feed, or with a feed that missed a
 * DBA's change by hand, still has the change to attribute. A change feed's record says more (its id, who, why): a
 * server line its feed already records (the same component and parameter, or a record naming no parameter, within
 * {@code sameSeconds}) is left out. A reset to default of a parameter changed earlier is a revert of it.
 */
public final class ServerSettings {
  private static final Pattern CHANGED = Pattern.compile("parameter \"([^\"]+)\" changed to \"(.*)\"", Pattern.DOTALL);
  private static final Pattern RESET = Pattern.compile("parameter \"([^\"]+)\" removed from configuration file, reset to default");
  private static final Pattern PENDING = Pattern.compile("parameter \"([^\"]+)\" cannot be changed without restarting the server");

  private ServerSettings() {}

  /** A line a server logged about one of its settings: its event, time (epoch µs), component and message. */
  public record Line(String eventId, long ts, String component, String message) {}

  /** A setting line read: the parameter and its new value ("(default)" for a reset), or null when it names none. */
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
    return m.find() ? new Setting(m.group(1), "(from the next restart)", false) : null;
  }

  /**
   * {@code recorded} (change records and restarts, in time order) with the server-logged settings that no record
   * already gives, in time order.
   *
   * @param sameMicros how far apart a record and a server line of the same change may be
   */
  public static List<Facts.Action> merge(List<Facts.Action> recorded, List<Line> lines, long sameMicros) {
    if (lines.isEmpty()) {
      return recorded;
    }
    List<Facts.Action> out = new ArrayList<>(recorded);
    List<Line> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparingLong(Line::ts).thenComparing(Line::eventId));
    for (Line l : sorted) {
      Setting s = read(l.message());
      if (s == null || inFeed(recorded, l, s, sameMicros)) {
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
