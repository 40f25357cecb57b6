"""gunicorn's settings for Tandem (docs/deploy.md), read from the environment:

    gunicorn -c python:tandem.gunicorn_conf tandem.wsgi

``GUNICORN_BIND`` (default 127.0.0.1:8000; behind the reverse proxy that ends TLS),
``WEB_CONCURRENCY`` worker processes (default 2 × cores + 1), ``GUNICORN_THREADS`` threads per
worker (default 4; 1 for gunicorn's sync worker), ``GUNICORN_TIMEOUT`` seconds before a stuck worker is restarted (60).
The application is loaded once before the workers fork (they share its memory). Requests are
logged by Tandem itself (one JSON line each, with the request id, see core/observability.py),
so gunicorn's access log is off; its own messages go to stderr as JSON lines too.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# Threads let a worker answer another request while one waits for the database or Redis (measured
# in docs/scale.md: under load, single-threaded workers queued requests that threads served).
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
preload_app = True
# A worker is replaced after this many requests (a slow leak never grows for long).
max_requests = 5000
max_requests_jitter = 500
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["console"]},
    "formatters": {"json": {"()": "tandem.core.observability.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # Off: it would name the client's address and the query string (Tandem logs requests).
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}


def post_fork(server: object, worker: object) -> None:
    # Connections must never be shared across processes: each worker opens its own.
    from django.db import connections

    connections.close_all()
