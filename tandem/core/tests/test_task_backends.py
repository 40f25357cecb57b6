"""The same task code on both backends: the database (default) and Redis (django-tasks-rq).

Each test runs once per backend, with the real worker command (``manage.py run_worker``). The
Redis variant is skipped when no Redis answers on 127.0.0.1:6379, and fails instead with
TANDEM_REQUIRE_REDIS=1 (CI). CI also runs every test that uses ``run_tasks`` on Redis
(``TASKS_BACKEND=redis``, see .ci/run)."""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core import periodic, taskqueue
from tandem.core.observability import JsonFormatter
from tandem.core.tasks import send_email
from tandem.core.testing import use_task_backend

BACKENDS = ["database", "redis"]


@task()
def refuse_to_work(address: str) -> None:
    """A task that fails, with the address it was given in its message."""
    raise ValueError(f"cannot write to {address}")


@pytest.fixture(params=BACKENDS)
def backend(request: Any, settings: Any) -> str:
    use_task_backend(settings, request.param)
    assert taskqueue.backend_kind() == request.param
    return str(request.param)


def _age_oldest_task(kind: str, seconds: int) -> None:
    """Pretend the oldest waiting task was enqueued ``seconds`` ago (a stopped worker)."""
    when = timezone.now() - timedelta(seconds=seconds)
    if kind == "database":
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.ready().update(enqueued_at=when) >= 1
    else:
        import django_rq

        queue = django_rq.get_queue("default")
        job = queue.fetch_job(queue.get_job_ids(0, 1)[0])
        assert job is not None
        job.enqueued_at = when.replace(tzinfo=None)  # RQ keeps naive UTC
        job.save()


def test_a_task_runs_on_the_worker_and_its_result_is_kept(backend: str, run_tasks: Any) -> None:
    result = send_email.enqueue("Hello", "Body", ["someone@example.org"])
    assert mail.outbox == []  # nothing runs before a worker takes it
    assert taskqueue.backlog_age_seconds() is not None
    run_tasks()
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]
    assert send_email.get_result(result.id).status == "SUCCESSFUL"
    assert send_email.get_result(result.id).return_value == 1
    assert taskqueue.backlog_age_seconds() is None


def test_the_apps_tasks_run_on_either_backend(
    backend: str, world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    """An invitation e-mailed from a coordinator's form, through the backend's worker."""
    url = reverse("core:invitations", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("coordinator").post(
            url, {"email": "nieuw@example.org", "role": "mentor", "language": "nl"})
    assert response.status_code == 302
    run_tasks()
    assert len(mail.outbox) == 1 and "Uitnodiging" in mail.outbox[0].subject


def test_a_failing_task_is_recorded_and_logged_without_its_message(
    backend: str, run_tasks: Any, caplog: Any
) -> None:
    result = refuse_to_work.enqueue("private.person@example.org")
    with caplog.at_level(logging.INFO):
        run_tasks()
    failed = refuse_to_work.get_result(result.id)
    assert failed.status == "FAILED"
    assert failed.errors[-1].exception_class_path == "builtins.ValueError"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert errors, [r.getMessage() for r in caplog.records]
    line = JsonFormatter().format(errors[-1])
    assert json.loads(line)["exception"]["type"] == "builtins.ValueError"
    assert json.loads(line)["exception"]["stack"]  # where it failed: file, line, code
    for record in caplog.records:  # the worker's own lines too (RQ pastes the traceback in)
        assert "private.person" not in JsonFormatter().format(record)


def test_health_fails_when_tasks_wait_too_long_and_recovers(
    backend: str, run_tasks: Any, client: Any, settings: Any
) -> None:
    settings.HEALTHZ_TASK_BACKLOG_SECONDS = 600
    send_email.enqueue("Hello", "Body", ["someone@example.org"])
    assert client.get(reverse("core:healthz")).status_code == 200  # waiting, but not for long
    _age_oldest_task(backend, 3600)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False and tasks["backend"] == backend
    assert tasks["oldest_waiting_seconds"] >= 3600
    run_tasks()
    assert client.get(reverse("core:healthz")).status_code == 200


def test_task_result_retention(backend: str, run_tasks: Any) -> None:
    """The daily job forgets old task results (their arguments hold addresses)."""
    ok = send_email.enqueue("Hello", "Body", ["someone@example.org"])
    bad = refuse_to_work.enqueue("private.person@example.org")
    run_tasks()
    assert periodic.prune_task_results()  # nothing old enough yet
    assert send_email.get_result(ok.id).status == "SUCCESSFUL"
    if backend == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=31))
        assert periodic.prune_task_results() == "1 finished and 1 failed task results deleted"
        assert not DBTaskResult.objects.exists()
    else:
        import django_rq

        queue = django_rq.get_queue("default")
        job = queue.fetch_job(bad.id)
        assert job is not None and job.id in queue.failed_job_registry.get_job_ids()
        job.ended_at = (timezone.now() - timedelta(days=31)).replace(tzinfo=None)
        job.save()
        assert periodic.prune_task_results() == "1 failed jobs deleted"
        assert queue.fetch_job(bad.id) is None


@pytest.mark.parametrize("kind", BACKENDS)
def test_tasks_are_djangos_own_whichever_backend_is_configured(kind: str, tmp_path: Any) -> None:
    """A process started with either backend makes django.tasks.Task objects (so that a task
    module imported under one backend still runs on the other, see core/task_backends.py)."""
    import subprocess
    import sys

    from tandem.core.tests.test_deploy import ROOT

    code = ("import django; django.setup(); from django.tasks import Task, task_backends; "
            "from tandem.core.tasks import send_email; "
            "print(type(send_email) is Task, type(task_backends['default']).__name__)")
    env = {**os.environ, "TASKS_BACKEND": kind,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", {"database": "DatabaseBackend", "redis": "RedisBackend"}[kind]]


# --- The request id travels with the task ------------------------------------------------------


@pytest.fixture
def task_log() -> Any:
    """What the production log handler writes (ContextFilter + JsonFormatter), with the task
    loggers' start and end lines."""
    from io import StringIO

    from tandem.core.observability import ContextFilter

    out = StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    names = ("tandem", "django.tasks", "django_tasks")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _in_a_request(request_id: str, work: Any) -> str:
    """Run ``work`` inside a request that came with ``request_id`` (as from the proxy)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tandem.core.observability import RequestIdMiddleware

    def view(request: Any) -> HttpResponse:
        work()
        return HttpResponse()

    response = RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": request_id}))
    return str(response["X-Request-ID"])


def test_a_task_logs_with_the_id_of_the_request_that_enqueued_it(
    backend: str, run_tasks: Any, task_log: Any
) -> None:
    request_id = "proxy-req-0001"
    enqueued: dict[str, Any] = {}

    def work() -> None:
        enqueued["sent"] = send_email.enqueue("Hello", "Body", ["someone@example.org"])
        enqueued["failed"] = refuse_to_work.enqueue("private.person@example.org")

    assert _in_a_request(request_id, work) == request_id
    later = send_email.enqueue("Hello", "Body", ["other@example.org"])  # outside any request
    run_tasks()
    entries = task_log()
    # The worker (here, this very process) is back to no id between tasks.
    from tandem.core.observability import current_request_id

    assert current_request_id() == ""

    def of(result: Any) -> list[dict[str, Any]]:
        return [entry for entry in entries if entry.get("task", "").endswith(f"#{result.id}")]

    sent, failed, other = of(enqueued["sent"]), of(enqueued["failed"]), of(later)
    # Started and finished, each line with the request's id and the task's name.
    assert [e["message"].rsplit("state=", 1)[1] for e in sent] == ["RUNNING", "SUCCESSFUL"], sent
    assert {e["request_id"] for e in sent} == {request_id}
    assert {e["request_id"] for e in failed} == {request_id}
    assert sent[0]["task"] == f"tandem.core.tasks.send_email#{enqueued['sent'].id}"
    # The failure: where and what, with the request id; not the address it was given.
    [error] = [e for e in failed if e["level"] == "ERROR" and "exception" in e]
    assert error["exception"]["type"] == "builtins.ValueError"
    assert any("refuse_to_work" in frame for frame in error["exception"]["stack"])
    assert "private.person" not in json.dumps(entries)
    # A task enqueued outside a request gets an id of its own, not the previous task's.
    assert other and len({e["request_id"] for e in other}) == 1
    assert other[0]["request_id"] not in (request_id, "-")


def test_a_periodic_job_and_the_tasks_it_enqueues_share_an_id(
    backend: str, run_tasks: Any, task_log: Any
) -> None:
    enqueued: list[Any] = []

    def remind() -> str:
        logging.getLogger("tandem.test").info("reminding")
        enqueued.append(send_email.enqueue("Reminder", "Body", ["someone@example.org"]))
        return "1 reminder"

    job = periodic.PeriodicJob(name="test_remind", func=remind, every=timedelta(days=1))
    assert periodic.run_job(job, force=True).status == "ok"
    run_tasks()
    entries = task_log()
    [reminding] = [e for e in entries if e["message"] == "reminding"]
    assert reminding["request_id"] not in ("", "-")
    task_lines = [e for e in entries if e.get("task", "").endswith(f"#{enqueued[0].id}")]
    assert task_lines and {e["request_id"] for e in task_lines} == {reminding["request_id"]}
