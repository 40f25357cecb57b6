"""Run a background-task worker for the configured backend (``TASKS_BACKEND``).

    manage.py run_worker            # until stopped (SIGTERM/SIGINT finish the current task)
    manage.py run_worker --batch    # run what is waiting now, then stop (tests, one-off runs)

On the database backend this is ``db_worker``; on Redis, RQ's ``rqworker`` with
django-tasks-rq's job class (``core.task_backends.Job``, which restores the request id). Start as many as the work needs, on as many machines as needed
(on the database backend, each worker locks the row of the task it runs).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core import taskqueue


class Command(BaseCommand):
    help = "Run a background-task worker for the configured task backend (TASKS_BACKEND)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="append", dest="queues",
                            help="A queue to take tasks from (default: all the backend's queues).")
        parser.add_argument("--batch", action="store_true",
                            help="Run the tasks waiting now, then stop.")
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="Stop after this many tasks (a supervisor starts a fresh one).")
        parser.add_argument("--no-fork", action="store_true",
                            help="Redis: run each task in the worker process itself (RQ's "
                                 "SimpleWorker) instead of a fresh child process per task.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = taskqueue.backend_kind()
        queues = options["queues"] or taskqueue.queue_names()
        verbosity = int(options["verbosity"])
        if kind == taskqueue.DATABASE:
            worker_args = ["--no-reload", "--queue-name", ",".join(queues)]
            if options["batch"]:
                worker_args += ["--batch", "--no-startup-delay"]
            if options["max_tasks"]:
                worker_args += ["--max-tasks", str(options["max_tasks"])]
            # db_worker's verbosity 0 would silence failed tasks too: at least 1 (a line per task,
            # with its id and path, and a failed task's type and stack).
            call_command("db_worker", *worker_args, verbosity=max(verbosity, 1))
        elif kind == taskqueue.REDIS:
            # RQ logs each job with its arguments (addresses, texts) at INFO: keep it at WARNING.
            # Tandem's own lines (task started/finished, with ids) come from django-tasks' signals.
            logging.getLogger("rq.worker").setLevel(logging.WARNING)
            call_command(
                "rqworker", *queues, job_class="tandem.core.task_backends.Job", with_scheduler=True,
                burst=options["batch"], max_jobs=options["max_tasks"], verbosity=0,
                worker_class="rq.worker.SimpleWorker" if options["no_fork"] else None,
            )
        else:
            raise CommandError(
                f"TASKS_BACKEND {kind} runs its tasks without a worker of Tandem's; "
                "use 'database' or 'redis'."
            )
