"""Records small format samples from real servers: PostgreSQL logging through a real rsyslogd (log_destination =
syslog), and PostgreSQL's stderr log with Amazon RDS's log_line_prefix. The parsers' tests read them from
sample-data/formats/. Usage (root, Debian 12, packages postgresql-15 and rsyslog):

    lab/run --formats --out sample-data/formats
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

from labkit.stack import Postgres, sh


def record(out, port=23400):
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="logcause-formats-")
    os.chmod(work, 0o777)  # the servers run as postgres and write their start-up logs here
    try:
        _syslog(work, out, port)
        _rds(work, out, port + 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _workload(pg):
    pg.sql("CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric)")
    pg.sql("INSERT INTO accounts SELECT g, 'owner ' || g, g * 10 FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING")
    # a slow multi-line statement (logged by log_min_duration_statement, its lines numbered [n-2].. under syslog)
    pg.sql("SELECT owner,\n\tsum(balance) AS total,\n\tmax(pg_sleep(0.3)::text) AS waited\nFROM accounts\n"
           "WHERE id < 3\nGROUP BY owner\nORDER BY total DESC")
    for bad in ("INSERT INTO accounts VALUES (1, 'dup', 0)", "SELECT * FROM no_such_table",
                "INSERT INTO accounts VALUES (99999, NULL, 0)"):
        try:
            pg.sql(bad)
        except Exception:
            pass
    pg.sql("SELECT pg_sleep(0.6)")
    try:
        pg.sql("SET LOCAL statement_timeout = '200ms'; SELECT pg_sleep(1)")
    except Exception:
        pass
    pg.sql("ALTER SYSTEM SET work_mem = '8MB'")
    pg.sql("SELECT pg_reload_conf()")
    time.sleep(1)


def _syslog(work, out, port):
    target = os.path.join(work, "postgresql-syslog.log")
    conf = os.path.join(work, "rsyslog.conf")
    sock = os.path.join(work, "log.sock")
    with open(conf, "w") as f:
        f.write(f"""
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="{sock}" CreatePath="on")
$ActionFileDefaultTemplate RSYSLOG_TraditionalFileFormat
$EscapeControlCharactersOnReceive on
local0.* {target}
""")
    pidfile = os.path.join(work, "rsyslogd.pid")
    rs = subprocess.Popen(["rsyslogd", "-n", "-f", conf, "-i", pidfile], start_new_session=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # PostgreSQL writes to /dev/log; bind-mounting is not ours to do, so point it there through a private mount ns.
    pg = Postgres(work, "syslog", port, os.path.join(work, "pglog"), "db=%d,user=%u,app=%a,client=%h ",
                  extra={"log_destination": "'syslog'", "logging_collector": "off", "syslog_facility": "'LOCAL0'",
                         "syslog_ident": "'postgres'", "log_min_duration_statement": 500})
    try:
        pg.init_primary()
        _with_dev_log(sock, lambda: _run(pg))
        time.sleep(1)
    finally:
        pg.stop()
        rs.send_signal(signal.SIGTERM)
        rs.wait(10)
    shutil.copy(target, os.path.join(out, "postgresql-syslog.log"))


def _with_dev_log(sock, fn):
    """Runs fn with /dev/log pointing at our rsyslogd's socket for as long as it takes, then restores it."""
    saved = None
    if os.path.lexists("/dev/log"):
        saved = os.readlink("/dev/log") if os.path.islink("/dev/log") else None
        if saved is None:
            raise RuntimeError("/dev/log is a socket of a running syslog daemon; stop it or record elsewhere")
        os.remove("/dev/log")
    os.symlink(sock, "/dev/log")
    try:
        fn()
    finally:
        os.remove("/dev/log")
        if saved:
            os.symlink(saved, "/dev/log")


def _run(pg):
    pg.start()
    _workload(pg)
    pg.stop()


def _rds(work, out, port):
    logdir = os.path.join(work, "rdslog")
    pg = Postgres(work, "rds", port, logdir, "%t:%r:%u@%d:[%p]:", extra={"log_min_duration_statement": 500})
    try:
        pg.init_primary()
        pg.start()
        _workload(pg)
    finally:
        pg.stop()
    shutil.copy(os.path.join(logdir, "postgresql.log"), os.path.join(out, "postgresql-rds.log"))
