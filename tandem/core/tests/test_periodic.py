"""Periodic jobs: registered by the apps, run once per period however many schedulers overlap,
retried after a failure, and run by ``manage.py run_scheduler``."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from tandem.core import periodic
from tandem.core.models import PeriodicJobRun


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"call {self.calls}"


def job(name: str, func: Any, every: timedelta = timedelta(hours=1)) -> periodic.PeriodicJob:
    return periodic.PeriodicJob(name, func, every)


def test_the_apps_register_their_jobs() -> None:
    jobs = periodic.registered()
    assert {"check_certificates", "expire_import_batches", "prune_task_results", "apply_retention",
            "send_journal_reminders"} <= set(jobs)
    assert jobs["check_certificates"].every == timedelta(days=1)


def test_register_refuses_a_second_job_of_the_same_name_and_a_bad_period() -> None:
    periodic.registered()  # the apps' jobs, whichever test ran first
    with pytest.raises(ValueError, match="twice"):
        periodic.register("check_certificates", lambda: None, every=timedelta(days=1))
    with pytest.raises(ValueError, match="positive"):
        periodic.register("never", lambda: None, every=timedelta(0))


@pytest.mark.django_db
def test_a_job_runs_once_per_period() -> None:
    counter = Counter()
    jobs = [job("count", counter)]
    start = timezone.now()
    assert [o.status for o in periodic.run_due(jobs, now=start)] == ["ok"]
    assert [o.status for o in periodic.run_due(jobs, now=start + timedelta(minutes=59))] == ["not due"]
    assert counter.calls == 1
    assert [o.status for o in periodic.run_due(jobs, now=start + timedelta(hours=1))] == ["ok"]
    run = PeriodicJobRun.objects.get(name="count")
    assert (counter.calls, run.runs, run.last_status, run.last_result) == (2, 2, "ok", "call 2")
    assert run.lease_until is None


@pytest.mark.django_db
def test_a_job_another_scheduler_holds_is_left_alone() -> None:
    counter = Counter()
    now = timezone.now()
    PeriodicJobRun.objects.create(name="count", lease_until=now + timedelta(minutes=5))
    assert [o.status for o in periodic.run_due([job("count", counter)], now=now)] == ["busy"]
    assert counter.calls == 0
    # A crashed scheduler's lease runs out: the job is taken over.
    later = now + timedelta(minutes=6)
    assert [o.status for o in periodic.run_due([job("count", counter)], now=later)] == ["ok"]


@pytest.mark.django_db
def test_a_failed_job_is_logged_retried_soon_and_does_not_stop_the_others(caplog: Any) -> None:
    def broken() -> None:
        raise RuntimeError("disk full")

    counter = Counter()
    jobs = [job("broken", broken, every=timedelta(days=1)), job("count", counter)]
    now = timezone.now()
    assert [(o.name, o.status) for o in periodic.run_due(jobs, now=now)] == [
        ("broken", "failed"), ("count", "ok")]
    assert "periodic job broken failed" in caplog.text
    run = PeriodicJobRun.objects.get(name="broken")
    assert (run.last_status, run.last_result, run.lease_until) == ("failed", "RuntimeError", None)
    assert periodic.run_due(jobs[:1], now=now + timedelta(minutes=9))[0].status == "not due"
    assert periodic.run_due(jobs[:1], now=now + timedelta(minutes=10))[0].status == "failed"


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_schedulers_run_a_job_once() -> None:
    """Two schedulers (threads, each with its own database connection) look at the same due job
    while the first is still running it: the second leaves it alone."""
    inside, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append(threading.current_thread().name)
        inside.set()
        assert release.wait(30)
        return "done"

    jobs = [job("slow", slow)]
    outcomes: dict[str, str] = {}

    def scheduler(name: str) -> None:
        try:
            outcomes[name] = periodic.run_due(jobs)[0].status
        finally:
            connections.close_all()

    first = threading.Thread(target=scheduler, args=("first",), name="first")
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=scheduler, args=("second",), name="second")
    second.start()
    second.join(30)
    release.set()
    first.join(30)
    assert outcomes == {"first": "ok", "second": "busy"}
    assert calls == ["first"]
    # And after the first is done, the job is not due again for an hour.
    assert periodic.run_due(jobs)[0].status == "not due"


@pytest.mark.django_db(transaction=True)
def test_postgresql_advisory_lock_keeps_a_job_from_running_twice() -> None:
    """Even past its lease (a job running longer than planned), a job another scheduler is
    running is not started again: that scheduler holds the job's advisory lock."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None, port=settings["PORT"] or None, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [periodic._advisory_key("count")])
        counter = Counter()
        assert periodic.run_due([job("count", counter)])[0].status == "busy"
        assert counter.calls == 0
        other.execute("SELECT pg_advisory_unlock(%s)", [periodic._advisory_key("count")])
        assert periodic.run_due([job("count", counter)])[0].status == "ok"
    finally:
        other.close()


@pytest.mark.django_db
def test_run_scheduler_once_runs_the_registered_jobs_and_lists_them() -> None:
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "check_certificates: ok — certificates: 0 reminders sent, 0 newly expired" in out.getvalue()
    assert "expire_import_batches: ok — 0 expired" in out.getvalue()
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue() == ""  # nothing due any more
    out = StringIO()
    call_command("run_scheduler", "--once", "--job", "expire_import_batches", "--force", stdout=out)
    assert out.getvalue() == "expire_import_batches: ok — 0 expired\n"
    assert PeriodicJobRun.objects.get(name="expire_import_batches").runs == 2
    out = StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "check_certificates" in out.getvalue() and "every 1 day" in out.getvalue()


@pytest.mark.django_db
def test_run_scheduler_names_an_unknown_job() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No periodic job named nope"):
        call_command("run_scheduler", "--once", "--job", "nope")
