#!/usr/bin/env bash
# `make production-check`: Tandem as an organisation runs it (docs/deploy.md), on this machine.
#
#  1. A clean virtual environment: the hashed runtime lock, then `pip install --no-deps .` (a
#     wheel of this checkout, no source tree needed afterwards); `pip check`; `tandem-match`.
#  2. A fresh PostgreSQL database and a Redis database; from a folder outside the checkout, with
#     TANDEM_ENV=production: check --deploy, migrate, collectstatic, seed a small demo.
#  3. Two schedulers at once (`run_scheduler --once`): each periodic job runs once.
#  4. The stack: gunicorn (several workers), a task worker on Redis, the scheduler.
#  5. The smoke test through gunicorn (scripts/smoke_test.py).
#  6. Everything stopped, the database dropped; exit status 0 only if every step passed.
#
# PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379 must be running
# (PRODUCTION_CHECK_PG, PRODUCTION_CHECK_REDIS to use others). PRODUCTION_CHECK_KEEP_VENV=1 keeps
# the environment's packages between runs (the package itself is always reinstalled).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PRODUCTION_CHECK_DIR:-$ROOT/var/production-check}"
PG="${PRODUCTION_CHECK_PG:-postgres://postgres@127.0.0.1:5432}"
REDIS="${PRODUCTION_CHECK_REDIS:-redis://127.0.0.1:6379/9}"
PYTHON="${PYTHON:-$(command -v python3.13 || command -v python3.12 || command -v python3)}"
VENV="$WORK/venv"
LOGS="$WORK/logs"
RUN="$WORK/run"   # the working directory of every process: not the checkout
STARTED=$(date +%s)
# (This machine's pip configuration names package folders that may not exist: not our concern.)
pip_install() { "$VENV/bin/python" -m pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither" >&2); }
step() { printf '\n=== %s (%ds)\n' "$1" "$(( $(date +%s) - STARTED ))"; }

mkdir -p "$WORK" "$LOGS" "$RUN"
rm -f "$LOGS"/*.log

step "1. clean environment: hashed runtime lock, then pip install ."
if [[ "${PRODUCTION_CHECK_KEEP_VENV:-0}" != 1 || ! -x "$VENV/bin/python" ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  pip_install --upgrade pip
fi
pip_install --require-hashes -r "$ROOT/requirements-production.lock"
rm -rf "$WORK/build" && mkdir -p "$WORK/build"
# Built from a copy of the tracked files, as a release archive would be.
git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 tar cf -) | tar xf - -C "$WORK/build"
pip_install --no-deps --force-reinstall "$WORK/build"
"$VENV/bin/python" -m pip check 2> >(grep -v "is ignored: it is neither" >&2)
cd "$RUN"
"$VENV/bin/tandem-match" generate --mentors 40 --learners 60 --seed 1 -o "$RUN/problem.json"
"$VENV/bin/tandem-match" solve "$RUN/problem.json" -o "$RUN/result.json"
"$VENV/bin/python" -c "import json,sys; r=json.load(open('$RUN/result.json')); print('tandem-match:', len(r['pairs']), 'pairs'); sys.exit(0 if r['pairs'] else 1)"
SITE_PACKAGES=$("$VENV/bin/python" -c "import tandem, pathlib; print(pathlib.Path(tandem.__file__).parent)")
echo "tandem installed in $SITE_PACKAGES"
[[ "$SITE_PACKAGES" == "$VENV"/* ]] || { echo "tandem was not imported from the environment"; exit 1; }

step "2. fresh PostgreSQL database and Redis; migrate, collectstatic, demo data"
DB="tandem_prodcheck_$(date +%s)_$$"
PORT=$("$VENV/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export TANDEM_ENV=production
export SECRET_KEY="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="https://127.0.0.1:$PORT"
export DATABASE_URL="$PG/$DB"
export CONN_MAX_AGE=60
export REDIS_URL="$REDIS"
export TASKS_BACKEND=redis
export STATIC_ROOT="$WORK/static"
# The reverse proxy in front ends TLS and says so (the smoke test sends what it would).
export SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https
# No mail server here: e-mails are printed in the worker's log, where the smoke test finds them.
export EMAIL_BACKEND=console
export GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"
export PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=tandem.settings
MANAGE="$VENV/bin/tandem-manage"

PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$VENV/bin/python" - "$PG/postgres" "$DB" "$REDIS" <<'PY' || true
import sys, psycopg, redis
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
redis.Redis.from_url(sys.argv[3]).flushdb()
PY
  if [[ $status -ne 0 ]]; then
    echo; echo "production-check FAILED (exit $status); last lines of each log:"
    for log in "$LOGS"/*.log; do [[ -f "$log" ]] && { echo "--- $log"; tail -n 15 "$log"; }; done
  fi
  exit $status
}
trap cleanup EXIT INT TERM

"$VENV/bin/python" - "$PG/postgres" "$DB" "$REDIS" <<'PY'
import sys, psycopg, redis
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
redis.Redis.from_url(sys.argv[3]).flushdb()
print(f"database {sys.argv[2]} created; Redis {sys.argv[3]} emptied")
PY
# The documented production settings pass the deploy check with no warning.
EMAIL_HOST=smtp.example.org EMAIL_BACKEND= "$MANAGE" check --deploy --fail-level WARNING
"$MANAGE" migrate --noinput -v0
"$MANAGE" collectstatic --noinput -v0
echo "static files: $(find "$STATIC_ROOT" -type f | wc -l) files ($(find "$STATIC_ROOT" -name '*.br' | wc -l) Brotli, $(find "$STATIC_ROOT" -name '*.gz' | wc -l) gzip)"
"$MANAGE" seed_demo --quiet-logins

step "3. two schedulers at once: each periodic job runs once"
"$MANAGE" run_scheduler --once > "$LOGS/scheduler-a.log" 2>&1 & A=$!
"$MANAGE" run_scheduler --once > "$LOGS/scheduler-b.log" 2>&1 & B=$!
wait $A; wait $B
"$MANAGE" shell -v0 -c "
from tandem.core.models import PeriodicJobRun
from tandem.core.periodic import registered
runs = dict(PeriodicJobRun.objects.values_list('name', 'runs'))
print('runs per job:', runs)
assert set(runs) == set(registered()) and set(runs.values()) == {1}, runs
"

step "4. the stack: gunicorn ($WEB_CONCURRENCY workers), a task worker on Redis, the scheduler"
"$VENV/bin/gunicorn" -c python:tandem.gunicorn_conf tandem.wsgi > "$LOGS/web.log" 2>&1 & PIDS+=($!)
"$MANAGE" run_worker > "$LOGS/worker.log" 2>&1 & PIDS+=($!)
"$MANAGE" run_scheduler > "$LOGS/scheduler.log" 2>&1 & PIDS+=($!)
"$VENV/bin/python" - "$PORT" "${PIDS[0]}" <<'PY'
import os, sys, time, urllib.request
for _ in range(240):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz/", timeout=2)
        print(f"gunicorn answers on 127.0.0.1:{sys.argv[1]}")
        break
    except OSError:
        try:
            os.kill(int(sys.argv[2]), 0)
        except OSError:
            sys.exit("gunicorn has stopped")
        time.sleep(0.25)
else:
    sys.exit("gunicorn did not answer within 60 s")
PY

step "5. smoke test through gunicorn"
"$VENV/bin/python" "$ROOT/scripts/smoke_test.py" --base "http://127.0.0.1:$PORT" \
  --worker-log "$LOGS/worker.log" --web-log "$LOGS/web.log"
for pid in "${PIDS[@]}"; do kill -0 "$pid" || { echo "a process of the stack has died"; exit 1; }; done
echo "ok  web, worker and scheduler still running"

step "6. stop everything, drop the database"
echo "production-check passed in $(( $(date +%s) - STARTED )) s"
