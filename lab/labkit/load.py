"""Traffic for a lab run, and the client-side record of what every request got: the ground truth of the labels.

Known clients (each its own address, sent in X-Forwarded-For for nginx's realip) use the shop at a rate that varies
minute by minute, and retry a failed request after a back-off, as real clients do. Background noise comes from a
load balancer's health checks, a periodic reporting job, and scanners probing for files that do not exist. A surge
adds many clients never seen before. Each request's outcome is appended to client.jsonl in the run's work folder.
"""

import http.client
import json
import math
import random
import threading
import time


class Recorder:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def add(self, **rec):
        with self.lock:
            self.f.write(json.dumps(rec) + "\n")


class Traffic:
    def __init__(self, port, recorder, rng, clients, base_rate):
        self.port = port
        self.recorder = recorder
        self.rng = rng
        self.clients = clients  # the known clients' addresses
        self.base_rate = base_rate  # requests per second over all known clients, before the minute's variation
        self.stop = threading.Event()
        self.threads = []
        self.created = {}  # client -> order ids it created
        self.surge = []
        self.phase = random.Random(rng.random()).random() * 2 * math.pi

    def rate_factor(self, t):
        # per-minute variation: a slow wave and a step drawn each minute
        minute = int(t // 60)
        step = random.Random(minute * 7919 + 13).uniform(0.85, 1.15)
        return step * (1 + 0.15 * math.sin(self.phase + t / 240))

    AGENTS = {
        "known": ["ShopApp/4.12.0 (iPhone; iOS 17.5)", "ShopApp/4.11.3 (Android 14; Pixel 7)",
                  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
                  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"],
        "surge": ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
                  "python-requests/2.31.0", "Go-http-client/1.1"],
        "health": ["ELB-HealthChecker/2.0"],
        "job": ["report-cron/2.3"],
        "scanner": ["Mozilla/5.0 zgrab/0.x", "python-requests/2.25.1", "Mozilla/5.0 (compatible; Nmap Scripting Engine)"],
    }

    def agent(self, client, group):
        options = self.AGENTS.get(group, self.AGENTS["known"])
        return options[sum(map(ord, client)) % len(options)]

    def request(self, client, method, path, kind, retry, group="known", timeout=5.0):
        started = time.time()
        status, error = None, None
        body = b""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=b"{}" if method == "POST" else None,
                         headers={"X-Forwarded-For": client, "User-Agent": self.agent(client, group),
                                  "Content-Type": "application/json"})
            resp = conn.getresponse()
            status = resp.status
            body = resp.read()
        except Exception as e:  # noqa: BLE001 - a client records what it got, whatever it was
            error = type(e).__name__
        finally:
            conn.close()
        ended = time.time()
        self.recorder.add(t=round(started, 3), end=round(ended, 3), client=client, group=group, kind=kind,
                          method=method, status=status, error=error, retry=retry, ms=round((ended - started) * 1000))
        return status, body

    def ok(self, status):
        return status is not None and status < 500 and status not in (404, 403, 429)

    def known_client(self, client):
        rng = random.Random(self.rng.random())
        per_client = self.base_rate / len(self.clients)
        while not self.stop.is_set():
            t = time.time()
            wait = rng.expovariate(per_client * self.rate_factor(t))
            if self.stop.wait(min(wait, 10)):
                return
            kind = rng.choices(["create", "get", "customer", "search"], weights=[3, 3, 2.5, 1.5])[0]
            mine = self.created.setdefault(client, [])
            if kind == "create":
                method, path = "POST", f"/api/orders?customer={rng.randint(1, 50000)}"
            elif kind == "get" and mine:
                method, path = "GET", f"/api/orders/{rng.choice(mine[-50:])}"
            elif kind == "customer" or kind == "get":
                kind = "customer"
                method, path = "GET", f"/api/customers/{rng.randint(1, 50000)}/orders"
            else:
                method, path = "GET", "/api/search"
            backoff = 1.0
            for attempt in range(4):
                status, body = self.request(client, method, path, kind, retry=attempt > 0)
                if self.ok(status):
                    if kind == "create":
                        try:
                            mine.append(json.loads(body)["id"])
                        except (ValueError, KeyError, TypeError):
                            pass
                    break
                if attempt == 3 or self.stop.is_set():
                    break
                if self.stop.wait(backoff * rng.uniform(0.8, 1.2)):
                    return
                backoff *= 2

    def health_checker(self, lb):
        while not self.stop.wait(5):
            self.request(lb, "GET", "/health", "health", False, group="health", timeout=3)

    def reporting_job(self, job_ip):
        while not self.stop.wait(60):
            self.request(job_ip, "POST", "/api/report", "report", False, group="job", timeout=10)

    def scanner(self):
        rng = random.Random(self.rng.random())
        paths = ["/wp-login.php", "/.env", "/admin/config.php", "/phpmyadmin/", "/.git/config", "/server-status",
                 "/cgi-bin/test.cgi", "/api/v1/../../etc/passwd", "/vendor/phpunit/eval-stdin.php", "/xmlrpc.php"]
        while not self.stop.wait(rng.uniform(40, 110)):
            ip = f"{rng.choice([45, 89, 185, 193, 203])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
            for p in rng.sample(paths, rng.randint(3, 7)):
                self.request(ip, "GET", p, "scan", False, group="scanner", timeout=3)
                if self.stop.wait(rng.uniform(0.05, 0.4)):
                    return

    def surge_client(self, ip, until, rate):
        rng = random.Random(hash(ip))
        while not self.stop.is_set() and time.time() < until:
            if self.stop.wait(rng.expovariate(rate)):
                return
            self.request(ip, "GET", "/api/search", "search", False, group="surge", timeout=5)

    def start_surge(self, n, duration_s, rate_each):
        until = time.time() + duration_s
        rng = random.Random(self.rng.random())
        ips = [f"{rng.choice([100, 102, 141, 172, 188])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
               for _ in range(n)]
        for ip in ips:
            th = threading.Thread(target=self.surge_client, args=(ip, until, rate_each), daemon=True)
            th.start()
            self.threads.append(th)
        self.surge = ips
        return ips

    def start(self, lb_ip, job_ip):
        for c in self.clients:
            self.threads.append(threading.Thread(target=self.known_client, args=(c,), daemon=True))
        self.threads.append(threading.Thread(target=self.health_checker, args=(lb_ip,), daemon=True))
        self.threads.append(threading.Thread(target=self.reporting_job, args=(job_ip,), daemon=True))
        self.threads.append(threading.Thread(target=self.scanner, daemon=True))
        for th in self.threads:
            th.start()

    def halt(self):
        self.stop.set()
        for th in self.threads:
            th.join(timeout=12)
