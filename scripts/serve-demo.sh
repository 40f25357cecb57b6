#!/usr/bin/env bash
# Serve the demo: the background-task worker beside the web server, stopped together.
set -euo pipefail
PORT="${PORT:-8000}"
# The demo's coordinators may skip the second factor so the printed log-ins work as they are;
# everywhere else organisation admins and coordinators must set one up (docs/security.md).
export TANDEM_DEMO_MFA_OPTIONAL="${TANDEM_DEMO_MFA_OPTIONAL:-1}"
.venv/bin/python manage.py db_worker --no-reload -v0 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
.venv/bin/python manage.py seed_demo | sed -n '/Demo log-ins/,$p'
echo "Tandem is running on http://127.0.0.1:${PORT}/  (Ctrl+C to stop)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
