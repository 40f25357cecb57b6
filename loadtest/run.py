"""`make loadtest`: the production stack and runserver under the same load, side by side.

    python loadtest/run.py [--scale 20] [--users 20,50] [--seconds 60]
                           [--targets gunicorn,gthread,runserver] [--workers 5] [--keep]

1. A fresh PostgreSQL database seeded with ``seed_demo --scale 20`` and the load test's log-ins
   (loadtest/prepare.py); Redis database 10 emptied.
2. The targets, side by side on their own loopback ports, on the same data:
   - ``gunicorn``: the production stack of docs/deploy.md — TANDEM_ENV=production, gunicorn
     (``--workers`` workers, 4 threads each), WhiteNoise, Redis cache, a task worker on Redis,
     the scheduler;
   - ``gunicorn-sync`` (optional): the same with single-threaded (sync) workers;
   - ``runserver``: what `make demo` runs — runserver with DEBUG on, the database task worker.
3. A warm-up, then for each number of users, each target in turn (so that the machine's other
   load hits them alike): Locust (loadtest/locustfile.py) headless, measured for ``--seconds``
   once every simulated person has logged in; loopback only; it stops by itself.
4. A table per number of users: requests, errors, p50/p95/p99 per page for each target, and
   each production variant's p95 over runserver's (below 1: production answered sooner); the CPU each page request cost the web
   processes in the measured window, and their memory. Everything is stopped and the database dropped
   (``--keep`` keeps it). Exit status 1 if any request to a production variant failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "loadtest"
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOADTEST_REDIS", "redis://127.0.0.1:6379/10")
RAMP = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def say(message: str) -> None:
    print(message, flush=True)


class Stack:
    """Processes started for one target, stopped together."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name, self.env, self.processes = name, env, []  # type: ignore[var-annotated]

    def start(self, label: str, args: list[str]) -> None:
        log = open(VAR / f"{self.name}-{label}.log", "ab")  # noqa: SIM115
        self.processes.append(subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True))

    def wait_until_up(self, port: int) -> None:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
                return
            except OSError:
                if any(p.poll() is not None for p in self.processes):
                    raise SystemExit(f"{self.name}: a process stopped; see {VAR}/{self.name}-*.log") from None
                time.sleep(0.25)
        raise SystemExit(f"{self.name} did not answer within 60 s")

    def _web_tree(self) -> list[Any]:
        import psutil

        web = psutil.Process(self.processes[0].pid)
        return [web, *web.children(recursive=True)]

    def web_cpu_seconds(self) -> float:
        """CPU used so far by the web server's processes (gunicorn's master and workers)."""
        total = 0.0
        for process in self._web_tree():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except Exception:  # a worker replaced meanwhile
                continue
        return total

    def web_rss_mib(self) -> float:
        total = 0
        for process in self._web_tree():
            try:
                total += process.memory_info().rss
            except Exception:
                continue
        return total / 2**20

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], env=env, cwd=ROOT, check=True)


def locust(env: dict[str, str], port: int, users: int, seconds: int, prefix: str, offset: int,
           stack: Stack | None = None) -> float | None:
    """Ramp up over RAMP seconds; measure for ``seconds`` once every user has logged in (the
    locustfile resets the statistics then, writes the log-ins' times, and stops Locust
    ``seconds`` later). --run-time only bounds a run whose log-ins never all succeed. Returns the
    CPU seconds ``stack``'s web processes used in the measured window."""
    logins = VAR / f"{prefix}_logins.json"
    process = subprocess.Popen(
        [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", str(max(1, users // RAMP)), "--run-time", f"{seconds + 300}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(VAR / prefix),
         "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"],
        env={**env, "TANDEM_LOADTEST_OFFSET": str(offset), "TANDEM_LOADTEST_USERS": str(users),
             "TANDEM_LOADTEST_SECONDS": str(seconds), "TANDEM_LOADTEST_LOGINS": str(logins)},
        cwd=ROOT, stdout=open(VAR / f"{prefix}.out", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )
    cpu_at_start = None
    while process.poll() is None:
        if cpu_at_start is None and stack is not None and logins.exists():
            cpu_at_start = stack.web_cpu_seconds()
        time.sleep(0.2)
    if stack is None or cpu_at_start is None:
        return None
    return stack.web_cpu_seconds() - cpu_at_start


def read_stats(prefix: str) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    path = VAR / f"{prefix}_stats.csv"
    if not path.exists():
        raise SystemExit(f"Locust wrote no statistics; see {VAR / (prefix + '.out')}")
    logins = VAR / f"{prefix}_logins.json"
    if not logins.exists():  # some simulated person never logged in: the run measured nothing
        rows["log in: not everyone logged in"] = {"requests": 1, "errors": 1, "p50": 0, "p95": 0,
                                                  "p99": 0, "rps": 0}
    with path.open() as f:
        for row in csv.DictReader(f):
            if not int(row["Request Count"]):
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"]),
                "rps": float(row["Requests/s"] or 0),
            }
    if logins.exists():
        for name, row in json.loads(logins.read_text()).items():
            rows[f"{name} (ramp)"] = {**row, "p99": 0, "rps": 0}
    return rows


def table(users: int, seconds: int, results: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Per page and target: requests, errors, p50/p95/p99 (ms); then each production variant's
    p95 over runserver's (below 1: the production stack answered sooner)."""
    targets = list(results)
    fast = [t for t in targets if t != "runserver"] if "runserver" in targets else []
    names = [*sorted({n for r in results.values() for n in r if n != "Aggregated"}), "Aggregated"]
    head = f"{'page':<36}" + "".join(f"|{t:>11}{'err':>4}{'p50':>6}{'p95':>6}{'p99':>6}" for t in targets)
    head += "".join(f"|{t + '/rs p95':>18}" for t in fast)
    lines = [f"\n{users} users, {seconds} s; times in ms", head, "-" * len(head)]
    for name in names:
        line = f"{name[:35]:<36}"
        for target in targets:
            row = results[target].get(name)
            line += (f"|{row['requests']:>11.0f}{row['errors']:>4.0f}{row['p50']:>6.0f}{row['p95']:>6.0f}"
                     f"{row['p99']:>6.0f}" if row else f"|{'-':>33}")
        for target in fast:
            if name in results[target] and name in results["runserver"] and results["runserver"][name]["p95"]:
                ratio = results[target][name]["p95"] / results["runserver"][name]["p95"]
                line += f"|{ratio:>17.2f}×"
            else:
                line += f"|{'-':>18}"
        lines.append(line)
    for target in targets:
        total = results[target].get("Aggregated")
        if total:
            lines.append(f"{target}: {total['rps']:.1f} requests/s, {total['errors']:.0f} errors")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--users", default="20,50")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--targets", default="gunicorn,runserver",
                        help="gunicorn (the production stack: workers with 4 threads each), "
                             "gunicorn-sync (the same with single-threaded workers), runserver")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 5)))
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--database", default=os.environ.get("LOADTEST_DB", ""),
                        help="PostgreSQL database name (default: a new tandem_loadtest_<time>_<pid>).")
    parser.add_argument("--reuse", action="store_true",
                        help="Use --database as it is when it exists (seeded by an earlier run "
                             "with --keep): no migration or seeding, only fresh log-ins.")
    args = parser.parse_args()
    users_list = [int(u) for u in args.users.split(",")]
    VAR.mkdir(parents=True, exist_ok=True)
    for old in VAR.glob("*"):
        if old.is_file():
            old.unlink()

    import psycopg
    import redis

    db = args.database or f"tandem_loadtest_{int(time.time())}_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if exists and not args.reuse:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
        if not exists or not args.reuse:
            conn.execute(f'CREATE DATABASE "{db}"')
    seed = not (exists and args.reuse)
    redis.Redis.from_url(REDIS).flushdb()
    base = {k: v for k, v in os.environ.items() if k not in ("TANDEM_ENV", "DEBUG", "TASKS_BACKEND")}
    base.update(DATABASE_URL=f"{PG}/{db}", PYTHONUNBUFFERED="1", TRUSTED_PROXY_COUNT="1",
                TANDEM_LOADTEST_ACCOUNTS=str(VAR / "accounts.json"), EMAIL_BACKEND="dummy",
                DJANGO_SETTINGS_MODULE="tandem.settings")
    ports = {"gunicorn": free_port(), "gunicorn-sync": free_port(), "runserver": free_port()}
    port = ports["gunicorn"]
    production = {
        **base, "TANDEM_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"https://127.0.0.1:{port}",
        "REDIS_URL": REDIS, "TASKS_BACKEND": "redis", "STATIC_ROOT": str(VAR / "static"),
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto,https", "CONN_MAX_AGE": "60",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.workers),
        "TANDEM_LOADTEST_SCHEME": "https",
    }
    development = {**base, "TANDEM_DEMO_MFA_OPTIONAL": "1", "TASKS_BACKEND": "database",
                   "SITE_URL": f"http://127.0.0.1:{ports['runserver']}", "TANDEM_LOADTEST_SCHEME": "http"}
    results: dict[int, dict[str, dict[str, dict[str, float]]]] = {u: {} for u in users_list}
    costs: dict[int, dict[str, dict[str, float]]] = {u: {} for u in users_list}
    targets = args.targets.split(",")
    stacks: dict[str, Stack] = {}
    try:
        started = time.perf_counter()
        if seed:
            manage(production, "migrate", "--noinput", "-v0")
        manage(production, "collectstatic", "--noinput", "-v0")
        if seed:
            manage(production, "seed_demo", "--scale", str(args.scale), "--quiet-logins")
        subprocess.run([str(BIN / "python"), "loadtest/prepare.py", str(VAR / "accounts.json"),
                        "--coordinators", str(len(targets) * (sum(users_list) + 5) + 10)],
                       env=production, cwd=ROOT, check=True)
        say(f"demo at --scale {args.scale} {'seeded' if seed else 'reused'} on PostgreSQL ({db}) "
            f"in {time.perf_counter() - started:.0f} s")
        # Both stacks run side by side on their own ports; the load goes to one at a time,
        # alternating, so that a change in the machine's other load hits both alike.
        for target in targets:
            env = {**production, "GUNICORN_BIND": f"127.0.0.1:{ports[target]}",
                   "SITE_URL": f"https://127.0.0.1:{ports[target]}"} if target != "runserver" else development
            if target == "gunicorn-sync":  # the same workers, one thread each
                env["GUNICORN_THREADS"] = "1"
            stack = stacks[target] = Stack(target, env)
            if target != "runserver":
                stack.start("web", [str(BIN / "gunicorn"), "-c", "python:tandem.gunicorn_conf", "tandem.wsgi"])
                stack.start("worker", [str(BIN / "python"), "manage.py", "run_worker"])
                stack.start("scheduler", [str(BIN / "python"), "manage.py", "run_scheduler"])
            else:
                stack.start("web", [str(BIN / "python"), "manage.py", "runserver",
                                    f"127.0.0.1:{ports[target]}", "--noreload"])
                stack.start("worker", [str(BIN / "python"), "manage.py", "run_worker"])
            stack.wait_until_up(ports[target])
            say(f"{target}: up on 127.0.0.1:{ports[target]}; warming up")
        offset = 0
        for target in targets:
            locust(stacks[target].env, ports[target], 5, 10, f"{target}-warmup", offset)
            offset += 5
        for users in users_list:
            for target in targets:
                stack = stacks[target]
                load = os.getloadavg()[0]
                say(f"{target}: {users} users for {args.seconds} s (load average {load:.1f})")
                cpu = locust(stack.env, ports[target], users, args.seconds, f"{target}-{users}",
                             offset, stack)
                offset += users
                results[users][target] = read_stats(f"{target}-{users}")
                total = results[users][target].get("Aggregated", {})
                costs[users][target] = {"rss_mib": stack.web_rss_mib(), "load": load}
                if cpu is not None and total.get("requests"):
                    costs[users][target]["cpu_ms"] = cpu * 1000 / total["requests"]
    finally:
        for stack in stacks.values():
            stack.stop()
        if not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            redis.Redis.from_url(REDIS).flushdb()
    loads = [cost["load"] for c in costs.values() for cost in c.values()]
    out: list[str] = [
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1 min) at the starts of the "
        f"runs {min(loads, default=0):.1f}-{max(loads, default=0):.1f} on {os.cpu_count()} cores",
        f"Load test: demo --scale {args.scale} on PostgreSQL, {os.cpu_count()} cores shared with "
        f"Locust and PostgreSQL; gunicorn: {args.workers} workers × 4 threads, production settings, Redis; "
        "runserver: DEBUG on, as `make demo`. Think time 1-2 s per simulated person."]
    for users in users_list:
        out += table(users, args.seconds, results[users])
        for target, cost in costs[users].items():
            cpu = (f"{cost['cpu_ms']:.0f} ms of CPU per page request"
                   if "cpu_ms" in cost else "CPU not measured (the log-ins did not all succeed)")
            out.append(f"{target}: web processes used {cpu} in the measured window, "
                       f"{cost['rss_mib']:.0f} MiB resident; load average {cost['load']:.1f} at the start")
    say("\n".join(out))
    (VAR / "results.txt").write_text("\n".join(out) + "\n")
    (VAR / "results.json").write_text(json.dumps(
        {str(u): {"pages": r, "cost": costs[u]} for u, r in results.items()}, indent=1))
    failed = sum(row["errors"] for r in results.values() for target, rows in r.items()
                 if target != "runserver" for row in rows.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
