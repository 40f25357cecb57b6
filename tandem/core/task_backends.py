"""Tandem's Redis task backend: django-tasks-rq's, making Django's own ``django.tasks.Task``.

django-tasks-rq 0.12 is written for the ``django-tasks`` backport: ``@task()`` asks the backend
for its ``task_class``, and its backend answers with the backport's ``Task``, so a task module
imported under ``TASKS_BACKEND=redis`` would hold objects that Django 6.1's own backends (the
database one) refuse, and the other way round. With Django's ``Task`` here, the same task objects
run on either backend; django-tasks-rq's job class accepts them (its ``compat.TASK_CLASSES``).

The request id (``core.observability``) travels with each task: on Redis in the RQ job's
``meta`` (``Queue`` below, the queues' ``QUEUE_CLASS``), read back by the worker's ``Job``; on
the database in the task row (``observability.remember_request_id``).
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task
from django_rq.queues import DjangoRQ
from django_tasks_rq import RQBackend
from django_tasks_rq.backend import Job as RQJob

from tandem.core import observability


class RedisBackend(RQBackend):
    task_class = Task  # type: ignore[assignment]


class Queue(DjangoRQ):
    """RQ's queue, keeping the enqueuing request's id in the job's ``meta``."""

    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        request_id = observability.current_request_id()
        if request_id:
            kwargs["meta"] = {**(kwargs.get("meta") or {}), observability.TASK_REQUEST_ID: request_id}
        return super().create_job(*args, **kwargs)


class Job(RQJob):
    """django-tasks-rq's job (``run_worker``'s job class): runs with the enqueuing request's id,
    so that every line the task writes carries it."""

    def perform(self) -> Any:
        observability.set_task_request_id(self.meta.get(observability.TASK_REQUEST_ID))
        return super().perform()
