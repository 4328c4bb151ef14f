package org.logcause.attribution.core;

import static org.logcause.attribution.core.Attributor.INTERRUPTIONS;
import static org.logcause.attribution.core.Attributor.actionTrace;
import static org.logcause.attribution.core.Attributor.category;
import static org.logcause.attribution.core.Wording.duration;
import static org.logcause.attribution.core.Wording.hm;

import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.logcause.attribution.core.Attributor.Evidence;

/**
 * The tests of what people did during an incident, judged by when it recovered: a restart or a session kill that
 * changed nothing (a classic detour), a revert followed by recovery, a setting that outlived the fix, and the
 * restarts that are part of a change (its rollout, or the start that applies it).
 */
final class Interventions {
  /** The categories of what clients feel at the edge: failed or slow answers. */
  private static final Set<String> IMPACT = Set.of("errors", "latency", "server_error", "timeout");

  private final CausalKnowledge knowledge;
  private final CausalKnowledge.Scoring scoring;
  private final Topology topology;
  private final double tolUs;

  Interventions(CausalKnowledge knowledge, Topology topology) {
    this.knowledge = knowledge;
    this.scoring = knowledge.scoring();
    this.topology = topology;
    this.tolUs = knowledge.clockSkewToleranceSeconds() * 1e6;
  }

  /**
   * Restart and session-kill test: did the incident's errors and latency go on after it? A restart that changed
   * nothing says the component's runtime state was not the cause; killed sessions whose pile-up came back say the
   * long queries were waiting on something, not the cause.
   */
  void persisted(Candidate r, Facts f, long recovered) {
    long after = (recovered - r.onset) / 1_000_000L;
    CausalKnowledge.FalseLead lead = knowledge.falseLead(r.category, r.component, topology);
    boolean kill = r.category.equals("kill_sessions");
    // the recovery belongs to the last intervention before it: when someone else acted after this one, at least a
    // minute later, and the incident ended only after that, it went on until then despite this one
    Facts.Action next = f.actions().stream().filter(x -> x.ts() > r.onset + scoring.killGraceSeconds() * 1_000_000L
        && x.ts() <= recovered + tolUs && !(x.component().equals(r.component) && r.category.equals(x.type())))
        .max(Comparator.comparingLong(Facts.Action::ts)).orElse(null);
    long grace = kill ? scoring.killGraceSeconds() : scoring.restartGraceSeconds();
    String what = kill ? "the sessions killed on " + r.component : "the restart of " + r.component;
    // a restart takes effect within seconds: its own component's fault still there a minute later, gone only after
    // someone else acted, was not fixed by it
    Relapse relapse = kill || !releasedBefore(r, f) ? null : relapsed(r, f);
    OwnFaults own = ownFaults(r, f, scoring.killGraceSeconds());
    if (relapse != null) {
      // neither "it changed nothing" nor a fix: the fault builds up again in the restarted process
      r.relapse = String.format(Locale.ROOT, "the restart of %s at %s helped for a while: %s's %s stopped at %s and came "
          + "back at %s, %s later, so the fault builds up again in the running process (a leak, or state its code keeps) "
          + "rather than being a state a restart clears", r.component, hm(r.onset), relapse.component(),
          Wording.label(category(relapse.signal())), hm(relapse.relievedAt()), hm(relapse.backAt()),
          duration((relapse.backAt() - relapse.relievedAt()) / 1_000_000L));
      r.evidence.add(new Evidence("test:relapse", r.onset, r.relapse, r.action.eventId()));
    } else if (own != null) {
      r.testSaysNotCause = lead != null;
      r.tests += scoring.test("restart_persisted");
      r.testSentence = String.format(Locale.ROOT, "%s at %s changed nothing: %s's %s stayed anomalous for %s after it, until "
          + "%s at %s, and recovered only after that, so %s", what, hm(r.onset), r.component, Wording.label(own.category()),
          duration((own.until().ts() - r.onset) / 1_000_000L), own.until().describe(), hm(own.until().ts()),
          kill ? "the long queries were waiting on the cause, not causing it" : "its runtime state was not the cause");
      r.evidence.add(new Evidence("test:persisted", r.onset, r.testSentence, r.action.eventId()));
    } else if (next != null && after <= grace) {
      // killed sessions free their slots at once: a pile-up that is back a minute later came from elsewhere
      long until = (next.ts() - r.onset) / 1_000_000L;
      r.testSaysNotCause = lead != null;
      r.tests += scoring.test("restart_persisted");
      r.testSentence = String.format(Locale.ROOT, "%s at %s changed nothing: the incident went on for %s after it, until %s "
          + "at %s, and ended only after that", what, hm(r.onset), duration(until), next.describe(), hm(next.ts()));
      r.evidence.add(new Evidence("test:persisted", r.onset, r.testSentence, r.action.eventId()));
    } else if (after > grace) {
      r.testSaysNotCause = lead != null;
      r.tests += scoring.test("restart_persisted");
      r.testSentence = kill
          ? String.format(Locale.ROOT, "the sessions killed on %s at %s changed nothing: the pile-up came back and the incident "
              + "went on for %s after it, so the long queries were waiting on the cause, not causing it", r.component,
              hm(r.onset), duration(after))
          : String.format(Locale.ROOT, "the restart of %s at %s changed nothing: the incident went on for %s after it, "
              + "so its runtime state was not the cause; a persistent setting or something outside it may be", r.component,
              hm(r.onset), duration(after));
      r.evidence.add(new Evidence("test:persisted", r.onset, r.testSentence, r.action.eventId()));
    } else if (r.onset <= recovered && !f.recoverySeen(recovered)
        && f.dataEnd() - r.onset >= scoring.killGraceSeconds() * 1_000_000L) {
      // the logs end (read up to the fix) with the incident still going a minute or more after it: a restart or a kill
      // takes effect within seconds, and whatever it freed is back by then, so it did not end the incident
      r.testSaysNotCause = lead != null;
      r.tests += scoring.test("restart_persisted");
      r.testSentence = String.format(Locale.ROOT, "%s at %s changed nothing: the incident was still going %s after it, "
          + "when the logs end", what, hm(r.onset), duration((f.dataEnd() - r.onset) / 1_000_000L));
      r.evidence.add(new Evidence("test:persisted", r.onset, r.testSentence, r.action.eventId()));
    } else if (r.onset <= recovered && !f.recoverySeen(recovered)) {
      r.evidence.add(new Evidence("test:persisted", r.onset, String.format(Locale.ROOT, "the logs end %s after %s at %s, "
          + "too soon to tell whether it helped", duration(Math.max(0, (f.dataEnd() - r.onset) / 1_000_000L)),
          kill ? "sessions were killed on " + r.component : r.component + " was restarted", hm(r.onset)), r.action.eventId()));
    } else if (r.onset <= recovered) {
      r.testSentence = String.format(Locale.ROOT, "the incident ended %s after %s at %s", duration(Math.max(0, after)),
          kill ? "sessions were killed on " + r.component : r.component + " was restarted", hm(r.onset));
      r.evidence.add(new Evidence("test:persisted", r.onset, r.testSentence, r.action.eventId()));
    }
  }

  /**
   * The first symptom a restart could have answered: the first onset of an anomaly (not an action's own trace),
   * leaving out those that began within the clock tolerance of the restart on the restarted component or on one that
   * calls it, when nothing else explains them: no change to the restarted component or to what it depends on came
   * before the restart (within the lookback). Then they are the restart's own disruption (its callers' requests
   * refused while it starts), and a restart is no reaction to what it did itself; after such a change they may as
   * well be its first effects. The incident's start when it has no such anomaly at all.
   */
  long firstSymptomBefore(Facts.Action restart, Facts f) {
    boolean changedBefore = f.actions().stream().anyMatch(x -> x != restart && !INTERRUPTIONS.contains(
            x.type() == null ? "config_change" : x.type())
        && x.ts() < restart.ts() && x.ts() >= restart.ts() - scoring.lookbackMicros()
        && (x.component().equals(restart.component()) || topology.dependsOn(restart.component(), x.component())));
    long first = Long.MAX_VALUE;
    boolean any = false;
    for (Facts.Anomaly a : f.anomalies()) {
      String category = category(a.signal());
      if (category == null || actionTrace(category)) {
        continue;
      }
      any = true;
      boolean disruption = !changedBefore && Math.abs(a.onset() - restart.ts()) <= tolUs
          && (a.component().equals(restart.component()) || topology.dependsOn(a.component(), restart.component()));
      if (!disruption) {
        first = Math.min(first, a.onset());
      }
    }
    return any ? first : f.start();
  }

  /**
   * Whether the restarted component had a release (a deploy) before the restart, within the lookback: the code a
   * relapse would point at. Without one the relapse test is not asked: a relief that ends may as well be an effect of
   * a setting building up again (a replica's lag, a pile-up), and the restart changed nothing lasting.
   */
  private boolean releasedBefore(Candidate r, Facts f) {
    return f.actions().stream().anyMatch(x -> "deploy".equals(x.type()) && x.component().equals(r.component)
        && x.ts() < r.onset && x.ts() >= r.onset - scoring.lookbackMicros());
  }

  /** A restart's relapse: the impact stopped after it at {@code relievedAt} and came back at {@code backAt}. */
  record Relapse(String component, String signal, long relievedAt, long backAt) {}

  /**
   * Did the incident stop after the restart and come back on its own? Judged on what the clients got: the errors and
   * latency of the edge (the access log's components), or, without an access log, every fault of the restarted
   * component and of those calling it. Every such anomaly under way at the restart ended within
   * {@code restart_grace_seconds} after it, none began or went on meanwhile, and the next began within the incident
   * more than {@code kill_grace_seconds} later. What a restart frees comes back within a minute when the cause persists
   * outside the process (a setting, a dependency: a pile-up on the database may build up again, but the clients keep
   * failing meanwhile); a relief that long, followed by the same trouble, is state building up again inside it (a
   * leak). Null when there is no such relapse.
   */
  Relapse relapsed(Candidate r, Facts f) {
    List<Facts.Anomaly> impact = f.anomalies().stream().filter(a -> topology.kind(a.component()).equals("edge")
        && category(a.signal()) != null && IMPACT.contains(category(a.signal()))).toList();
    if (impact.isEmpty()) {
      impact = f.anomalies().stream().filter(a -> {
        String category = category(a.signal());
        return category != null && !actionTrace(category)
            && (a.component().equals(r.component) || topology.dependsOn(a.component(), r.component));
      }).toList();
    }
    long relieved = Long.MIN_VALUE;
    for (Facts.Anomaly a : impact) {
      if (a.onset() < r.onset && a.end() >= r.onset - tolUs) {
        if (a.end() > r.onset + scoring.restartGraceSeconds() * 1_000_000L) {
          return null; // the trouble went on through the restart
        }
        relieved = Math.max(relieved, a.end());
      }
    }
    if (relieved == Long.MIN_VALUE) {
      return null;
    }
    Facts.Anomaly back = null;
    for (Facts.Anomaly a : impact) {
      if (a.onset() >= r.onset && a.onset() < relieved && a.end() > relieved) {
        return null; // something began at the restart and went on: no relief
      }
      if (a.onset() >= relieved && (back == null || a.onset() < back.onset()
          || a.onset() == back.onset() && a.id().compareTo(back.id()) < 0)) {
        back = a;
      }
    }
    if (back == null || back.onset() - relieved <= scoring.killGraceSeconds() * 1_000_000L || back.onset() > f.end()) {
      return null;
    }
    return new Relapse(back.component(), back.signal(), relieved, back.onset());
  }

  /** A fault of the restarted component that outlived the restart, and the later action it stopped after. */
  record OwnFaults(String category, Facts.Action until) {}

  /**
   * The restarted component's own test: a fault it was logging when it was restarted (not the restart's or a change's
   * own lines) that went on for {@code graceSeconds} after it and stopped only after someone did something else. A
   * replica restarted while its replication connection was failing, that kept failing until the setting was reverted,
   * was not fixed by the restart, whatever the clients saw meanwhile. Null when there is no such fault.
   */
  OwnFaults ownFaults(Candidate r, Facts f, long graceSeconds) {
    long graceUs = graceSeconds * 1_000_000L;
    Facts.Anomaly longest = null;
    for (Facts.Anomaly a : f.anomalies()) {
      String category = category(a.signal());
      if (!a.component().equals(r.component) || category == null || actionTrace(category)
          || a.onset() > r.onset + tolUs || a.end() < r.onset + graceUs) {
        continue;
      }
      if (longest == null || a.end() > longest.end()) {
        longest = a;
      }
    }
    if (longest == null) {
      return null;
    }
    long faultEnd = longest.end();
    Facts.Action until = f.actions().stream().filter(x -> x.ts() > r.onset + graceUs && x.ts() <= faultEnd + tolUs
        && !(x.component().equals(r.component) && r.category.equals(x.type())))
        .max(Comparator.comparingLong(Facts.Action::ts)).orElse(null);
    return until == null ? null : new OwnFaults(category(longest.signal()), until);
  }

  /**
   * When the incident's errors and latency recovered: the last end of its anomalies other than actions' own traces
   * and traffic (a restart's log lines, a spike of requests), else the incident's end.
   */
  long recoveredAt(Facts f) {
    long end = Long.MIN_VALUE;
    long edgeEnd = Long.MIN_VALUE;
    for (Facts.Anomaly a : f.anomalies()) {
      String category = category(a.signal());
      if (category == null || actionTrace(category)) {
        continue;
      }
      end = Math.max(end, a.end());
      if (topology.kind(a.component()).equals("edge") && IMPACT.contains(category)) {
        edgeEnd = Math.max(edgeEnd, a.end());
      }
    }
    // What the clients got decides: once the edge's errors and latency are back, a replica still catching up or a
    // service still logging its reconnects is the aftermath, not the outage
    return edgeEnd != Long.MIN_VALUE ? edgeEnd : end == Long.MIN_VALUE ? f.end() : end;
  }

  /**
   * Restarts that are how a change or revert was rolled out: a restart of the same component within
   * {@code rollout_seconds} of its record, on either side (deploy tools restart the service, then write the record;
   * or write it, then restart). The nearest change wins. Nobody reacts to an incident's symptoms that fast, so such a
   * restart is part of the change (or of the fix), never a "restart it" detour.
   */
  Map<Facts.Action, Facts.Action> rollouts(List<Facts.Action> actions) {
    Map<Facts.Action, Facts.Action> out = new IdentityHashMap<>();
    double window = scoring.rolloutSeconds() * 1e6 + tolUs;
    for (Facts.Action r : actions) {
      if (!"restart".equals(r.type())) {
        continue;
      }
      Facts.Action best = null;
      for (Facts.Action c : actions) {
        String type = c.type() == null ? "config_change" : c.type();
        if (INTERRUPTIONS.contains(type) || !c.component().equals(r.component()) || Math.abs(c.ts() - r.ts()) > window) {
          continue;
        }
        if (best == null || Math.abs(c.ts() - r.ts()) < Math.abs(best.ts() - r.ts())) {
          best = c;
        }
      }
      if (best != null) {
        out.put(r, best);
      }
    }
    return out;
  }

  /**
   * The change a restart (or a kill) puts into effect, or null: a change of the same component shortly before it,
   * when the restart came before the first symptom anywhere (the incident's start is when clients felt it; a pile-up
   * on the database shows earlier, and a restart after it is a reaction) or the parameter takes effect only at a
   * restart.
   */
  Candidate appliedChange(Facts.Action a, String type, List<Candidate> sofar, long firstSymptom) {
    if (!type.equals("restart")) {
      return null;
    }
    Candidate best = null;
    for (Candidate c : sofar) {
      if (c.action == null || INTERRUPTIONS.contains(c.category) || !c.component.equals(a.component())
          || c.action.ts() > a.ts() || a.ts() - c.action.ts() > 2 * scoring.sameActionSeconds() * 1e6) {
        continue;
      }
      CausalKnowledge.Parameter p = knowledge.parameter(c.action.parameter());
      boolean needsRestart = p != null && p.needsRestart(CausalKnowledge.normalise(c.action.parameter()));
      if (needsRestart || a.ts() < firstSymptom - tolUs) {
        if (best == null || c.action.ts() > best.action.ts()) {
          best = c;
        }
      }
    }
    return best;
  }

  /**
   * Revert test: was the change reverted, and did the incident end soon after? A later change of the same setting
   * that no record calls a revert (a server logs only the new value, not that it is the old one) counts only when the
   * incident ended within the restart grace after it: a second wrong value proves nothing against the first.
   */
  void reverted(Candidate c, List<Facts.Action> remediations, Facts f, long recovered) {
    for (Facts.Action r : remediations) {
      boolean reverts = c.action.changeId() != null && c.action.changeId().equals(r.reverts());
      boolean sameParameter = r.component().equals(c.component) && r.ts() > c.onset && r != c.action
          && c.action.parameter() != null && r.parameter() != null
          && CausalKnowledge.normalise(c.action.parameter()).equals(CausalKnowledge.normalise(r.parameter()));
      boolean sameSetting = "revert".equals(r.type()) && sameParameter;
      if (!reverts && !sameSetting && sameParameter && !INTERRUPTIONS.contains(String.valueOf(r.type()))
          && !"deploy".equals(r.type())) {
        long gap = (recovered - r.ts()) / 1_000_000L;
        if (f.recoverySeen(recovered) && gap >= -knowledge.clockSkewToleranceSeconds() && gap <= scoring.restartGraceSeconds()) {
          c.tests += scoring.test("revert_recovered");
          c.recovery = new Evidence("remediation", r.ts(), String.format(Locale.ROOT,
              "%s was changed again at %s (%s) and the incident ended %s later: recovered once the setting changed",
              r.parameter(), hm(r.ts()), r.changeId() == null ? r.text() : r.changeId(), duration(Math.max(0, gap))),
              r.eventId());
          c.evidence.add(c.recovery);
          return;
        }
        continue;
      }
      if (reverts || sameSetting) {
        long gap = (recovered - r.ts()) / 1_000_000L;
        if (!f.recoverySeen(recovered) && gap <= scoring.recoverySeconds()) {
          c.evidence.add(new Evidence("remediation", r.ts(), String.format(Locale.ROOT,
              "reverted at %s (%s); the logs end %s later, too soon to tell whether it recovered", hm(r.ts()),
              r.changeId() == null ? r.text() : r.changeId(), duration(Math.max(0, (f.dataEnd() - r.ts()) / 1_000_000L))),
              r.eventId()));
        } else if (gap >= -knowledge.clockSkewToleranceSeconds() && gap <= scoring.recoverySeconds()) {
          c.tests += scoring.test("revert_recovered");
          c.recovery = new Evidence("remediation", r.ts(), String.format(Locale.ROOT,
              "reverted at %s (%s) and the incident ended %s later: recovered after the revert", hm(r.ts()),
              r.changeId() == null ? r.text() : r.changeId(), duration(Math.max(0, gap))), r.eventId());
          c.evidence.add(c.recovery);
        } else if (gap > scoring.recoverySeconds()) {
          c.tests += scoring.test("revert_failed");
          c.evidence.add(new Evidence("remediation", r.ts(), String.format(Locale.ROOT,
              "reverted at %s (%s) but the incident went on for %s: the revert did not fix it", hm(r.ts()),
              r.changeId() == null ? r.text() : r.changeId(), duration(gap)), r.eventId()));
        }
        return;
      }
    }
    outlivedFix(c, f, recovered);
  }

  /**
   * The setting outlived the fix: the incident ended within the restart grace after its component was restarted,
   * and the change was never undone. A restart reads the same setting again, so what the restart cleared was the
   * server's runtime state (a process down, a leak, stuck sessions), not the setting. Not for a parameter the server
   * applies only at start: there the restart applied it.
   */
  void outlivedFix(Candidate c, Facts f, long recovered) {
    if (INTERRUPTIONS.contains(c.category) || !f.recoverySeen(recovered)) { // an end of the logs is no recovery
      return;
    }
    CausalKnowledge.Parameter p = knowledge.parameter(c.action.parameter());
    if (p != null && p.needsRestart(CausalKnowledge.normalise(c.action.parameter()))) {
      return;
    }
    for (Facts.Action r : f.actions()) {
      long gap = (recovered - r.ts()) / 1_000_000L;
      if ("restart".equals(r.type()) && r.component().equals(c.component) && r.ts() > c.action.ts() + tolUs
          && r.ts() >= f.start() - tolUs && gap >= -knowledge.clockSkewToleranceSeconds() && gap <= scoring.restartGraceSeconds()) {
        c.tests += scoring.test("setting_outlived_fix");
        c.evidence.add(new Evidence("test:outlived", r.ts(), String.format(Locale.ROOT,
            "%s was restarted at %s and the incident ended %s later with %s still in place: the restart cleared the "
                + "server's runtime state, and the setting, read again at the start, was not what failed",
            c.component, hm(r.ts()), duration(Math.max(0, gap)), c.action.changeId() == null ? "the change" : c.action.changeId()),
            r.eventId()));
        return;
      }
    }
  }
}
