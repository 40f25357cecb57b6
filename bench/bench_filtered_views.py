"""An observer's filtered results views, before and after the joint protection, side by side.

    .venv/bin/python bench/bench_filtered_views.py [--repeat 5] [--sites 40] [--pairs 1600]

Builds a throw-away SQLite database with the demo data, adds a generated programme with
``--sites`` sites (two schools each, pairs over three school years, sizes drawn so that many
cells are small), then times, through the test client as the programme's observer (a funder):
the unfiltered dashboard, a site view, a school-year view and a site-in-a-year view, each
*before* (each view protected on its own, as on main: ``report.build`` without ``counts``) and
*after* (the view read from the joint run: ``selectors.parts`` + ``report.joint_counts``). The
ratio column is each view's time over the unfiltered one's; the target is at most 2.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _sqlite_django  # noqa: E402


def forty_sites(organisation: Any, *, sites: int, pairs: int, seed: int = 20261127) -> Any:
    """A programme with ``sites`` sites of two schools each and ``pairs`` started pairs over three
    school years (two goals a pair, one reached in three), written in bulk."""
    from datetime import date, timedelta

    from django.utils import timezone

    from tandem.core.models import PartnerInstitution, Person, Programme, Site
    from tandem.intake.models import Learner
    from tandem.journal.models import Goal, GoalCategory
    from tandem.matching.models import Match
    from tandem.onboarding.models import Volunteer

    rng = random.Random(seed)
    programme = Programme.objects.create(organisation=organisation, name=f"{sites} sites", slug=f"sites-{sites}",
                                         country=organisation.country)
    schools = []
    for i in range(sites):
        site = Site.objects.create(programme=programme, name=f"Site {i:02d}", city="Rotterdam")
        schools += [PartnerInstitution.objects.create(programme=programme, name=f"School {i:02d}{k}", site=site,
                                                      kind="primary_school", city="Rotterdam") for k in "ab"]
    weights = [rng.choice([1, 2, 3, 6, 10, 20]) for _ in schools]  # some schools have a handful of pairs
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [Person(organisation=organisation, given_name=f"L{i}", family_name="Bench", language="nl") for i in range(pairs)]
        + [Person(organisation=organisation, given_name=f"M{i}", family_name="Bench", language="nl")
           for i in range(pairs)])
    learners = Learner.objects.bulk_create([Learner(
        programme=programme, person=people[i], state="matched", institution=rng.choices(schools, weights)[0],
        languages=["nl"], reasons=["study_skills"], availability=["mon-afternoon"], latitude=51.9, longitude=4.5,
        waiting_since=today - timedelta(days=400), accepted_at=timezone.now()) for i in range(pairs)])
    mentors = Volunteer.objects.bulk_create([Volunteer(
        programme=programme, person=people[pairs + i], state="matched", languages=["nl"], expertise=["study_skills"],
        availability=["mon-afternoon"], capacity=1, latitude=51.9, longitude=4.5) for i in range(pairs)])
    first = date(today.year - (3 if today.month >= 8 else 4), 8, 1)
    matches = []
    for i in range(pairs):
        start = first + timedelta(days=rng.randrange(3 * 365))
        closed = start < today - timedelta(days=200) or rng.random() < 0.1
        reason = rng.choice(["planned_end", "planned_end", "goals_reached", "learner_left_school", "mentor_moved",
                             "relationship_did_not_work", "other", ""])
        matches.append(Match(programme=programme, volunteer=mentors[i], learner=learners[i], slot=1, capacity=1,
                             state="closed" if closed else "active", cycle_start=start,
                             closed_at=timezone.now() if closed else None, closure_reason=reason if closed else ""))
    matches = Match.objects.bulk_create(matches)
    category = GoalCategory.objects.filter(programme=programme).first() or GoalCategory.objects.create(
        programme=programme, code="study", label_en="Study skills")
    Goal.objects.bulk_create([Goal(match=m, category=category, description=f"Goal {k}",
                                   state="reached" if (m.pk + k) % 3 == 0 else "active",
                                   closed_at=timezone.now() if (m.pk + k) % 3 == 0 else None)
                              for m in matches for k in range(2)])
    return programme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=1600)
    args = parser.parse_args()

    _sqlite_django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tandem.core.models import Membership, Person, Programme, Role, User
    from tandem.outcomes import report, selectors
    from tandem.outcomes.views import dashboard as views

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    vera = Programme.objects.get(slug="vera")
    big = forty_sites(vera.organisation, sites=args.sites, pairs=args.pairs)
    observer = User.objects.get(email="observer@vera.example")
    Membership.objects.create(person=Person.objects.get(user=observer), organisation=big.organisation,
                              programme=big, role=Role.OBSERVER)
    client = Client()
    client.force_login(observer)

    joint = views._joint

    def main_joint(*_args: Any, **_kwargs: Any) -> None:  # main: each view protected on its own
        return None

    def timed(programme: Programme, query: dict[str, str]) -> float:
        url = reverse("outcomes:dashboard", kwargs={"org": programme.organisation.slug, "prog": programme.slug})
        runs = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            assert client.get(url, query).status_code == 200
            runs.append(time.perf_counter() - began)
        return statistics.median(runs)

    print(f"{'programme':<12} {'view':<22} {'before s':>9} {'ratio':>6} {'after s':>9} {'ratio':>6}")
    for programme in (vera, big):
        site = str(programme.sites.order_by("pk").first().pk)  # type: ignore[union-attr]
        year = selectors.figures(programme=programme).cycles[0]
        views_ = {"unfiltered": {}, "site": {"site": site}, "school year": {"cycle": year},
                  "site × school year": {"site": site, "cycle": year}}
        base: dict[str, float] = {}
        for name, query in views_.items():
            found = {}
            for label, fn in (("before", main_joint), ("after", joint)):
                views._joint = fn  # type: ignore[assignment]
                found[label] = timed(programme, query)
            views._joint = joint
            base = base or found
            print(f"{programme.slug:<12} {name:<22} {found['before']:>9.3f} {found['before'] / base['before']:>6.2f} "
                  f"{found['after']:>9.3f} {found['after'] / base['after']:>6.2f}")
        parts = selectors.parts(programme=programme)
        whole = report.alone_counts(parts.whole(), threshold=5)
        runs = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            report.joint_counts(parts, threshold=5, whole=whole)
            runs.append(time.perf_counter() - began)
        print(f"{'':<12} joint run alone: {statistics.median(runs):.3f} s over "
              f"{sum(len(c) for c in parts.counts.values())} non-empty counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
