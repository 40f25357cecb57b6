"""Which task backend runs Tandem's background work, and how far behind it is.

The same task code (``@task()`` from ``django.tasks``) runs on either backend, chosen by
``TASKS_BACKEND`` (settings, "Running for real"):

- ``database`` (default): ``django_tasks_db``, the tasks wait in a table of the database; one
  machine, nothing else to run (``make demo``). Worker: ``manage.py run_worker`` (= ``db_worker``).
- ``redis``: ``django_tasks_rq`` on RQ (``tandem.core.task_backends.RedisBackend``); the tasks wait in Redis (``TASKS_REDIS_URL``), and any
  number of workers on any number of machines take them. Worker: ``manage.py run_worker``
  (= ``rqworker --job-class tandem.core.task_backends.Job``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.tasks import task_backends
from django.utils import timezone

DATABASE = "database"
REDIS = "redis"


def backend_kind(alias: str = "default") -> str:
    """``database``, ``redis`` or the backend's dotted path for any other backend."""
    backend = type(task_backends[alias])
    path = f"{backend.__module__}.{backend.__qualname__}"
    if path.startswith("django_tasks_db."):
        return DATABASE
    if path.startswith("django_tasks_rq.") or path == "tandem.core.task_backends.RedisBackend":
        return REDIS
    return path


def queue_names(alias: str = "default") -> list[str]:
    return sorted(task_backends[alias].queues) or ["default"]


def backlog_age_seconds(alias: str = "default") -> float | None:
    """How long the oldest task that could run now has been waiting, in seconds; ``None`` when
    nothing waits (or the backend keeps no queue, e.g. the immediate backend in tests)."""
    kind = backend_kind(alias)
    now = timezone.now()
    oldest: datetime | None = None
    if kind == DATABASE:
        from django_tasks_db.models import DBTaskResult

        oldest = (
            DBTaskResult.objects.ready()
            .filter(backend_name=alias)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    elif kind == REDIS:
        import django_rq

        for name in queue_names(alias):
            queue = django_rq.get_queue(name)
            for job_id in queue.get_job_ids(0, 1):
                job = queue.fetch_job(job_id)
                enqueued = job.enqueued_at if job is not None else None
                if enqueued is not None:
                    if timezone.is_naive(enqueued):  # RQ stores UTC
                        enqueued = enqueued.replace(tzinfo=UTC)
                    oldest = enqueued if oldest is None else min(oldest, enqueued)
    if oldest is None:
        return None
    return max(0.0, (now - oldest).total_seconds())


def prune_failed_rq_jobs(*, older_than: datetime, alias: str = "default") -> int:
    """Delete failed RQ jobs (their arguments hold addresses and texts) that ended before
    ``older_than``; RQ itself would keep them a year."""
    import django_rq

    deleted = 0
    for name in queue_names(alias):
        queue = django_rq.get_queue(name)
        registry = queue.failed_job_registry
        for job_id in registry.get_job_ids():
            job = queue.fetch_job(job_id)
            ended = job.ended_at if job is not None else None
            if ended is not None and timezone.is_naive(ended):
                ended = ended.replace(tzinfo=UTC)
            if job is None:
                registry.remove(job_id)  # already expired: only its entry is left
            elif ended is not None and ended < older_than:
                registry.remove(job, delete_job=True)
                deleted += 1
    return deleted
