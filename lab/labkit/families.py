"""The fault families of the lab: each a real mechanism on real servers, the detours a misled on-call takes, the fix.

Every family plays the same shape: at least 3 minutes of baseline (sometimes with a harmless change seconds or
minutes before the fault), the fault, one to three detours drawn by the seed (a restart that does not help, killing
sessions, an unrelated change, a restart of the application), the fix, and at least 2 minutes of recovery.
"""

import os
import signal
import threading
import time

from . import stack


class Family:
    name = ""
    engines = ("postgres",)
    detours = ("restart_primary", "kill_sessions", "unrelated_change")
    root_cause_without_incident = False
    base_rate = None  # requests per second of the known clients; None: the run's default
    rows = None

    def __init__(self, engine="postgres"):
        self.engine = engine

    # hooks ------------------------------------------------------------------------------------------------------------
    def prepare(self, run):
        pass

    def pg_settings(self, run):
        return {"statement_timeout": "'3s'"}

    def cleanup(self, run):
        pass

    def fault(self, run):
        raise NotImplementedError

    def fix(self, run):
        raise NotImplementedError

    def root_cause(self, run):
        raise NotImplementedError

    def story(self, run):
        return " ".join(self.__doc__.split())

    # the shape of every run ---------------------------------------------------------------------------------------------
    def script(self, run):
        baseline = run.dur(190, 230)
        harmless = run.rng.random() < 0.6
        lead = run.rng.choice([run.rng.uniform(4, 25), run.rng.uniform(70, 170)]) if harmless else 0
        if run.short:
            lead = min(lead, baseline / 2)
        run.sleep(baseline - lead)
        if harmless:
            harmless_change(run)
            run.sleep(lead)
        run.events["baseline_end"] = time.time()
        self.fault(run)
        run.events.setdefault("fault", time.time())
        steps = [d for d in self.detours if d in ALL_DETOURS]
        run.rng.shuffle(steps)
        steps = steps[:run.rng.randint(1, min(3, len(steps)))] if steps else []
        run.sleep(run.dur(50, 80))
        for d in steps:
            ALL_DETOURS[d](run)
            run.sleep(run.dur(55, 80))
        run.sleep(run.dur(10, 40))
        self.fix(run)
        run.actions[-1]["fix"] = True
        run.sleep(run.dur(140, 170))

    def rc(self, run, component, category, description, change_id=None, onset=None):
        from .run import iso
        return {"component": component, "category": category,
                "onset": iso(onset if onset is not None else run.events["fault"]),
                "change_id": change_id, "description": description}


# ---- the detours a misled on-call takes ------------------------------------------------------------------------------

def restart_primary(run):
    run.change("restart", run.names.primary, who=run.names.oncall, note="restart the database to clear the stuck connections")
    run.act("restart db primary", run.names.primary)
    try:
        run.primary.restart()
    except Exception as e:  # noqa: BLE001 - a restart that fails is a detour too
        print(f"lab: restart of the primary: {e}")


def restart_replica(run):
    run.change("restart", run.names.replica, who=run.names.oncall, note="restart the replica")
    run.act("restart db replica", run.names.replica)
    run.replica.restart()


def restart_app(run):
    run.change("restart", run.names.app, who=run.names.oncall, note="rolling restart of the service")
    run.act("restart app", run.names.app)
    run.app.restart()


def kill_sessions(run):
    if run.engine == "postgres":
        n = run.primary.sql(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'app'")[0][0]
    else:
        ids = run.primary.sql("SELECT id FROM information_schema.processlist WHERE user = 'app'") or []
        n = 0
        for (pid,) in ids:
            try:
                run.primary.sql(f"KILL {pid}")
                n += 1
            except Exception:  # noqa: BLE001 - gone already
                pass
    run.change("kill-sessions", run.names.primary, who=run.names.oncall,
               note=f"terminated {n} application sessions (long-running queries)")
    run.act("kill sessions", run.names.primary, f"{n} sessions")


def unrelated_change(run):
    if run.engine == "postgres":
        key, before, after = run.rng.choice([("log_min_duration_statement", "500ms", "250ms"),
                                             ("checkpoint_completion_target", "0.9", "0.8"),
                                             ("autovacuum_vacuum_cost_limit", "-1", "400")])
        run.primary.sql(f"ALTER SYSTEM SET {key} = '{after}'")
        run.primary.sql("SELECT pg_reload_conf()")
    else:
        key, before, after = "long_query_time", "0.5", "0.3"
        run.primary.sql(f"SET GLOBAL {key} = {after}")
    run.change("config", run.names.primary, key, before, after, who=run.names.oncall, note="more logging while we look")
    run.act("unrelated change", run.names.primary)


ALL_DETOURS = {"restart_primary": restart_primary, "restart_replica": restart_replica, "restart_app": restart_app,
               "kill_sessions": kill_sessions, "unrelated_change": unrelated_change}


def harmless_change(run):
    """A change that really happens and really does nothing to the service: the decoy before the fault."""
    choice = run.rng.choice(["db", "db", "app"]) if run.engine == "postgres" else "app"
    if choice == "db":
        key, before, after = run.rng.choice([("work_mem", "4MB", "16MB"), ("maintenance_work_mem", "64MB", "128MB"),
                                             ("effective_cache_size", "4GB", "6GB"), ("random_page_cost", "4", "1.1")])
        run.primary.sql(f"ALTER SYSTEM SET {key} = '{after}'")
        run.primary.sql("SELECT pg_reload_conf()")
        run.change("config", run.names.primary, key, before, after, who=run.names.dba, note="tuning from last week's review")
    else:
        run.change("config", run.names.app, "feature.recommendations", "off", "on", who=run.names.dev,
                   note="enable recommendations for 5% of users")
    run.events["harmless"] = time.time()


# ---- the families --------------------------------------------------------------------------------------------------

class SyncStandby(Family):
    """A replication setting names a standby that does not exist: every commit waits, connections pile up, the
    application times out; restarting the database changes nothing (the setting is persisted); reverting it fixes it."""
    name = "sync-standby"
    engines = ("postgres", "mariadb")

    def fault(self, run):
        if run.engine == "postgres":
            value = f"FIRST 1 ({run.names.ghost})"
            run.primary.sql(f"ALTER SYSTEM SET synchronous_standby_names = '{value}'")
            run.primary.sql("SELECT pg_reload_conf()")
            self.change = run.change("config", run.names.primary, "synchronous_standby_names", "", value,
                                     who=run.names.dba, note="require the new DR standby to confirm every commit")
        else:
            run.primary.sql("SET GLOBAL rpl_semi_sync_master_timeout = 600000")
            run.primary.sql("SET GLOBAL rpl_semi_sync_master_enabled = ON")
            persist(run, {"rpl_semi_sync_master_enabled": "ON", "rpl_semi_sync_master_timeout": 600000})
            self.change = run.change("config", run.names.primary, "rpl_semi_sync_master_enabled", "OFF", "ON",
                                     who=run.names.dba, note="semi-synchronous replication for durability")
        run.events["fault"] = time.time()

    def fix(self, run):
        if run.engine == "postgres":
            run.primary.sql("ALTER SYSTEM RESET synchronous_standby_names")
            run.primary.sql("SELECT pg_reload_conf()")
            run.change("revert", run.names.primary, "synchronous_standby_names", f"FIRST 1 ({run.names.ghost})", "",
                       who=run.names.dba, note=f"revert {self.change}")
        else:
            run.primary.sql("SET GLOBAL rpl_semi_sync_master_enabled = OFF")
            persist(run, {"rpl_semi_sync_master_enabled": "OFF"})
            run.change("revert", run.names.primary, "rpl_semi_sync_master_enabled", "ON", "OFF", who=run.names.dba,
                       note=f"revert {self.change}")
        run.act(f"revert {self.change}", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "config_change",
                       "commits wait for a synchronous standby that does not exist", self.change)


class MaxConnections(Family):
    """max_connections lowered by a change: clients are refused (too many clients); the load is normal."""
    name = "max-connections"
    engines = ("postgres", "mariadb")
    detours = ("restart_primary", "kill_sessions", "restart_app", "unrelated_change")
    base_rate = 20  # the limit must bite: a busier service needs more than the few connections left

    def fault(self, run):
        if run.engine == "postgres":
            run.primary.sql("ALTER SYSTEM SET max_connections = 4")
            self.change = run.change("config", run.names.primary, "max_connections", "30", "4", who=run.names.dba,
                                     note="cap connections to save memory (needs a restart)")
            run.events["fault"] = time.time()
            run.sleep(run.rng.uniform(3, 12))
            run.change("restart", run.names.primary, who=run.names.dba, note=f"restart to apply {self.change}")
            run.primary.restart()
        else:
            run.primary.sql("SET GLOBAL max_connections = 3")
            persist(run, {"max_connections": 3})
            self.change = run.change("config", run.names.primary, "max_connections", "30", "3", who=run.names.dba,
                                     note="cap connections to save memory")
            run.events["fault"] = time.time()

    def fix(self, run):
        if run.engine == "postgres":
            run.primary.sql("ALTER SYSTEM RESET max_connections")
            run.change("revert", run.names.primary, "max_connections", "4", "30", who=run.names.dba, note=f"revert {self.change}")
            run.primary.restart()
        else:
            run.primary.sql("SET GLOBAL max_connections = 30")
            persist(run, {"max_connections": 30})
            run.change("revert", run.names.primary, "max_connections", "3", "30", who=run.names.dba, note=f"revert {self.change}")
        run.act(f"revert {self.change}", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "config_change", "max_connections lowered below what the service needs",
                       self.change)


class MigrationLock(Family):
    """A schema migration holds an exclusive lock on the orders table while it backfills: every query on it waits,
    lock waits and timeouts pile up; killing the application's sessions and restarting it do not help; aborting the
    migration does."""
    name = "migration-lock"
    detours = ("kill_sessions", "restart_app", "unrelated_change")

    def fault(self, run):
        self.session = run.primary.open_session("shop")
        self.pid = self.session.get_backend_pid()
        self.change = run.change("deploy", run.names.primary, "schema_version", "41", "42", who=run.names.dev,
                                 note="migration 0042: add column orders.channel and backfill it")
        run.events["fault"] = time.time()
        self.thread = threading.Thread(target=self.backfill, daemon=True)
        self.thread.start()

    def backfill(self):
        try:
            with self.session.cursor() as cur:
                cur.execute("SET statement_timeout = 0")
                cur.execute("ALTER TABLE orders ADD COLUMN channel text")
                start = 1
                while True:
                    cur.execute("UPDATE orders SET channel = 'web' WHERE id BETWEEN %s AND %s", (start, start + 2000))
                    start += 2001
                    time.sleep(0.5)
        except Exception:  # noqa: BLE001 - the migration ends when its session is terminated
            pass

    def fix(self, run):
        run.primary.sql(f"SELECT pg_terminate_backend({self.pid})")
        run.change("rollback", run.names.primary, "schema_version", "42", "41", who=run.names.dba,
                   note=f"abort migration 0042 ({self.change}): terminated its session, the transaction rolled back")
        run.act(f"revert {self.change}", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "deploy", "a migration held an exclusive lock on the table every query "
                       "reads, for minutes", self.change)


class DroppedIndex(Family):
    """A schema deploy drops an index a frequent query needs: slow sequential scans, the pool runs dry, timeouts."""
    name = "dropped-index"
    engines = ("postgres", "mariadb")
    detours = ("restart_primary", "restart_app", "unrelated_change")
    rows = 3_000_000

    def fault(self, run):
        if run.engine == "postgres":
            run.primary.sql("DROP INDEX orders_customer_idx", db="shop")
        else:
            run.primary.sql("DROP INDEX orders_customer_idx ON shop.orders")
        self.change = run.change("deploy", run.names.primary, "schema_version", "57", "58", who=run.names.dev,
                                 note="migration 0058: drop unused index orders_customer_idx")
        run.events["fault"] = time.time()

    def fix(self, run):
        if run.engine == "postgres":
            run.primary.sql("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)", db="shop")
        else:
            run.primary.sql("CREATE INDEX orders_customer_idx ON shop.orders (customer_id)")
        run.change("rollback", run.names.primary, "schema_version", "58", "57", who=run.names.dba,
                   note=f"recreate orders_customer_idx (undo {self.change})")
        run.act(f"revert {self.change}", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "deploy", "a dropped index turned a frequent query into full scans",
                       self.change)


class StatementTimeout(Family):
    """The statement timeout is set far too low by a change: ordinary queries are cancelled."""
    name = "statement-timeout"
    engines = ("postgres", "mariadb")

    def fault(self, run):
        if run.engine == "postgres":
            run.primary.sql("ALTER SYSTEM SET statement_timeout = '40ms'")
            run.primary.sql("SELECT pg_reload_conf()")
            self.change = run.change("config", run.names.primary, "statement_timeout", "3s", "40ms",
                                     who=run.names.dba, note="stop runaway queries")
        else:
            run.primary.sql("SET GLOBAL max_statement_time = 0.04")
            persist(run, {"max_statement_time": 0.04})
            self.change = run.change("config", run.names.primary, "max_statement_time", "0", "0.04",
                                     who=run.names.dba, note="stop runaway queries")
        run.events["fault"] = time.time()

    def fix(self, run):
        if run.engine == "postgres":
            run.primary.sql("ALTER SYSTEM RESET statement_timeout")
            run.primary.sql("SELECT pg_reload_conf()")
            run.change("revert", run.names.primary, "statement_timeout", "40ms", "3s", who=run.names.dba,
                       note=f"revert {self.change}")
        else:
            run.primary.sql("SET GLOBAL max_statement_time = 0")
            persist(run, {"max_statement_time": 0})
            run.change("revert", run.names.primary, "max_statement_time", "0.04", "0", who=run.names.dba,
                       note=f"revert {self.change}")
        run.act(f"revert {self.change}", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "config_change", "a statement timeout far below what queries need",
                       self.change)


class DiskFull(Family):
    """A bulk import writes WAL faster than the archive volume can hold it: archiving fails, WAL piles up on its small
    volume until it is full and the primary panics; restarting it does not help while the disk is full; freeing the
    archive volume does."""
    name = "disk-full"
    detours = ("restart_app", "restart_primary")

    def prepare(self, run):
        self.wal = os.path.join(run.work, "walvol")
        self.archive = os.path.join(run.work, "archivevol")
        stack.mount_tmpfs(self.wal, 160)
        stack.mount_tmpfs(self.archive, 48)
        import shutil
        shutil.chown(self.wal, "postgres", "postgres")
        shutil.chown(self.archive, "postgres", "postgres")
        os.chmod(self.wal, 0o700)
        run.pg_waldir = os.path.join(self.wal, "pg_wal")

    def pg_settings(self, run):
        s = super().pg_settings(run)
        # Archiving is armed when the import starts: the schema and the seed data loaded before must not fill the
        # archive volume already (until then a segment is "archived" by discarding it).
        self.armed = os.path.join(run.work, "archive-armed")
        s.update({"archive_mode": "on", "archive_command": f"'test ! -e {self.armed} || cp %p {self.archive}/%f'",
                  "max_wal_size": "'96MB'",
                  "min_wal_size": "'32MB'", "wal_keep_size": "'16MB'"})
        return s

    def cleanup(self, run):
        stack.umount(self.wal)
        stack.umount(self.archive)

    def fault(self, run):
        # The WAL lives on its own small volume (initdb -X), the archive on another; the import starts.
        open(self.armed, "w").close()
        run.events["fault"] = time.time()
        self.stop = threading.Event()
        self.filled = None
        threading.Thread(target=self.import_job, args=(run,), daemon=True).start()
        threading.Thread(target=self.watch, daemon=True).start()
        run.sleep(run.dur(60, 90))

    def watch(self):
        while not self.stop.wait(1):
            if self.filled is None and free_mb(self.archive) < 1:
                self.filled = time.time()

    def import_job(self, run):
        import psycopg2
        while not self.stop.is_set():
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=run.ports["primary"], dbname="shop", user="app",
                                        application_name="nightly-import", connect_timeout=3)
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("SET statement_timeout = 0")
                    while not self.stop.is_set():
                        cur.execute("INSERT INTO orders (customer_id, status, amount, note) SELECT (random()*50000)::int, "
                                    "'imported', 1, repeat('x', 200) FROM generate_series(1, 20000)")
            except Exception:  # noqa: BLE001 - the job retries, as a cron job would the next time
                time.sleep(2)

    def fix(self, run):
        self.stop.set()
        for name in sorted(os.listdir(self.archive))[:-4]:
            try:
                os.remove(os.path.join(self.archive, name))
            except OSError:
                pass
        run.change("cleanup", run.names.primary, "archive_volume", "100%", "freed", who=run.names.dba,
                   note="deleted archived WAL already in the backup; import job stopped")
        run.act("free disk space", run.names.primary)
        if run.primary.postmaster_pid() is None or not alive(run.primary.postmaster_pid()):
            run.sleep(2)
            stack.sh([f"{stack.PG_BIN}/pg_ctl", "-D", run.primary.data, "-l", os.path.join(run.work, "pg-primary.startup.log"),
                      "-w", "-t", "120", "start"], user="postgres", check=False)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "resource_exhaustion", "the WAL volume filled up (archiving failed "
                       "once the archive volume was full) and the primary stopped", onset=self.filled or run.events["fault"])


class ReplicaBroken(Family):
    """A change points the replica's replication connection at the wrong port: the replica stops receiving WAL, and
    reads of recent orders from it fail; restarting the replica keeps the bad setting."""
    name = "replica-broken"
    detours = ("restart_replica", "restart_app", "unrelated_change")

    def fault(self, run):
        wrong = run.ports["primary"] + 7
        run.replica.sql(f"ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port={wrong} user=postgres "
                        f"application_name={run.replica.name}'")
        run.replica.sql("SELECT pg_reload_conf()")
        self.change = run.change("config", run.names.replica, "primary_conninfo", f"port={run.ports['primary']}",
                                 f"port={wrong}", who=run.names.dba, note="point the standby at the new primary endpoint")
        run.events["fault"] = time.time()

    def fix(self, run):
        run.replica.sql("ALTER SYSTEM RESET primary_conninfo")
        run.replica.sql("SELECT pg_reload_conf()")
        run.change("revert", run.names.replica, "primary_conninfo", f"port={run.ports['primary'] + 7}",
                   f"port={run.ports['primary']}", who=run.names.dba, note=f"revert {self.change}")
        run.act(f"revert {self.change}", run.names.replica)

    def root_cause(self, run):
        return self.rc(run, run.names.replica, "config_change", "the replica's replication connection points at a "
                       "port nothing listens on: it fell behind", self.change)


class TrafficSurge(Family):
    """Many clients never seen before hammer an expensive endpoint: the service and the database saturate; blocking
    the new addresses at the edge fixes it."""
    name = "traffic-surge"
    detours = ("restart_app", "restart_primary", "kill_sessions")

    def fault(self, run):
        self.ips = run.traffic.start_surge(run.rng.randint(120, 180), 3600, run.rng.uniform(1.2, 1.8))
        run.events["fault"] = time.time()

    def fix(self, run):
        run.nginx.blocked = list(self.ips)
        run.nginx.reload()
        run.change("firewall", run.names.web, "deny_list", "0 addresses", f"{len(self.ips)} addresses",
                   who=run.names.oncall, note="block the flood of new client addresses at the edge")
        run.act("block new clients", run.names.web)

    def root_cause(self, run):
        return self.rc(run, run.names.web, "traffic_surge", "a surge of clients never seen before on an expensive endpoint")


class BadDeploy(Family):
    """A release breaks one route (its query names a column that does not exist); rolling it back fixes it."""
    name = "bad-deploy"
    engines = ("postgres", "mariadb")
    detours = ("restart_primary", "kill_sessions", "unrelated_change")

    def fault(self, run):
        run.app.restart(version="v1.9.0", broken_route="order")
        self.change = run.change("deploy", run.names.app, "version", "v1.8.2", "v1.9.0", who=run.names.dev,
                                 note="release 1.9.0: order details from the new read model")
        run.events["fault"] = time.time()

    def fix(self, run):
        run.app.restart(version="v1.8.2", broken_route=None)
        run.change("rollback", run.names.app, "version", "v1.9.0", "v1.8.2", who=run.names.dev, note=f"roll back {self.change}")
        run.act(f"revert {self.change}", run.names.app)

    def root_cause(self, run):
        return self.rc(run, run.names.app, "deploy", "a release whose query names a column that does not exist",
                       self.change)


class PoolShrunk(Family):
    """A configuration change shrinks the application's connection pool to one connection: requests wait for it and
    time out, while the database is idle."""
    name = "pool-shrunk"
    engines = ("postgres", "mariadb")
    detours = ("restart_primary", "kill_sessions", "unrelated_change")
    base_rate = 30

    def fault(self, run):
        self.change = run.change("config", run.names.app, "db.pool.max_size", "8", "1", who=run.names.dev,
                                 note="reduce idle connections")
        run.events["fault"] = time.time()
        run.sleep(run.rng.uniform(2, 8))
        run.change("restart", run.names.app, who=run.names.dev, note=f"rolling restart to apply {self.change}")
        run.app.restart(pool_size=1, pool_overflow=0)

    def fix(self, run):
        run.change("revert", run.names.app, "db.pool.max_size", "1", "8", who=run.names.dev, note=f"revert {self.change}")
        run.app.restart(pool_size=8, pool_overflow=24)
        run.act(f"revert {self.change}", run.names.app)

    def root_cause(self, run):
        return self.rc(run, run.names.app, "config_change", "the connection pool was shrunk to one connection", self.change)


class DbKilled(Family):
    """The primary's server process is killed (SIGKILL, as the out-of-memory killer does) and stays down: the
    application cannot connect; restarting the database fixes it (the honest counter-case to "restart it")."""
    name = "db-killed"
    detours = ("restart_app",)

    def fault(self, run):
        pid = run.primary.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        run.events["fault"] = time.time()

    def fix(self, run):
        run.change("restart", run.names.primary, who=run.names.oncall, note="start the database again")
        stack.sh([f"{stack.PG_BIN}/pg_ctl", "-D", run.primary.data, "-l", os.path.join(run.work, "pg-primary.startup.log"),
                  "-w", "-t", "120", "start"], user="postgres")
        run.act("restart db primary", run.names.primary)

    def root_cause(self, run):
        return self.rc(run, run.names.primary, "restart", "the database server was killed and stayed down until "
                       "someone started it")


class WrongPort(Family):
    """A configuration change points the application at a database port nothing listens on: every request that needs
    the database fails with connection refused, while the database is quiet."""
    name = "wrong-port"
    engines = ("postgres", "mariadb")
    detours = ("restart_primary", "unrelated_change", "restart_replica")

    def fault(self, run):
        wrong = run.ports["primary"] + 11
        self.change = run.change("config", run.names.app, "database.port", str(run.ports["primary"]), str(wrong),
                                 who=run.names.dev, note="move to the connection pooler's port")
        run.events["fault"] = time.time()
        run.app.restart(db_port=wrong)

    def fix(self, run):
        run.change("revert", run.names.app, "database.port", str(run.ports["primary"] + 11), str(run.ports["primary"]),
                   who=run.names.dev, note=f"revert {self.change}")
        run.app.restart(db_port=run.ports["primary"])
        run.act(f"revert {self.change}", run.names.app)

    def root_cause(self, run):
        return self.rc(run, run.names.app, "config_change", "the service was pointed at a database port nothing "
                       "listens on", self.change)


class ConnectionLeak(Family):
    """A release leaks a database connection on some order creations: connections held by the service pile up until
    the database refuses new ones (too many clients) and the service's pool runs dry, minutes after the deploy.
    Restarting the service frees them for a while; killing sessions or restarting the database does not help for
    long; rolling the release back fixes it."""
    name = "connection-leak"
    engines = ("postgres", "mariadb")
    detours = ("restart_app", "kill_sessions", "restart_primary", "unrelated_change")

    def fault(self, run):
        # how many order creations a second the known clients make (3 in 10 of their requests), and so how often one
        # must leak for the database's 30 connections to run out after `bite` seconds
        bite = run.dur(90, 240)
        creates = 0.3 * run.traffic.base_rate
        self.leak = min(0.5, 22 / (creates * bite))
        self.before = run.app.config["version"]
        run.app.restart(version="v2.4.0", leak_probability=self.leak)
        self.change = run.change("deploy", run.names.app, "version", self.before, "v2.4.0", who=run.names.dev,
                                 note="release 2.4.0: order confirmations sent from the request thread")
        run.events["fault"] = time.time()
        # the detours come once it bites, as they would: nobody restarts anything while the service is healthy. It
        # bites when the primary's connections run out (the run's poll of its sessions finds them at the limit, or is
        # refused); the leak's rate is an estimate, so the poll decides, up to twice the time aimed at
        deadline = time.time() + 2 * bite
        while time.time() < deadline and not run.stopping.is_set():
            recent = [x for x in run.samples if x[0] >= run.events["fault"]][-1:]
            if recent and (recent[0][1] is None or recent[0][1] >= recent[0][2] - 1):
                break
            run.sleep(2)

    def fix(self, run):
        run.app.restart(version=self.before, leak_probability=0)
        run.change("rollback", run.names.app, "version", "v2.4.0", self.before, who=run.names.dev,
                   note=f"roll back {self.change}")
        run.act(f"revert {self.change}", run.names.app)

    def story(self, run):
        return super().story(run) + f" One order creation in {1 / self.leak:.0f} leaked its connection."

    def root_cause(self, run):
        return self.rc(run, run.names.app, "deploy", "a release that leaks a database connection on some order "
                       "creations", self.change)


class ProxyTimeout(Family):
    """The edge's upstream read timeout is cut to a few tens of milliseconds (meant to fail fast on a slow upstream):
    nginx answers 504 to every request the service takes longer than that to answer, though the service finishes it;
    the clients retry. The service and the database stay healthy, so restarting them or killing sessions changes
    nothing; reverting the setting fixes it."""
    name = "proxy-timeout"
    engines = ("postgres", "mariadb")
    detours = ("restart_app", "restart_primary", "kill_sessions", "unrelated_change")

    def fault(self, run):
        self.before = run.nginx.read_timeout
        self.value = run.rng.choice(["50ms", "60ms", "80ms"])
        self.change = run.change("config", run.names.web, "proxy_read_timeout", self.before, self.value,
                                 who=run.names.dev, note="fail fast instead of holding client connections on a slow upstream")
        run.nginx.read_timeout = self.value
        run.nginx.reload()
        run.events["fault"] = time.time()

    def fix(self, run):
        run.change("revert", run.names.web, "proxy_read_timeout", self.value, self.before, who=run.names.oncall,
                   note=f"revert {self.change}")
        run.nginx.read_timeout = self.before
        run.nginx.reload()
        run.act(f"revert {self.change}", run.names.web)

    def story(self, run):
        return super().story(run) + f" The timeout was set to {self.value}."

    def root_cause(self, run):
        return self.rc(run, run.names.web, "config_change", "the edge's upstream read timeout was cut below the time the "
                       "service takes to answer some requests", self.change)


class Quiet(Family):
    """Harmless changes and restarts, and no incident."""
    name = "quiet"
    engines = ("postgres", "mariadb")

    def script(self, run):
        total = run.dur(480, 560)
        start = time.time()
        for step in run.rng.sample(["harmless", "restart_replica", "restart_app", "unrelated"], 3):
            run.sleep(run.dur(90, 150))
            if step == "harmless":
                harmless_change(run)
            elif step == "restart_replica":
                restart_replica(run)
            elif step == "restart_app":
                restart_app(run)
            else:
                unrelated_change(run)
        run.sleep(max(0, total - (time.time() - start)))

    def root_cause(self, run):
        return None

    def story(self, run):
        return "Harmless configuration changes and restarts on a healthy stack; no incident."


FAMILIES = {f.name: f for f in [SyncStandby, MaxConnections, MigrationLock, DroppedIndex, StatementTimeout, DiskFull,
                                ReplicaBroken, TrafficSurge, BadDeploy, PoolShrunk, DbKilled, WrongPort, ConnectionLeak,
                                ProxyTimeout, Quiet]}


def persist(run, settings):
    """A MariaDB setting changed with SET GLOBAL and in the server's option file, so that a restart keeps it."""
    db = run.primary
    db.extra.update(settings)
    db.write_cnf()


def free_mb(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize / (1 << 20)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (ProcessLookupError, TypeError):
        return False
