#!/usr/bin/env bash
# Serve the demo: the background-task worker beside the web server, stopped together.
set -euo pipefail
PORT="${PORT:-8000}"
# The demo's coordinators may skip the second factor so the printed log-ins work as they are;
# everywhere else organisation admins and coordinators must set one up (docs/security.md).
export TANDEM_DEMO_MFA_OPTIONAL="${TANDEM_DEMO_MFA_OPTIONAL:-1}"
# Links in e-mails point at this server (the worker sends them, so it needs it too).
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
# Upload files never confirmed are deleted after IMPORT_BATCH_VALID_HOURS (production: cron).
.venv/bin/python manage.py expire_import_batches -v0
.venv/bin/python manage.py seed_demo | sed -n '/Demo log-ins/,$p'
# The worker starts after the seeding: on SQLite, the first seeding's long write would lock it
# out ("database is locked") and it would stop.
.venv/bin/python manage.py db_worker --no-reload -v0 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo "Tandem is running on http://127.0.0.1:${PORT}/  (Ctrl+C to stop)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
