"""lab/run --respec DIR: bring the job.yaml and README.md of corpora recorded earlier up to what the recorder writes
now, without recording again: the logs beside the main ones that logcause reads (nginx's error log, MariaDB's slow
logs) become sources of the spec. Logs, change feed and labels are left as they are."""

import os

import yaml

README_BEFORE = ("`job.yaml` reads the access log, the application's JSON log, both database logs and the change feed. ")
README_NOW = "`job.yaml` reads the access log and nginx's error log, the application's JSON log, both database logs {}and the change feed."


def extra(spec, corpus):
    """The sources the recorder adds now for this corpus's files, in its order, as (name, component, host, format, path)."""
    by_name = {s["name"]: s for s in spec["sources"]}
    mariadb = by_name["db-primary"]["format"] != "postgres"
    wanted = [("nginx-error", by_name["nginx"], "nginx-error", "error.log.gz")]
    if mariadb:
        wanted += [("db-primary-slow", by_name["db-primary"], "mysql-slow", "slow.log.gz"),
                   ("db-replica-slow", by_name["db-replica"], "mysql-slow", "slow.log.gz")]
    out = []
    for name, beside, fmt, file in wanted:
        path = f"logs/{beside['host']}/{file}"
        if name not in by_name and os.path.exists(os.path.join(corpus, path)):
            out.append((name, beside["component"], beside["host"], fmt, path))
    return out, mariadb


def respec(folder):
    done = []
    for name in sorted(os.listdir(folder)):
        corpus = os.path.join(folder, name)
        job = os.path.join(corpus, "job.yaml")
        if not os.path.isfile(job):
            continue
        text = open(job).read()
        spec = yaml.safe_load(text)
        add, mariadb = extra(spec, corpus)
        if not add:
            continue
        block = "".join(f"- name: {n}\n  component: {c}\n  host: {h}\n  format: {f}\n  path: {p}\n" for n, c, h, f, p in add)
        at = text.index("- name: changes\n")
        with open(job, "w") as f:
            f.write(text[:at] + block + text[at:])
        readme = os.path.join(corpus, "README.md")
        if os.path.isfile(readme):
            r = open(readme).read().splitlines(keepends=True)
            for i, line in enumerate(r):
                if line.startswith(README_BEFORE):
                    r[i] = README_NOW.format("and their slow logs, " if mariadb else "") + "\n"
            with open(readme, "w") as f:
                f.write("".join(r))
        done.append(name)
    return done
