"""Run the periodic jobs (tandem/core/periodic.py): certificate expiry, import clean-up, …

    manage.py run_scheduler               # loop: every --interval seconds, run what is due
    manage.py run_scheduler --once        # run what is due, then stop (cron, systemd timer)
    manage.py run_scheduler --list        # the jobs, how often, when each last ran
    manage.py run_scheduler --once --job check_certificates --force   # one job now

Safe to run on several machines at once: each job runs once per period (see core.periodic).
Exits 1 when a job failed in a ``--once`` run.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from tandem.core import periodic
from tandem.core.models import PeriodicJobRun


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (once, or in a loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")
        parser.add_argument("--interval", type=int, default=60,
                            help="Seconds between two looks at what is due (default 60).")
        parser.add_argument("--job", action="append", dest="jobs", help="Only this job (repeat).")
        parser.add_argument("--force", action="store_true",
                            help="Run the chosen jobs even if they are not due.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic.registered()
        if options["list"]:
            runs = {run.name: run for run in PeriodicJobRun.objects.all()}
            for name, job in jobs.items():
                run = runs.get(name)
                last = (f"last started {timezone.localtime(run.last_started_at):%Y-%m-%d %H:%M}, {run.last_status}: "
                        f"{run.last_result}" if run and run.last_started_at else "never run")
                self.stdout.write(f"{name:<28} every {job.every}  {last}")
            return
        unknown = set(options["jobs"] or ()) - set(jobs)
        if unknown:
            raise CommandError(f"No periodic job named {', '.join(sorted(unknown))}; "
                               f"known: {', '.join(jobs)}")
        if options["once"]:
            outcomes = self.run(options)
            if any(o.status == "failed" for o in outcomes):
                raise SystemExit(1)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            self.run(options)
            close_old_connections()
            stop.wait(options["interval"])

    def run(self, options: dict[str, Any]) -> list[periodic.Outcome]:
        outcomes = periodic.run_due(only=options["jobs"], force=options["force"])
        for outcome in outcomes:
            if options["verbosity"] >= 1 and (outcome.status != "not due" or options["verbosity"] > 1):
                self.stdout.write(f"{outcome.name}: {outcome.status}"
                                  + (f" — {outcome.result}" if outcome.result else ""))
        return outcomes
