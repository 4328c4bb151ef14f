"""Labels from what happened, not from what the logs say.

The incident window comes from what the known clients got (10-second buckets of their requests: error share and
latency against the baseline minutes); the root cause from the fault the scenario injected; the misleading leads
from the detours that really happened and what they did (the incident outlived a restart; retries really added to
the traffic; the primary's connections really ran out); remediations and their effect from the client-side record
around each action. Nothing here reads a log line.
"""

import json
import statistics

BUCKET = 10


def load_client(path):
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def failed(r):
    if r["status"] is None:
        return True
    if r["status"] >= 500:
        return True
    # a known client asking for its own order and told it does not exist: a stale read, a failure for that user
    return r["status"] == 404 and r["kind"] == "get"


def buckets(client, start, end):
    """Per 10-second bucket of the known clients' requests: (start, requests, failures, retries, p95 ms)."""
    by = {}
    for r in client:
        if r["group"] != "known" or not (start <= r["t"] < end):
            continue
        b = int(r["t"] // BUCKET) * BUCKET
        by.setdefault(b, []).append(r)
    rows = []
    for b in range(int(start // BUCKET) * BUCKET, int(end // BUCKET) * BUCKET + BUCKET, BUCKET):
        rs = by.get(b, [])
        ms = sorted(x["ms"] for x in rs)
        p95 = ms[int(0.95 * (len(ms) - 1))] if ms else 0
        rows.append((b, len(rs), sum(1 for x in rs if failed(x)), sum(1 for x in rs if x["retry"]), p95))
    return rows


def compute(run, client):
    from .run import iso
    ev = run.events
    start, end = ev["traffic_start"], ev["end"]
    rows = buckets(client, start, end)
    fault = ev.get("fault")
    base = [r for r in rows if r[0] + BUCKET <= (fault or ev.get("baseline_end", start + 180)) and r[0] >= start + 20]
    base_err = sum(r[2] for r in base) / max(1, sum(r[1] for r in base))
    base_p95 = statistics.median([r[4] for r in base if r[1]]) if base else 200
    base_rate = statistics.mean([r[1] - r[3] for r in base]) if base else 1

    def bad(r):
        if r[1] == 0:
            return False
        return r[2] / r[1] >= max(0.05, 3 * base_err) or r[4] >= max(2.5 * base_p95, base_p95 + 700)

    incident = None
    if fault is not None:
        after = [r for r in rows if r[0] + BUCKET > fault]
        first = next((i for i, r in enumerate(after) if bad(r) and i + 2 < len(after)
                      and sum(bad(x) for x in after[i:i + 3]) >= 2), None)
        if first is not None:
            last = max(i for i, r in enumerate(after) if bad(r))
            incident = {"start": iso(max(after[first][0], fault)), "end": iso(after[last][0] + BUCKET)}
            inc_from, inc_to = after[first][0], after[last][0] + BUCKET
    rc = None
    if incident is not None or run.family.root_cause_without_incident:
        rc = run.family.root_cause(run)
    misleading, remediation = [], []
    if incident is not None:
        # Retries adding to the traffic at its peak: the "it is an attack" lead, when they add 30% or more.
        window = [r for r in rows if inc_from <= r[0] < inc_to]
        minute = {}
        for r in window:
            m = int(r[0] // 60)
            total, retries = minute.get(m, (0, 0))
            minute[m] = (total + r[1], retries + r[3])
        if minute:
            peak = max(minute.values())
            per_min = base_rate * 6
            if peak[1] >= 0.3 * per_min and peak[0] >= 1.3 * per_min:
                misleading.append({"category": "traffic_spike", "component": run.names.web, "time": incident["start"],
                                   "why": f"{peak[1]} retries of failed requests in the peak minute (baseline {per_min:.0f} "
                                          f"requests a minute): the same clients retrying, not an attack"})
        # The primary's connections really ran out: the "database is overloaded" lead.
        full = [t for t, n, limit in run.samples if n is not None and isinstance(limit, int) and n >= limit - 1
                and inc_from <= t <= inc_to]
        refused = [t for t, n, limit in run.samples if n is None and "too many" in str(limit).lower()
                   and inc_from <= t <= inc_to]
        if full or refused:
            t = min(full + refused)
            misleading.append({"category": "connection_saturation", "component": run.names.primary, "time": iso(t),
                               "why": "its connections ran out while requests waited on the real cause: "
                                      "not overloaded on its own"})
    for a in run.actions:
        effect = effect_of(a, rows, bad, incident)
        remediation.append({"action": a["action"], "component": a["component"], "time": iso(a["t"]), "effect": effect})
        if incident is None or a.get("fix"):
            continue
        if a["action"].startswith("restart") and effect.startswith("no effect"):
            misleading.append({"category": "restart", "component": a["component"], "time": iso(a["t"]),
                               "why": f"the incident went on after the restart ({effect}): the restarted process's "
                                      "state was not the cause"})
        if a["action"].startswith("kill sessions") and effect.startswith(("no effect", "came back")):
            misleading.append({"category": "kill_sessions", "component": a["component"], "time": iso(a["t"]),
                               "why": f"the pile-up came back after the sessions were killed ({effect})"})
    return {
        "scenario": f"{run.family.name}-{run.seed}",
        "family": run.family.name,
        "seed": run.seed,
        "flavour": run.engine if run.engine == "postgres" else "mysql",
        "incident": incident,
        "root_cause": rc,
        "misleading": misleading,
        "remediation": remediation,
        "components": {"web": run.names.web, "app": run.names.app, "db_primary": run.names.primary,
                       "db_replica": run.names.replica},
        "clock_skew_seconds": {},
        "corrupted_lines": [],
    }


def effect_of(action, rows, bad, incident):
    t = action["t"]
    if incident is None:
        return "no incident"
    after = [r for r in rows if r[0] >= t + BUCKET]
    if action.get("fix"):
        good_from = next((r[0] for i, r in enumerate(after) if not any(bad(x) for x in after[i:i + 6])), None)
        return "recovered" if good_from is not None and good_from - t <= 300 else "no effect"
    soon = after[:6]
    later = after[6:18]
    if soon and not any(bad(r) for r in soon[1:]) and any(bad(r) for r in later):
        first_bad = next(r[0] for r in later if bad(r))
        return f"came back within {int(first_bad - t)} s"
    if any(bad(r) for r in after[:12]):
        return "no effect: the incident went on"
    return "recovered"


def write_truth(run, client, path):
    rows = buckets(client, run.events["traffic_start"], run.events["end"])
    from .run import iso
    with open(path, "w") as f:
        f.write("bucket_start\trequests\tfailed\tretries\tp95_ms\n")
        for b, n, fail, retries, p95 in rows:
            f.write(f"{iso(b)}\t{n}\t{fail}\t{retries}\t{p95}\n")


def readme(run, lab):
    from .run import iso
    lines = [f"# Lab corpus `{run.family.name}-{run.seed}`", "",
             f"Recorded by `lab/run --scenario {run.family.name} --seed {run.seed}` on real servers "
             f"({'PostgreSQL 15 primary and streaming replica' if run.engine == 'postgres' else 'MariaDB 10.11 primary and replica'}, "
             "nginx, the lab's application service, a load generator). Labels come from what the clients got and what "
             "the scenario did, not from the logs.", "", f"**What happened.** {run.family.story(run)}", ""]
    inc = lab["incident"]
    lines.append(f"- incident (client-side): {inc['start']} – {inc['end']}" if inc else "- incident: none")
    rc = lab["root_cause"]
    lines.append(f"- root cause: {rc['category']} on {rc['component']}" + (f" (change {rc['change_id']})" if rc.get('change_id') else "")
                 + f" at {rc['onset']}: {rc['description']}" if rc else "- root cause: none")
    lines.append("- misleading leads: " + (", ".join(f"{m['category']} on {m['component']}" for m in lab["misleading"]) or "none"))
    lines.append("- actions: " + ("; ".join(f"{r['time'][11:19]} {r['action']} ({r['effect']})" for r in lab["remediation"]) or "none"))
    lines.append("")
    lines.append("| file | lines | bytes (gzip) |")
    lines.append("|---|---:|---:|")
    import gzip
    import os
    for root, _, files in sorted(os.walk(os.path.join(run.out, "logs"))):
        for name in sorted(files):
            p = os.path.join(root, name)
            with gzip.open(p, "rb") as g:
                n = sum(1 for _ in g)
            lines.append(f"| `{os.path.relpath(p, run.out)}` | {n:,} | {os.path.getsize(p):,} |")
    p = os.path.join(run.out, "changes", "changes.jsonl")
    lines.append(f"| `changes/changes.jsonl` | {sum(1 for _ in open(p)):,} | {os.path.getsize(p):,} |")
    lines.append("")
    lines.append(reads(run.engine != "postgres"))
    lines.append("`truth/client-10s.tsv` is what the known clients got, per 10 seconds: the labels' source.")
    return "\n".join(lines) + "\n"


def reads(mariadb):
    """The README's sentence on what job.yaml reads."""
    return ("`job.yaml` reads the access log and nginx's error log, the application's JSON log, both database logs "
            + ("and their slow logs, " if mariadb else "") + "and the change feed.")
