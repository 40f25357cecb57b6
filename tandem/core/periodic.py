"""Periodic jobs, run by one scheduler (``manage.py run_scheduler``).

An app registers its jobs in its own ``periodic.py`` (found when the scheduler starts)::

    from datetime import timedelta
    from tandem.core.periodic import register

    @register("journal_reminders", every=timedelta(days=1))
    def send_journal_reminders() -> str:
        ...
        return f"{sent} reminders"      # a short summary, written to the job's row and the log

Rules for a job: **idempotent** (running it twice, or after a crash half-way, does no harm: it
works from the state in the database, not from "what happened since the last run"), short or
enqueuing background tasks for the long work, and no personal data in the summary it returns.

Each job runs at most once per ``every``, however many schedulers run: a scheduler claims a due
job with one conditional update of the job's row (``PeriodicJobRun``: due, and not leased by
another scheduler), and on PostgreSQL also holds an advisory lock while the job runs, so a job
that outlives its lease is still never run twice at once. A failed job is retried after
``retry_after``. ``run_scheduler`` loops; ``run_scheduler --once`` runs what is due and stops
(for cron or a systemd timer).
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tandem.core.observability import request_id_scope

logger = logging.getLogger("tandem.periodic")

JobFunc = Callable[[], Any]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: JobFunc
    every: timedelta
    # Longest plausible run: another scheduler may take the job over only after this.
    lease: timedelta = timedelta(hours=1)
    retry_after: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "ok", "failed", "not due", "busy" (another scheduler has it)
    result: str = ""


_registry: dict[str, PeriodicJob] = {}
_discovered = False


def register(
    name: str, func: JobFunc | None = None, *, every: timedelta,
    lease: timedelta = timedelta(hours=1), retry_after: timedelta = timedelta(minutes=10),
) -> Any:
    """Register ``func`` to run every ``every``; usable as ``@register(name, every=…)``."""
    if every <= timedelta(0):
        raise ValueError("every must be a positive duration")

    def add(f: JobFunc) -> JobFunc:
        existing = _registry.get(name)
        if existing is not None and existing.func is not f:
            raise ValueError(f"periodic job {name!r} is registered twice")
        _registry[name] = PeriodicJob(name, f, every, lease, min(retry_after, every))
        return f

    return add(func) if func is not None else add


def registered() -> dict[str, PeriodicJob]:
    """Every app's jobs (imports each installed app's ``periodic`` module once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("periodic")
        _discovered = True
    return dict(sorted(_registry.items()))


def _advisory_key(name: str) -> int:
    return zlib.crc32(f"tandem.periodic:{name}".encode())  # fits PostgreSQL's bigint


@contextmanager
def _advisory_lock(name: str) -> Iterator[bool]:
    """On PostgreSQL, a session-level advisory lock for the job's run; elsewhere always True
    (SQLite: one machine, and the lease's conditional update is already serialised)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _advisory_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _claim(job: PeriodicJob, now: datetime, *, force: bool) -> bool:
    from tandem.core.models import PeriodicJobRun

    PeriodicJobRun.objects.bulk_create([PeriodicJobRun(name=job.name)], ignore_conflicts=True)
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
    rows = PeriodicJobRun.objects.filter(free, Q(name=job.name))
    if not force:
        rows = rows.filter(due)
    return rows.update(lease_until=now + job.lease, last_started_at=now) == 1


def run_job(job: PeriodicJob, *, now: datetime | None = None, force: bool = False) -> Outcome:
    """Run ``job`` if it is due (or ``force``) and no other scheduler has it."""
    from tandem.core.models import PeriodicJobRun

    now = now or timezone.now()
    with _advisory_lock(job.name) as locked:
        if not locked:
            return Outcome(job.name, "busy")
        if not _claim(job, now, force=force):
            row = PeriodicJobRun.objects.filter(name=job.name).first()
            busy = row is not None and row.lease_until is not None and row.lease_until > now
            return Outcome(job.name, "busy" if busy else "not due")
        # The job's lines, and the tasks it enqueues, share an id of their own.
        with request_id_scope():
            return _run_claimed(job, now)


def _run_claimed(job: PeriodicJob, now: datetime) -> Outcome:
    from tandem.core.models import PeriodicJobRun

    started = time.perf_counter()
    try:
        result = job.func()
    except Exception as exc:
        logger.exception("periodic job %s failed", job.name, extra={"job": job.name})
        # Due again after retry_after, not after a whole period.
        PeriodicJobRun.objects.filter(name=job.name).update(
            last_status="failed", last_result=type(exc).__name__[:200],
            last_finished_at=timezone.now(), lease_until=None,
            last_started_at=now - job.every + job.retry_after,
        )
        return Outcome(job.name, "failed", type(exc).__name__)
    summary = "" if result is None else str(result)[:200]
    seconds = time.perf_counter() - started
    PeriodicJobRun.objects.filter(name=job.name).update(
        last_status="ok", last_result=summary, last_finished_at=timezone.now(),
        lease_until=None, runs=F("runs") + 1,
    )
    logger.info("periodic job %s done in %.1f s: %s", job.name, seconds, summary,
                extra={"job": job.name, "duration_ms": round(seconds * 1000, 1)})
    return Outcome(job.name, "ok", summary)


def run_due(
    jobs: Iterable[PeriodicJob] | None = None, *, now: datetime | None = None,
    only: Iterable[str] | None = None, force: bool = False,
) -> list[Outcome]:
    """Run every due job once (``only``: these names; ``force``: even if not due)."""
    chosen = list(registered().values()) if jobs is None else list(jobs)
    if only is not None:
        wanted = set(only)
        unknown = wanted - {job.name for job in chosen}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        chosen = [job for job in chosen if job.name in wanted]
    return [run_job(job, now=now, force=force) for job in chosen]


# --- Tandem core's own periodic jobs -------------------------------------------------------------


@register("expire_import_batches", every=timedelta(hours=1))
def expire_import_batches() -> str:
    """Delete uploaded import files nobody confirmed within IMPORT_BATCH_VALID_HOURS."""
    from tandem.core.importing import import_batches_expire

    return f"{import_batches_expire()} expired"


@register("prune_task_results", every=timedelta(days=1))
def prune_task_results() -> str:
    """Forget finished background tasks after 7 days (failed ones after 30): their arguments
    hold addresses and texts of e-mails. On Redis, RQ forgets finished jobs by itself
    (``DEFAULT_RESULT_TTL``) but keeps failed ones a year: those go after 30 days."""
    from django_tasks_db.models import DBTaskResult

    from tandem.core import taskqueue

    now = timezone.now()
    if taskqueue.backend_kind() == taskqueue.REDIS:
        return f"{taskqueue.prune_failed_rq_jobs(older_than=now - timedelta(days=30))} failed jobs deleted"
    if taskqueue.backend_kind() != taskqueue.DATABASE:
        return "not a backend Tandem keeps results in"
    done, _ = DBTaskResult.objects.successful().filter(finished_at__lt=now - timedelta(days=7)).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=now - timedelta(days=30)).delete()
    return f"{done} finished and {failed} failed task results deleted"
