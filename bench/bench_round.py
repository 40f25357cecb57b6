"""The web app's matching round against the engine alone, on the same problem, side by side.

    .venv/bin/python bench/bench_round.py                       # demo --scale 20 and 40, AFEV, national
    .venv/bin/python bench/bench_round.py --sizes demo,afev --scales 20
    .venv/bin/python bench/bench_round.py --database sqlite     # without PostgreSQL

A throw-away database (PostgreSQL by default: ``tandem_engine_bench_round`` on 127.0.0.1, dropped at
the end) gets the programme, then for each size:

* **engine**: the pools are read and turned into the engine's problem exactly as the round does
  (untimed), then ``engine.solve`` runs on it with each learner's alternatives — the engine's own
  time, proof included; run before and after each round, the fastest run counts;
* **round**: ``tasks.compute_round`` on a new round of that programme, timed end to end — read
  the pools from the database, build the problem, the same solve, write every proposal with its
  explanation and alternatives and every unmatched learner's reason. The demo size (well under a
  second) is run ``--repeat`` times, alternately with the engine, and the fastest run counts.

The ratio round / engine is what the app costs on top of the engine (target: at most 3x, from
300 learners — issue 11; below that the app's fixed cost of a round, about 25 ms, is more than
the engine's whole time and the ratio is reported without a target).

Sizes: ``demo`` is the biggest programme of ``seed_demo --scale S`` for each of ``--scales``
(20: 164 learners, 40: 330, each in a new database); ``afev`` is an AFEV-sized
programme (7,000 volunteers, 10,000 learners) and ``national`` a national round (100,000 of each),
both written in bulk from the engine's synthetic generator (real towns, languages, fields and
weekly availability), every learner an adult on the waiting list and every volunteer ready.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = "postgres://postgres@127.0.0.1:5432/tandem_engine_bench_round"
SIZES = {"afev": (7_000, 10_000), "national": (100_000, 100_000)}  # (volunteers, learners)


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def bulk_programme(label: str, volunteers: int, learners: int, seed: int = 2026) -> Any:
    """A programme with ``volunteers`` ready volunteers and ``learners`` waiting adult learners."""
    from django.db import transaction

    from tandem.core.models import Organisation, Person, Programme
    from tandem.intake.models import Learner
    from tandem.matching.engine.generate import ROUND_DATE, generate_problem
    from tandem.onboarding.models import Volunteer

    problem = generate_problem(mentors=volunteers, learners=learners, seed=seed, capacity=(1, 2),
                               exclusion_share=0.0)
    genders = {"F": "female", "M": "male", "X": "other"}
    born = date(1990, 1, 1)
    with transaction.atomic():
        organisation = Organisation.objects.create(name=f"Bench {label}", slug=f"bench-{label}", country="FR")
        programme = Programme.objects.create(
            organisation=organisation, name=f"Bench {label}", slug=f"bench-{label}", country="FR",
            languages=["fr"], requirements={"safeguarding_certificate_required": False,
                                            "interview_required": False, "references_required": 0,
                                            "training_hours_required": 0})
        for start in range(0, volunteers, 5000):
            chunk = problem.mentors[start : start + 5000]
            people = Person.objects.bulk_create([
                Person(organisation=organisation, given_name=m.id, family_name="Mentor", language="fr", date_of_birth=born)
                for m in chunk])
            Volunteer.objects.bulk_create([
                Volunteer(programme=programme, person=person, state="ready", languages=list(m.languages),
                          expertise=list(m.expertise), availability=list(m.availability), capacity=m.capacity,
                          latitude=m.latitude, longitude=m.longitude, gender=genders.get(m.gender or "", ""))
                for person, m in zip(people, chunk, strict=True)])
        for start in range(0, learners, 5000):
            chunk = problem.learners[start : start + 5000]
            people = Person.objects.bulk_create([
                Person(organisation=organisation, given_name=lrn.id, family_name="Learner", language="fr",
                       date_of_birth=born + timedelta(days=3650)) for lrn in chunk])
            Learner.objects.bulk_create([
                Learner(programme=programme, person=person, state="waiting", languages=list(lrn.languages),
                        availability=list(lrn.availability), latitude=lrn.latitude, longitude=lrn.longitude,
                        mentor_wishes=" ".join(lrn.needs),
                        gender_preference={"F": "female", "M": "male"}.get(lrn.gender_preference or "", "any"),
                        waiting_since=lrn.waiting_since or ROUND_DATE)
                for person, lrn in zip(people, chunk, strict=True)])
    return programme


def measure(programme: Any, *, repeat: int = 1) -> dict[str, Any]:
    from django.utils import timezone

    from tandem.matching import engine
    from tandem.matching import problem as adapter
    from tandem.matching.models import MatchingRound
    from tandem.matching.tasks import ALTERNATIVES, compute_round

    today = timezone.localdate()
    volunteers, learners = adapter.pools(programme=programme, today=today)
    built = adapter.build_problem(programme=programme, today=today, volunteers=volunteers, learners=learners)

    def engine_alone() -> tuple[float, Any]:
        clock = time.perf_counter()
        result = engine.solve(built.problem, alternatives=ALTERNATIVES)
        return time.perf_counter() - clock, result

    def app_round() -> tuple[float, dict[str, Any]]:
        matching_round = MatchingRound.objects.create(programme=programme, status=MatchingRound.Status.RUNNING)
        clock = time.perf_counter()
        stats = compute_round(matching_round)
        return time.perf_counter() - clock, stats

    # The engine before and after each round, and the fastest of each: the machine is shared,
    # and a slow engine run would flatter the ratio (a slow round would spoil it). Small rounds
    # are run ``repeat`` times each, alternately; a round's stages are those of its fastest run.
    engine_runs, round_runs = [engine_alone()], []
    for _ in range(repeat):
        round_runs.append(app_round())
        engine_runs.append(engine_alone())
    engine_s, result = min(engine_runs, key=lambda run: run[0])
    round_s, stats = min(round_runs, key=lambda run: run[0])
    assert stats["matched"] == result.matched, (stats, result.matched)
    return {"volunteers": stats["volunteers"], "learners": stats["learners"], "matched": stats["matched"],
            "optimal": stats["optimal"], "engine": engine_s, "engine_in_round": stats["engine_seconds"],
            "round": round_s, "stages": stats["stages"], "runs": repeat}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,afev,national", help="comma-separated: demo, afev, national")
    parser.add_argument("--scales", default="20,40", help="comma-separated seed_demo --scale for the demo size")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (and engine runs) of the demo size; "
                        "the fastest of each counts")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", POSTGRES),
                        help="a PostgreSQL URL (created fresh, dropped after) or 'sqlite'")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    postgres = args.database != "sqlite"
    if postgres:
        _fresh_postgres(args.database)
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='tandem-bench-')}/round.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from tandem.core.models import Programme
    from tandem.intake.models import Learner

    try:
        call_command("migrate", verbosity=0)
        rows = []
        runs = [(size, int(scale)) for size in sizes for scale in (args.scales.split(",") if size == "demo" else [0])]
        for number, (size, scale) in enumerate(runs):
            started = time.perf_counter()
            if size == "demo":
                if number:  # a new, empty database for the next scale
                    connections.close_all()
                    if postgres:
                        _fresh_postgres(args.database)
                    else:
                        Path(connection.settings_dict["NAME"]).unlink()
                    call_command("migrate", verbosity=0)
                call_command("seed_demo", "--scale", str(scale), "--quiet-logins", verbosity=0)
                programme = max(Programme.objects.all(), key=lambda p: Learner.objects.filter(
                    programme=p, state="waiting").count())
                label = f"demo --scale {scale}"
            else:
                volunteers, learners = SIZES[size]
                programme = bulk_programme(size, volunteers, learners)
                label = f"{size} ({volunteers:,} x {learners:,})"
            setup_s = time.perf_counter() - started
            row = measure(programme, repeat=args.repeat if size == "demo" else min(args.repeat, 3) if size == "afev" else 1)
            rows.append((label, row))
            stages = ", ".join(f"{name} {seconds:.3f}" for name, seconds in row["stages"].items())
            print(f"  {label}: setup {setup_s:.1f} s, engine {row['engine']:.3f} s, round {row['round']:.3f} s "
                  f"({stages}; fastest of {row['runs']})", file=sys.stderr, flush=True)
        print(f"\nApp round against the engine on the same problem ({connection.vendor}, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):")
        header = (f"{'programme':<30}{'volunteers':>11}{'learners':>10}{'matched':>9}{'optimal':>9}"
                  f"{'engine s':>10}{'round s':>9}{'round/engine':>14}")
        print(header)
        print("-" * len(header))
        for label, row in rows:
            ratio = row["round"] / max(row["engine"], 1e-9)
            verdict = ("PASS" if ratio <= 3 else "FAIL") if row["learners"] >= 300 else "under 300 learners: no target"
            print(f"{label:<30}{row['volunteers']:>11,}{row['learners']:>10,}{row['matched']:>9,}"
                  f"{'proved' if row['optimal'] else 'no':>9}{row['engine']:>10.3f}{row['round']:>9.3f}"
                  f"{ratio:>13.2f}x [{verdict}]")
    finally:
        if postgres:
            _drop_postgres(args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
