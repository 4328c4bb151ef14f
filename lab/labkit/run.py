"""One lab run: start the stack, play the scenario (baseline, fault, the detours a misled on-call takes, the fix,
recovery), write the change feed as it happens, stop everything, and write the corpus: logs, job.yaml, labels.json,
README.md and the client-side truth the labels were computed from.
"""

import gzip
import json
import os
import random
import shutil
import signal
import threading
import time
from datetime import datetime, timezone

from . import stack
from .load import Recorder, Traffic

PREFIXES = ["%m [%p] %q%u@%d ", "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "%m [%p] %q[user=%u,db=%d] "]


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Names:
    """Component, host and actor names drawn from the seed: nothing in logcause may depend on them."""

    def __init__(self, rng):
        pick = rng.choice
        self.web = pick(["web", "edge", "frontend", "gateway", "lb-web"]) + pick(["", "-1", "-a", "-prod"])
        self.app = pick(["orders-api", "shop-svc", "checkout", "store-backend", "commerce-api"])
        base = pick(["db", "pg", "sql", "store-db", "orders-db", "data"])
        self.primary = base + pick(["-primary", "-main", "-rw", "-1", "-a"])
        self.replica = base + pick(["-replica", "-standby", "-ro", "-2", "-b"])
        ip = lambda: f"10.{rng.randint(0, 40)}.{rng.randint(0, 254)}.{rng.randint(2, 250)}"  # noqa: E731
        self.hosts = {"web": pick(["nginx-", "web-", "ip-"]) + str(rng.randint(1, 40)),
                      "app": pick(["app-", "svc-", "k8s-node-"]) + str(rng.randint(1, 40)),
                      "primary": ip().replace(".", "-").join(["ip-", ""]),
                      "replica": ip().replace(".", "-").join(["ip-", ""])}
        self.dba = pick(["dba-jane", "m.okafor", "dba-bot", "s.lindqvist", "ops-automation", "r.tanaka"])
        self.oncall = pick(["oncall-kim", "p.novak", "sre-pager", "a.haddad", "j.silva"])
        self.dev = pick(["ci-deploy", "release-bot", "d.kowalski", "deployer", "l.moreau"])
        self.ghost = pick(["db_replica_new", "standby_dr", "replica_east2", "pg_sync_b"])
        self.clients = sorted({f"198.51.{rng.randint(0, 99)}.{rng.randint(1, 254)}" for _ in range(rng.randint(10, 16))})
        self.lb = f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 9)}"
        self.job = f"10.1.{rng.randint(0, 9)}.{rng.randint(10, 99)}"


# The logs beside the main ones that logcause reads too: (source name, role, format, file, MariaDB only). The
# recorder lists them in job.yaml when a run wrote them; lab/run --respec adds them to corpora recorded before.
EXTRA_LOGS = [("nginx-error", "web", "nginx-error", "error.log.gz", False),
              ("db-primary-slow", "primary", "mysql-slow", "slow.log.gz", True),
              ("db-replica-slow", "replica", "mysql-slow", "slow.log.gz", True)]


def extra_source(name, component, host, fmt, file):
    """One of EXTRA_LOGS as a source of job.yaml."""
    return f"- name: {name}\n  component: {component}\n  host: {host}\n  format: {fmt}\n  path: logs/{host}/{file}\n"


class Run:
    def __init__(self, family, seed, out, port_base=21000, short=False):
        self.family = family
        self.seed = seed
        self.out = os.path.abspath(out)
        self.short = short
        self.rng = random.Random(f"{family.name}-{seed}")
        self.names = Names(self.rng)
        self.engine = family.engine
        self.ports = {"web": port_base, "app": port_base + 1, "primary": port_base + 2, "replica": port_base + 3}
        # one scratch folder per run: the same family and seed on PostgreSQL and on MariaDB may run side by side
        self.work = f"/tmp/logcause-lab-{family.name}-{seed}" + ("" if family.engine == "postgres" else f"-{family.engine}")
        self.changes = []
        self.actions = []  # (time, action, component, note)
        self.events = {}  # named moments of the scenario
        self.samples = []  # (time, connections in use on the primary, limit)
        self.stopping = threading.Event()
        self.counter = self.rng.randint(1000, 8000)
        self.prefix = self.rng.choice(PREFIXES)

    # -- time -----------------------------------------------------------------------------------------------------------
    def dur(self, lo, hi):
        v = self.rng.uniform(lo, hi)
        return v / 4 if self.short else v

    def sleep(self, seconds):
        if self.stopping.wait(seconds):
            raise KeyboardInterrupt

    # -- the change feed ------------------------------------------------------------------------------------------------
    def change(self, kind, target, key=None, before=None, after=None, who=None, note=None):
        """Appends a change record at the moment an action is applied, as a team's audit feed does."""
        self.counter += self.rng.randint(1, 7)
        rec = {"at": iso(time.time()), "change": f"CHG-{self.counter}", "kind": kind, "system": target}
        if key is not None:
            rec.update({"key": key, "before": before, "after": after})
        rec["who"] = who or self.names.oncall
        if note:
            rec["note"] = note
        with open(os.path.join(self.out, "changes", "changes.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.changes.append(rec)
        return rec["change"]

    def act(self, action, component, note=""):
        self.actions.append({"t": time.time(), "action": action, "component": component, "note": note})

    # -- the stack ------------------------------------------------------------------------------------------------------
    def log_dir(self, role):
        return os.path.join(self.work, "logs", self.names.hosts[role])

    def setup(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        os.chmod(self.work, 0o1777)  # the servers run as their own users and write their start-up logs here
        os.makedirs(os.path.join(self.out, "changes"), exist_ok=True)
        open(os.path.join(self.out, "changes", "changes.jsonl"), "w").close()
        self.family.prepare(self)
        if self.engine == "postgres":
            self.primary = stack.Postgres(self.work, "primary", self.ports["primary"], self.log_dir("primary"), self.prefix,
                                          self.family.pg_settings(self), getattr(self, "pg_waldir", None))
            self.primary.init_primary()
            self.primary.start()
            self.schema_pg()
            self.replica = stack.Postgres(self.work, self.names.replica.replace("-", "_"), self.ports["replica"],
                                          self.log_dir("replica"), self.prefix, self.family.pg_settings(self))
            self.replica.init_replica(self.primary)
            self.replica.start()
        else:
            self.primary = stack.MariaDb(self.work, "primary", self.ports["primary"], 1, self.log_dir("primary"))
            self.replica = stack.MariaDb(self.work, "replica", self.ports["replica"], 2, self.log_dir("replica"),
                                         {"read_only": 1, "relay-log": "relay-bin"})
            for db in (self.primary, self.replica):
                db.init()
                db.start()
            self.schema_maria()
        os.makedirs(self.log_dir("app"), exist_ok=True)
        self.app = stack.AppProcess(self.work, {
            "service": self.names.app, "version": "v1.8.2", "engine": self.engine, "http_port": self.ports["app"],
            "db_port": self.ports["primary"], "replica_port": self.ports["replica"], "db_name": "shop",
            "db_user": "app", "pool_size": 8, "pool_overflow": 24, "pool_timeout_ms": 1500,
            "statement_timeout_ms": 3000, "slow_request_ms": 1000,
            "log_path": os.path.join(self.log_dir("app"), "app.jsonl")})
        self.app.start()
        self.nginx = stack.Nginx(self.work, self.ports["web"], self.ports["app"], self.log_dir("web"))
        self.nginx.start()

    def schema_pg(self):
        p = self.primary
        p.sql("CREATE ROLE app LOGIN")
        p.sql("CREATE DATABASE shop OWNER app")
        rows = 300_000 if self.short else (self.family.rows or 2_000_000)
        for s in [
            "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, "
            "amount numeric(10,2) NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now())",
            f"INSERT INTO orders (customer_id, status, amount, note, created_at) SELECT (random()*50000)::int + 1, "
            f"(ARRAY['new','paid','shipped','cancelled'])[1 + (i % 4)], round((random()*490 + 10)::numeric, 2), "
            f"'order ' || i, now() - (i || ' seconds')::interval FROM generate_series(1, {rows}) i",
            "CREATE INDEX orders_customer_idx ON orders (customer_id)",
            "ALTER TABLE orders OWNER TO app",
            "VACUUM ANALYZE orders",
        ]:
            p.sql(s, db="shop")

    def schema_maria(self):
        p, r = self.primary, self.replica
        rows = 200_000 if self.short else (self.family.rows or 1_000_000)
        p.sql("CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY ''")
        p.sql("CREATE USER 'app'@'localhost' IDENTIFIED BY ''")
        p.sql("CREATE DATABASE shop")
        p.sql("GRANT ALL ON shop.* TO 'app'@'127.0.0.1'")
        p.sql("GRANT ALL ON shop.* TO 'app'@'localhost'")
        p.sql("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'")
        p.sql("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'")
        p.sql("CREATE TABLE shop.orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, "
              "status varchar(16) NOT NULL, amount decimal(10,2) NOT NULL, note varchar(64), "
              "created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB")
        done = 0
        while done < rows:
            n = min(100_000, rows - done)
            p.sql(f"INSERT INTO shop.orders (customer_id, status, amount, note) SELECT FLOOR(1 + RAND()*50000), "
                  f"ELT(1 + (seq % 4), 'new','paid','shipped','cancelled'), ROUND(10 + RAND()*490, 2), "
                  f"CONCAT('order ', seq) FROM seq_1_to_{n}", db="shop")
            done += n
        p.sql("CREATE INDEX orders_customer_idx ON shop.orders (customer_id)")
        gtid = p.sql("SELECT @@gtid_binlog_pos")[0][0]
        # the replica starts from a copy: a logical dump would take long; replicate from the current position
        # after loading the same schema and data there is not possible without a dump, so replicate from the start
        r.sql(f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={p.port}, MASTER_USER='repl', "
              f"MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos")
        r.sql("START SLAVE")
        deadline = time.time() + 300
        while time.time() < deadline:
            pos = r.sql("SELECT @@gtid_slave_pos")[0][0]
            if pos == gtid:
                break
            time.sleep(1)

    def poll_connections(self):
        while not self.stopping.wait(2):
            try:
                if self.engine == "postgres":
                    n, limit = self.primary.sql("SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                                                "'client backend'), current_setting('max_connections')::int - "
                                                "current_setting('superuser_reserved_connections')::int")[0]
                else:
                    n, limit = self.primary.sql("SELECT (SELECT count(*) FROM information_schema.processlist "
                                                "WHERE user = 'app'), @@max_connections")[0]
                self.samples.append((time.time(), int(n), int(limit)))
            except Exception as e:  # noqa: BLE001 - a failed probe is a sample too: the server refused us
                self.samples.append((time.time(), None, str(e)[:80]))

    def teardown(self):
        for name, fn in [("traffic", lambda: self.traffic.halt() if hasattr(self, "traffic") else None),
                         ("nginx", lambda: self.nginx.stop() if hasattr(self, "nginx") else None),
                         ("app", lambda: self.app.stop() if hasattr(self, "app") else None),
                         ("replica", lambda: self.replica.stop() if hasattr(self, "replica") else None),
                         ("primary", lambda: self.primary.stop() if hasattr(self, "primary") else None),
                         ("mounts", lambda: self.family.cleanup(self))]:
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - clean-up goes on whatever one step says
                print(f"lab: clean-up of {name}: {e}")

    # -- the run --------------------------------------------------------------------------------------------------------
    def play(self):
        os.makedirs(self.out, exist_ok=True)
        interrupted = []

        def on_signal(signum, frame):
            interrupted.append(signum)
            self.stopping.set()

        old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.setup()
            self.recorder = Recorder(os.path.join(self.work, "client.jsonl"))
            self.traffic = Traffic(self.ports["web"], self.recorder, self.rng, self.names.clients,
                                   base_rate=self.family.base_rate or self.rng.uniform(6, 10))
            self.traffic.start(self.names.lb, self.names.job)
            threading.Thread(target=self.poll_connections, daemon=True).start()
            self.events["traffic_start"] = time.time()
            self.family.script(self)
            self.events["end"] = time.time()
        finally:
            self.teardown()
            for s, h in old.items():
                signal.signal(s, h)
        if interrupted:
            raise KeyboardInterrupt
        self.write_corpus()

    # -- the corpus -----------------------------------------------------------------------------------------------------
    def write_corpus(self):
        from . import labels
        logs = os.path.join(self.out, "logs")
        shutil.rmtree(logs, ignore_errors=True)
        for role in ("web", "app", "primary", "replica"):
            src = self.log_dir(role)
            dst = os.path.join(logs, self.names.hosts[role])
            os.makedirs(dst, exist_ok=True)
            for name in sorted(os.listdir(src)) if os.path.isdir(src) else []:
                if name.endswith((".pid", ".sock")) or os.path.getsize(os.path.join(src, name)) == 0:
                    continue
                with open(os.path.join(src, name), "rb") as f, gzip.open(os.path.join(dst, name + ".gz"), "wb", 9) as g:
                    shutil.copyfileobj(f, g)
        client = labels.load_client(os.path.join(self.work, "client.jsonl"))
        lab = labels.compute(self, client)
        with open(os.path.join(self.out, "labels.json"), "w") as f:
            json.dump(lab, f, indent=2)
            f.write("\n")
        os.makedirs(os.path.join(self.out, "truth"), exist_ok=True)
        labels.write_truth(self, client, os.path.join(self.out, "truth", "client-10s.tsv"))
        with open(os.path.join(self.out, "job.yaml"), "w") as f:
            f.write(self.job_yaml())
        with open(os.path.join(self.out, "README.md"), "w") as f:
            f.write(labels.readme(self, lab))
        shutil.rmtree(self.work, ignore_errors=True)

    def extra_sources(self):
        """The logs beside the main ones that logcause reads too (nginx's error log, MariaDB's slow logs), when the run
        wrote any: what a DBA's spec would list."""
        components = {"web": self.names.web, "primary": self.names.primary, "replica": self.names.replica}
        return "".join(extra_source(name, components[role], self.names.hosts[role], fmt, file)
                       for name, role, fmt, file, mariadb_only in EXTRA_LOGS
                       if (self.engine != "postgres" or not mariadb_only)
                       and os.path.exists(os.path.join(self.out, "logs", self.names.hosts[role], file)))

    def job_yaml(self):
        n, h = self.names, self.names.hosts
        db_format = "postgres" if self.engine == "postgres" else "mysql-error"
        db_file = "postgresql.log.gz" if self.engine == "postgres" else "error.log.gz"
        db_opts = f"\n  options:\n    log_line_prefix: \"{self.prefix}\"" if self.engine == "postgres" else ""
        return f"""# Written by the incident lab: lab/run --scenario {self.family.name} --seed {self.seed}
job: lab-{self.family.name}-{self.seed}
output: out
topology:
  {n.web}:
  - {n.app}
  {n.app}:
  - {n.primary}
  - {n.replica}
  {n.primary}:
  - {n.replica}
sources:
- name: nginx
  component: {n.web}
  host: {h['web']}
  format: access
  path: logs/{h['web']}/access.log.gz
- name: app
  component: {n.app}
  host: {h['app']}
  format: json
  path: logs/{h['app']}/app.jsonl.gz
  options:
    time_field: ts
    level_field: lvl
    message_field: text
- name: db-primary
  component: {n.primary}
  host: {h['primary']}
  format: {db_format}
  path: logs/{h['primary']}/{db_file}{db_opts}
- name: db-replica
  component: {n.replica}
  host: {h['replica']}
  format: {db_format}
  path: logs/{h['replica']}/{db_file}{db_opts}
{self.extra_sources()}- name: changes
  component: changes
  format: changes
  path: changes/changes.jsonl
  options:
    time_field: at
    id_field: change
    type_field: kind
    target_field: system
    parameter_field: key
    old_field: before
    new_field: after
    actor_field: who
    message_field: note
"""
