"""Background-task throughput on both backends, measured side by side in one run.

    .venv/bin/python bench/bench_tasks.py [--tasks 2000] [--workers 1,2]

On a throw-away PostgreSQL database (``BENCH_PG``, default the local server) and Redis database
11: enqueues ``--tasks`` e-mail tasks (the real ``send_email`` task, to Django's dummy mail
backend, so the e-mail's transport is not measured) and times N workers
(``manage.py run_worker --batch``) emptying the queue, for the database backend and for Redis.
Tasks per second is what to read: it bounds reminders and notifications per hour.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = "redis://127.0.0.1:6379/11"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    import psycopg
    import redis

    db = f"tandem_bench_tasks_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    env = {**os.environ, "DATABASE_URL": f"{PG}/{db}", "EMAIL_BACKEND": "dummy",
           "TASKS_REDIS_URL": REDIS, "DJANGO_SETTINGS_MODULE": "tandem.settings"}
    python = sys.executable
    rows = []
    try:
        subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        for backend in ("database", "redis"):
            for workers in (int(w) for w in args.workers.split(",")):
                benv = {**env, "TASKS_BACKEND": backend}
                redis.Redis.from_url(REDIS).flushdb()
                enqueue = (f"import django; django.setup(); from tandem.core.tasks import send_email\n"
                           f"for i in range({args.tasks}): send_email.enqueue('s', 'b', [f'x{{i}}@example.org'])")
                t0 = time.perf_counter()
                subprocess.run([python, "-c", enqueue], env=benv, cwd=ROOT, check=True)
                enqueued = time.perf_counter() - t0
                t0 = time.perf_counter()
                procs = [subprocess.Popen([python, "manage.py", "run_worker", "--batch", "-v0"], env=benv,
                                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                         for _ in range(workers)]
                for p in procs:
                    p.wait()
                ran = time.perf_counter() - t0
                rows.append((backend, workers, enqueued, ran))
                print(f"{backend:<9} {workers} worker(s): enqueued {args.tasks} in {enqueued:.1f} s "
                      f"({args.tasks / enqueued:,.0f}/s), ran them in {ran:.1f} s ({args.tasks / ran:,.0f} tasks/s, "
                      f"{args.tasks / ran * 3600:,.0f} an hour)", flush=True)
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        redis.Redis.from_url(REDIS).flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())
