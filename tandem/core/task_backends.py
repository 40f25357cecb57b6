"""Tandem's Redis task backend: django-tasks-rq's, making Django's own ``django.tasks.Task``.

django-tasks-rq 0.12 is written for the ``django-tasks`` backport: ``@task()`` asks the backend
for its ``task_class``, and its backend answers with the backport's ``Task``, so a task module
imported under ``TASKS_BACKEND=redis`` would hold objects that Django 6.1's own backends (the
database one) refuse, and the other way round. With Django's ``Task`` here, the same task objects
run on either backend; django-tasks-rq's job class accepts them (its ``compat.TASK_CLASSES``).
"""

from __future__ import annotations

from django.tasks import Task
from django_tasks_rq import RQBackend


class RedisBackend(RQBackend):
    task_class = Task  # type: ignore[assignment]
