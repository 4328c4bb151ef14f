"""The real servers of a lab run, all on 127.0.0.1 with non-default ports, under one work folder, and their clean-up.

PostgreSQL 15 (primary + streaming replica) or MariaDB 10.11 (primary + replica), nginx in front of the lab's
application service. Everything runs from Debian's packages; every process is started here and stopped here (also
when the run is interrupted), by the PID this code recorded, never by name.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

PG_BIN = "/usr/lib/postgresql/15/bin"
HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, user=None, check=True, env=None, timeout=120, capture=True):
    if user:
        cmd = ["runuser", "-u", user, "--"] + cmd
    r = subprocess.run(cmd, env=env, timeout=timeout, capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[-2000:]}")
    return r


def wait_port(port, timeout=30):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class Postgres:
    """One PostgreSQL server (primary or replica) of the lab, run as the postgres user."""

    def __init__(self, work, name, port, log_dir, prefix, extra=None, waldir=None):
        self.work = work
        self.name = name
        self.port = port
        self.data = os.path.join(work, f"pg-{name}")
        self.sock = os.path.join(work, "sock")
        self.log_dir = log_dir
        self.prefix = prefix
        self.extra = extra or {}
        self.waldir = waldir

    def conf(self, primary):
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.sock}'",
            "max_connections": 30,
            "superuser_reserved_connections": 3,
            "shared_buffers": "'64MB'",
            # the logging settings real teams use
            "logging_collector": "on",
            "log_directory": f"'{self.log_dir}'",
            "log_filename": "'postgresql.log'",
            "log_file_mode": "0644",
            "log_rotation_age": 0,
            "log_rotation_size": 0,
            "log_line_prefix": "'" + self.prefix.replace("'", "''") + "'",
            "log_min_duration_statement": 500,
            "log_lock_waits": "on",
            "deadlock_timeout": "'1s'",
            "log_connections": "on",
            "log_disconnections": "on",
            "log_checkpoints": "on",
            "log_autovacuum_min_duration": "'1s'",
            "log_temp_files": "'10MB'",
            "log_timezone": "'UTC'",
            "wal_level": "replica",
            "max_wal_senders": 5,
            "hot_standby": "on",
            "wal_keep_size": "'64MB'",
        }
        settings.update(self.extra)
        return "\n".join(f"{k} = {v}" for k, v in settings.items()) + "\n"

    def init_primary(self):
        os.makedirs(self.sock, exist_ok=True)
        os.makedirs(self.log_dir, exist_ok=True)
        for d in (self.sock, self.log_dir):
            shutil.chown(d, "postgres", "postgres")
        os.makedirs(self.data)
        shutil.chown(self.data, "postgres", "postgres")
        sh([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
           + (["-X", self.waldir] if self.waldir else []), user="postgres")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(self.conf(True))
        with open(os.path.join(self.data, "pg_hba.conf"), "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")

    def init_replica(self, primary):
        os.makedirs(self.log_dir, exist_ok=True)
        shutil.chown(self.log_dir, "postgres", "postgres")
        sh([f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", self.data,
            "-R", "-X", "stream", "-c", "fast"], user="postgres")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(self.conf(False))
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            f.write(f"primary_conninfo = 'host=127.0.0.1 port={primary.port} user=postgres application_name={self.name}'\n")

    def start(self):
        sh([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.work, f"pg-{self.name}.startup.log"),
            "-w", "-t", "60", "start"], user="postgres")

    def stop(self, mode="fast"):
        """Stops the server; a server that cannot shut down cleanly (a full volume) is stopped immediately, then killed."""
        for m in (mode, "immediate"):
            if not os.path.exists(os.path.join(self.data, "postmaster.pid")):
                return
            sh([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", m, "-w", "-t", "60", "stop"], user="postgres", check=False)
        pid = self.postmaster_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)  # its backends exit when they see the postmaster gone
            except (ProcessLookupError, PermissionError):
                pass

    def restart(self):
        sh([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "restart",
            "-l", os.path.join(self.work, f"pg-{self.name}.startup.log")], user="postgres")

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def sql(self, statement, db="postgres", autocommit=True):
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, dbname=db, user="postgres", connect_timeout=5,
                                application_name="psql", options="-c statement_timeout=0")
        conn.autocommit = autocommit
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
                rows = cur.fetchall() if cur.description else None
            if not autocommit:
                conn.commit()
            return rows
        finally:
            conn.close()

    def open_session(self, db):
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, dbname=db, user="postgres", connect_timeout=5,
                                application_name="migrate")
        return conn


class MariaDb:
    """One MariaDB server (primary or replica) of the lab, run as the mysql user, with its error log and slow log."""

    def __init__(self, work, name, port, server_id, log_dir, extra=None):
        self.work = work
        self.name = name
        self.port = port
        self.server_id = server_id
        self.data = os.path.join(work, f"maria-{name}")
        self.sock = os.path.join(work, f"maria-{name}.sock")
        self.pid_file = os.path.join(work, f"maria-{name}.pid")
        self.cnf = os.path.join(work, f"maria-{name}.cnf")
        self.log_dir = log_dir
        self.extra = extra or {}
        self.proc = None

    def write_cnf(self):
        settings = {
            "datadir": self.data,
            "port": self.port,
            "bind-address": "127.0.0.1",
            "socket": self.sock,
            "pid-file": self.pid_file,
            "user": "mysql",
            "server-id": self.server_id,
            "log-bin": "mysql-bin",
            "binlog_format": "ROW",
            "log_error": os.path.join(self.log_dir, "error.log"),
            "log_warnings": 2,
            "slow_query_log": 1,
            "slow_query_log_file": os.path.join(self.log_dir, "slow.log"),
            "long_query_time": 0.5,
            "max_connections": 30,
            "innodb_buffer_pool_size": "64M",
            "innodb_lock_wait_timeout": 5,
            "skip-name-resolve": "",
            "plugin_load_add": "",
        }
        settings.update(self.extra)
        lines = ["[mysqld]"]
        for k, v in settings.items():
            if v == "":
                if k != "plugin_load_add":
                    lines.append(k)
            else:
                lines.append(f"{k} = {v}")
        with open(self.cnf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def init(self):
        os.makedirs(self.log_dir, exist_ok=True)
        shutil.chown(self.log_dir, "mysql", "mysql")
        os.makedirs(self.data)
        shutil.chown(self.data, "mysql", "mysql")
        self.write_cnf()
        sh(["mariadb-install-db", f"--defaults-file={self.cnf}", "--auth-root-authentication-method=normal",
            "--skip-test-db"], timeout=300)

    def start(self):
        self.proc = subprocess.Popen(["mariadbd", f"--defaults-file={self.cnf}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_port(self.port, 60)
        for _ in range(100):
            try:
                self.sql("SELECT 1")
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"MariaDB {self.name} does not answer")

    def stop(self):
        pid = self.pid()
        if not pid:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if self.proc is not None and self.proc.pid == pid:
            try:
                self.proc.wait(60)  # our child: wait() reaps it (a zombie would still answer kill(pid, 0))
                return
            except subprocess.TimeoutExpired:
                pass
        else:
            for _ in range(600):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.1)
                except ProcessLookupError:
                    return
        os.kill(pid, signal.SIGKILL)

    def restart(self):
        self.stop()
        self.start()

    def pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return self.proc.pid if self.proc and self.proc.poll() is None else None

    def connect(self, db=None, **kw):
        import pymysql
        return pymysql.connect(host="127.0.0.1", port=self.port, user="root", database=db, connect_timeout=5,
                               autocommit=True, **kw)

    def sql(self, statement, db=None):
        conn = self.connect(db)
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()


class Nginx:
    """nginx in front of the application: access log with $request_time, error log, client address from X-Forwarded-For."""

    def __init__(self, work, port, app_port, log_dir):
        self.work = work
        self.port = port
        self.app_port = app_port
        self.log_dir = log_dir
        self.conf = os.path.join(work, "nginx.conf")
        self.pid_file = os.path.join(work, "nginx.pid")
        self.blocked = []
        self.read_timeout = "4s"  # how long nginx waits for the service's answer before it answers 504 itself

    def write(self):
        deny = "".join(f"        deny {ip};\n" for ip in self.blocked)
        text = f"""
user root;
worker_processes 1;
pid {self.pid_file};
error_log {self.log_dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                     '"$http_referer" "$http_user_agent" $request_time';
    access_log {self.log_dir}/access.log timed;
    client_body_temp_path {self.work}/nginx-body;
    proxy_temp_path {self.work}/nginx-proxy;
    fastcgi_temp_path {self.work}/nginx-fastcgi;
    uwsgi_temp_path {self.work}/nginx-uwsgi;
    scgi_temp_path {self.work}/nginx-scgi;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    upstream app {{ server 127.0.0.1:{self.app_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
{deny}            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_connect_timeout 1s;
            proxy_read_timeout {self.read_timeout};
        }}
    }}
}}
"""
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        self.write()
        sh(["nginx", "-c", self.conf, "-p", self.work, "-g", "daemon on;"])
        wait_port(self.port)

    def reload(self):
        self.write()
        sh(["nginx", "-c", self.conf, "-p", self.work, "-s", "reload"])

    def stop(self):
        sh(["nginx", "-c", self.conf, "-p", self.work, "-s", "quit"], check=False)
        try:
            pid = int(open(self.pid_file).read().strip())
        except (OSError, ValueError):
            return
        for _ in range(50):
            try:
                os.kill(pid, 0)
                time.sleep(0.1)
            except ProcessLookupError:
                return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class AppProcess:
    """The application service as its own process: restarted and redeployed like a real one."""

    def __init__(self, work, config):
        self.work = work
        self.config = dict(config)
        self.proc = None

    def start(self):
        path = os.path.join(self.work, "app.json")
        with open(path, "w") as f:
            json.dump(self.config, f)
        env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(["/usr/bin/python3", "-m", "labkit.app", path], env=env, start_new_session=True,
                                     stdout=open(os.path.join(self.work, "app.stdout"), "a"), stderr=subprocess.STDOUT)
        wait_port(self.config["http_port"], 20)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self, **changes):
        self.stop()
        self.config.update(changes)
        self.start()


def mount_tmpfs(path, size_mb):
    os.makedirs(path, exist_ok=True)
    sh(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0777", "tmpfs", path])


def umount(path):
    sh(["umount", "-l", path], check=False)


def require_root_and_packages():
    if os.geteuid() != 0:
        sys.exit("lab: run as root (it starts PostgreSQL, MariaDB and nginx from Debian's packages)")
    missing = [p for p, probe in [("postgresql", f"{PG_BIN}/postgres"), ("mariadb-server", "/usr/sbin/mariadbd"),
                                  ("nginx", "/usr/sbin/nginx")] if not os.path.exists(probe)]
    for module, package in (("psycopg2", "python3-psycopg2"), ("pymysql", "python3-pymysql")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing
