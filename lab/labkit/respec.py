"""lab/run --respec DIR: bring the job.yaml and README.md of corpora recorded earlier up to what the recorder writes
now, without recording again: the logs beside the main ones that logcause reads (nginx's error log, MariaDB's slow
logs) become sources of the spec. Logs, change feed and labels are left as they are."""

import os

import yaml

from .labels import reads
from .run import EXTRA_LOGS, extra_source

README_BEFORE = ("`job.yaml` reads the access log, the application's JSON log, both database logs and the change feed. ")


# the main source of a job.yaml whose component and host each role's extra logs share
MAIN_SOURCE = {"web": "nginx", "primary": "db-primary", "replica": "db-replica"}


def extra(spec, corpus):
    """The sources of EXTRA_LOGS the recorder lists now for this corpus's files, in its order, as job.yaml text;
    and whether the corpus is a MariaDB one."""
    by_name = {s["name"]: s for s in spec["sources"]}
    mariadb = by_name["db-primary"]["format"] != "postgres"
    out = []
    for name, role, fmt, file, mariadb_only in EXTRA_LOGS:
        beside = by_name[MAIN_SOURCE[role]]
        if name not in by_name and (mariadb or not mariadb_only) \
                and os.path.exists(os.path.join(corpus, "logs", beside["host"], file)):
            out.append(extra_source(name, beside["component"], beside["host"], fmt, file))
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
        block = "".join(add)
        at = text.index("- name: changes\n")
        with open(job, "w") as f:
            f.write(text[:at] + block + text[at:])
        readme = os.path.join(corpus, "README.md")
        if os.path.isfile(readme):
            r = open(readme).read().splitlines(keepends=True)
            for i, line in enumerate(r):
                if line.startswith(README_BEFORE):
                    r[i] = reads(mariadb) + "\n"
            with open(readme, "w") as f:
                f.write("".join(r))
        done.append(name)
    return done
