"""What ``/healthz/`` checks: the database answers, the cache answers, and no background task
has waited longer than ``HEALTHZ_TASK_BACKLOG_SECONDS`` (a stopped or overwhelmed worker).
Any failure makes it answer 503, so a load balancer takes the process out and a monitor
raises the alarm. The answer holds no data: check names, ok or not, timings, the backlog's age."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tandem.core import taskqueue

logger = logging.getLogger("tandem.health")


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone() == (1,)
    return {"ok": ok}


def check_cache() -> dict[str, Any]:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok}


def check_tasks() -> dict[str, Any]:
    age = taskqueue.backlog_age_seconds()
    limit = settings.HEALTHZ_TASK_BACKLOG_SECONDS
    return {
        "ok": age is None or age <= limit,
        "backend": taskqueue.backend_kind(),
        "oldest_waiting_seconds": None if age is None else round(age),
        "limit_seconds": limit,
    }


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_tasks,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # the failure is the answer; its type goes to the log
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            result = {"ok": False, "error": type(exc).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(r["ok"] for r in results.values()), results
