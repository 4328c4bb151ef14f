"""The lab's application service: an orders API behind nginx, with a database connection pool and JSON logs.

It is a real service in the sense the lab needs: it talks to a real PostgreSQL or MariaDB through a pool with
timeouts (and an overflow of extra connections when the pool runs dry, as SQLAlchemy's max_overflow does), writes
to the primary and reads from the replica, and logs what it sees in its own JSON shape:

    {"ts": "...", "lvl": "error", "svc": "...", "event": "db_error", "text": "...", "route": "...", "status": 500,
     "dur_ms": 3012, "req": "...", "client": "..."}

Run as: python3 -m labkit.app CONFIG.json  (the config names ports, the engine, the pool, and the version).
"""

import json
import os
import queue
import random
import signal
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Log:
    def __init__(self, path, service):
        self.f = open(path, "a", buffering=1, encoding="utf-8")
        self.service = service
        self.lock = threading.Lock()

    def write(self, level, event, text, **fields):
        rec = {"ts": now_iso(), "lvl": level, "svc": self.service, "event": event, "text": text}
        rec.update({k: v for k, v in fields.items() if v is not None})
        line = json.dumps(rec, ensure_ascii=False)
        with self.lock:
            self.f.write(line + "\n")


class PoolTimeout(Exception):
    pass


class Pool:
    """A fixed pool plus an overflow of extra connections opened on demand and closed after use."""

    def __init__(self, connect, size, overflow, timeout_s):
        self.connect = connect
        self.size = size
        self.overflow = overflow
        self.timeout_s = timeout_s
        self.idle = queue.LifoQueue()
        self.lock = threading.Lock()
        self.opened = 0
        self.extra = 0
        self.waiting = 0

    def acquire(self):
        try:
            return self.idle.get_nowait(), False
        except queue.Empty:
            pass
        with self.lock:
            if self.opened < self.size:
                self.opened += 1
                fixed = True
            elif self.extra < self.overflow:
                self.extra += 1
                fixed = False
            else:
                fixed = None
        if fixed is not None:
            try:
                return self.connect(), not fixed
            except Exception:
                with self.lock:
                    if fixed:
                        self.opened -= 1
                    else:
                        self.extra -= 1
                raise
        with self.lock:
            self.waiting += 1
        try:
            return self.idle.get(timeout=self.timeout_s), False
        except queue.Empty:
            raise PoolTimeout(
                f"connection pool exhausted: no connection available after {int(self.timeout_s * 1000)} ms "
                f"(size={self.size}, overflow={self.extra}/{self.overflow}, waiting={self.waiting})")
        finally:
            with self.lock:
                self.waiting -= 1

    def release(self, conn, overflowed, broken=False):
        if broken or overflowed:
            try:
                conn.close()
            except Exception:
                pass
            with self.lock:
                if overflowed:
                    self.extra -= 1
                else:
                    self.opened -= 1
            return
        self.idle.put(conn)


class Db:
    """The engine-specific part: connecting, and the queries of each route."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.engine = cfg["engine"]
        if self.engine == "postgres":
            import psycopg2
            self.errors = (psycopg2.Error,)
        else:
            import pymysql
            self.errors = (pymysql.MySQLError,)

    def connect(self, port, timeout_s=2):
        c = self.cfg
        if self.engine == "postgres":
            import psycopg2
            conn = psycopg2.connect(host="127.0.0.1", port=port, dbname=c["db_name"], user=c["db_user"],
                                    connect_timeout=timeout_s, application_name=c["service"])
            conn.autocommit = False
            return conn  # the statement timeout is the server's setting
        import pymysql
        conn = pymysql.connect(host="127.0.0.1", port=port, user=c["db_user"], database=c["db_name"],
                               connect_timeout=timeout_s, read_timeout=c["statement_timeout_ms"] / 1000 + 2,
                               write_timeout=10, autocommit=False)
        with conn.cursor() as cur:
            cur.execute("SET SESSION max_statement_time = %s", (c["statement_timeout_ms"] / 1000,))
        conn.commit()
        return conn

    def message(self, e):
        if self.engine == "postgres":
            text = (getattr(e, "pgerror", None) or str(e)).strip()
            return " ".join(text.split("\n")[0].split())
        args = getattr(e, "args", ())
        return f"({args[0]}, \"{args[1]}\")" if len(args) >= 2 else str(e)


class App:
    def __init__(self, cfg):
        self.cfg = cfg
        self.log = Log(cfg["log_path"], cfg["service"])
        self.db = Db(cfg)
        self.primary = Pool(lambda: self.db.connect(cfg["db_port"]), cfg["pool_size"], cfg["pool_overflow"],
                            cfg["pool_timeout_ms"] / 1000)
        self.replica = Pool(lambda: self.db.connect(cfg["replica_port"]), max(2, cfg["pool_size"] // 2), 4,
                            cfg["pool_timeout_ms"] / 1000)
        self.bad_route = cfg.get("broken_route")
        # a release that forgets to hand back the connection of some order creations: they stay open (and idle) on the
        # database, held by the process until it stops, as a leak in real code does; nothing is logged about it
        self.leak_probability = cfg.get("leak_probability") or 0
        self.leaked = []

    # -- routes -----------------------------------------------------------------------------------------------------
    def create_order(self, cur, params):
        customer = int(params.get("customer", random.randint(1, 50000)))
        amount = round(random.uniform(5, 500), 2)
        if self.db.engine == "postgres":
            cur.execute("INSERT INTO orders (customer_id, status, amount, note) VALUES (%s, 'new', %s, %s) RETURNING id",
                        (customer, amount, "web order"))
            order = cur.fetchone()[0]
        else:
            cur.execute("INSERT INTO orders (customer_id, status, amount, note) VALUES (%s, 'new', %s, %s)",
                        (customer, amount, "web order"))
            order = cur.lastrowid
        # The payment provider is called inside the transaction, as many services do: the connection stays busy.
        time.sleep(random.uniform(0.04, 0.12))
        return {"id": order}

    def get_order(self, cur, params):
        column = "id" if self.bad_route != "order" else "order_id"  # the broken release's query
        cur.execute(f"SELECT id, customer_id, status, amount FROM orders WHERE {column} = %s", (int(params["id"]),))
        row = cur.fetchone()
        return None if row is None else {"id": row[0], "status": row[2]}

    def customer_orders(self, cur, params):
        cur.execute("SELECT id, status, amount FROM orders WHERE customer_id = %s ORDER BY id DESC LIMIT 20",
                    (int(params["customer"]),))
        return {"orders": len(cur.fetchall())}

    def search(self, cur, params):
        cur.execute("SELECT count(*) FROM orders WHERE status = %s AND amount > %s",
                    (random.choice(["new", "paid", "shipped"]), random.randint(100, 490)))
        return {"count": cur.fetchone()[0]}

    def report(self, cur, params):
        cur.execute("SELECT status, count(*), sum(amount) FROM orders WHERE id > (SELECT max(id) - 20000 FROM orders) "
                    "GROUP BY status")
        return {"groups": len(cur.fetchall())}

    def health(self, cur, params):
        cur.execute("SELECT 1")
        return {"ok": True}

    def run(self, pool, fn, params):
        conn, overflowed = pool.acquire()
        broken = False
        try:
            with conn.cursor() as cur:
                result = fn(cur, params)
            conn.commit()
            if fn == self.create_order and self.leak_probability and random.random() < self.leak_probability:
                self.leaked.append(conn)
                conn = None
            return result
        except self.db.errors:
            broken = True
            raise
        finally:
            if broken:
                try:
                    conn.rollback()
                    broken = False
                except Exception:
                    pass
            if conn is not None:
                pool.release(conn, overflowed, broken)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app = None

    def log_message(self, fmt, *args):  # no stderr access log: the JSON log is the service's log
        pass

    def respond(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        app = self.app
        started = time.monotonic()
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        client = self.headers.get("X-Forwarded-For", self.client_address[0])
        req = self.headers.get("X-Request-Id", "%012x" % random.getrandbits(48))
        parts = [p for p in path.split("/") if p]
        route, fn, pool = None, None, app.primary
        if method == "POST" and path == "/api/orders":
            route, fn = "/api/orders", app.create_order
        elif method == "GET" and len(parts) == 3 and parts[:2] == ["api", "orders"] and parts[2].isdigit():
            route, fn, pool = "/api/orders/:id", app.get_order, app.replica
            params["id"] = parts[2]
        elif method == "GET" and len(parts) == 4 and parts[:2] == ["api", "customers"] and parts[3] == "orders":
            route, fn, pool = "/api/customers/:id/orders", app.customer_orders, app.replica
            params["customer"] = parts[2] if parts[2].isdigit() else "1"
        elif method == "GET" and path == "/api/search":
            route, fn, pool = "/api/search", app.search, app.replica
        elif method == "POST" and path == "/api/report":
            route, fn = "/api/report", app.report
        elif method == "GET" and path == "/health":
            route, fn = "/health", app.health
        if fn is None:
            app.log.write("warn", "not_found", f"no route for {method} {path}", route=path, status=404, client=client, req=req)
            return self.respond(404, {"error": "not found"})
        status, body, level, event, text = 200, None, "info", "request", None
        try:
            body = app.run(pool, fn, params)
            if body is None:
                status, level, event, text = 404, "warn", "not_found", f"order {params.get('id')} not found"
                # read-after-write: an order just created may not have reached the replica yet
                if pool is app.replica and app.cfg.get("replica_fallback", False):
                    body = app.run(app.primary, fn, params)
                    if body is not None:
                        status, level, event = 200, "warn", "replica_behind"
                        text = f"order {params.get('id')} missing on the replica, read from the primary instead"
                if body is None:
                    body = {"error": "not found"}
        except PoolTimeout as e:
            status, level, event, text, body = 503, "error", "pool_timeout", str(e), {"error": "busy"}
        except app.db.errors as e:
            status, level, event = 500, "error", "db_error"
            text = app.db.message(e)
            body = {"error": "database error"}
        except Exception as e:  # noqa: BLE001 - a service logs what it cannot handle, then answers 500
            status, level, event = 500, "error", "unhandled"
            text = f"{type(e).__name__}: {e}"
            body = {"error": "internal"}
        dur = int((time.monotonic() - started) * 1000)
        if event == "request" and dur >= app.cfg["slow_request_ms"]:
            level, event, text = "warn", "slow_request", f"{method} {route} took {dur} ms"
        if text is None:
            text = f"{method} {route} {status}"
        if event != "request" or route not in ("/health",):
            app.log.write(level, event, text, route=route, status=status, dur_ms=dur, client=client, req=req)
        try:
            self.respond(status, body)
        except (BrokenPipeError, ConnectionResetError):
            app.log.write("warn", "client_gone", f"client closed the connection before the answer to {method} {route}",
                          route=route, status=status, dur_ms=dur, client=client, req=req)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.handle_any("POST")


def main():
    cfg = json.load(open(sys.argv[1]))
    app = App(cfg)
    Handler.app = app
    server = ThreadingHTTPServer(("127.0.0.1", cfg["http_port"]), Handler)
    server.daemon_threads = True
    app.log.write("info", "startup", f"{cfg['service']} {cfg['version']} listening on 127.0.0.1:{cfg['http_port']} "
                  f"(pool {cfg['pool_size']}+{cfg['pool_overflow']}, {cfg['engine']} at 127.0.0.1:{cfg['db_port']})",
                  version=cfg["version"])

    def stop(signum, frame):
        app.log.write("info", "shutdown", f"{cfg['service']} {cfg['version']} shutting down (signal {signum})")
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except Exception:
        app.log.write("fatal", "crash", traceback.format_exc().splitlines()[-1])
        raise


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
