package org.logcause.attribution.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.logcause.attribution.core.Attributor.Evidence;

/** A candidate while it is being scored. */
final class Candidate {
  final String component;
  String category;
  Facts.Action action; // the change or first restart behind it, if any (a restart's change record, once one came)
  final List<Facts.Anomaly> anomalies = new ArrayList<>();
  final List<Evidence> evidence = new ArrayList<>();
  long onset;
  double weight;
  double score;
  double tests;
  boolean testSaysNotCause;
  String testSentence;
  Evidence recovery; // the revert after which the incident ended, if any
  String lead;
  Set<Candidate> explains = new HashSet<>();
  /**
   * For a change: when each effect it explains began as far as the change goes, where that differs from the effect's
   * own onset (an earlier burst of the same signal was already over when the change was made; see Attributor.reach).
   */
  final Map<Candidate, Long> effectOnsets = new HashMap<>();
  /** Components whose observations of this component's state joined it (see Attributor.observed). */
  final Set<String> observedBy = new TreeSet<>();
  /** The observer that saw it before this component's own log did, if one did. */
  String firstSeenBy;
  /**
   * For a restart: the fault stopped after it for a while and came back (Interventions.relapsed). For a release of the
   * restarted component: what that relapse says of it. Null otherwise.
   */
  String relapse;
  /** A restart someone made before any symptom of the incident showed: no "restart it" detour (see Attributor). */
  boolean beforeSymptoms;
  String verdict;
  double confidence;
  String explanation;

  Candidate(String component, String category, Facts.Action action, long onset) {
    this.component = component;
    this.category = category;
    this.action = action;
    this.onset = onset;
  }

  /** Records of the same action (a restart's log lines, each killed session): the first few, then a count. */
  int moreRecords;

  void sameAction(Evidence e) {
    long shown = evidence.stream().filter(x -> x.kind().equals("action")).count();
    if (shown < 3) {
      evidence.add(e);
    } else {
      moreRecords++;
    }
  }

  /**
   * Another record {@code a} of the same action. The first change record among them (who asked for it, and why)
   * stands for the action and comes first in its evidence, though a server's whole-second lines of it came before.
   */
  void sameAction(Facts.Action a, Evidence e) {
    if (action == null || action.changeId() != null || a.changeId() == null) {
      sameAction(e);
      return;
    }
    action = a;
    int first = 0;
    while (first < evidence.size() && !evidence.get(first).kind().equals("action")) {
      first++;
    }
    evidence.add(first, e);
    int last = -1;
    int shown = 0;
    for (int i = 0; i < evidence.size(); i++) {
      if (evidence.get(i).kind().equals("action")) {
        shown++;
        last = i;
      }
    }
    if (shown > 3) {
      evidence.remove(last);
      moreRecords++;
    }
  }

  /** The latest moment the candidate's first effect can have come: the end of its onset window. */
  long latest(long windowMicros) {
    return anomalies.isEmpty() ? onset : onset + windowMicros;
  }

  /** When {@code effect} began as far as this candidate goes: its onset, or the part still to come when this was made. */
  long since(Candidate effect) {
    return effectOnsets.getOrDefault(effect, effect.onset);
  }

  /** The latest moment {@code effect}'s first part that this candidate can explain came: the end of its onset window. */
  long latestSince(Candidate effect, long windowMicros) {
    return effect.anomalies.isEmpty() ? effect.onset : since(effect) + windowMicros;
  }

  /** Whether a line of this component's is evidence of the candidate: its own, or an observer's. */
  boolean shows(String lineComponent) {
    return component.equals(lineComponent) || observedBy.contains(lineComponent);
  }

  double maxScore() {
    return anomalies.stream().mapToDouble(Facts.Anomaly::score).max().orElse(0);
  }

  String name() {
    if (action != null && action.changeId() != null && !category.equals("restart")) {
      return category.replace('_', ' ') + " " + action.changeId() + " on " + component;
    }
    return Wording.label(category) + " on " + component;
  }
}
