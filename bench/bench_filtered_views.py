"""An observer's filtered results views, before and after a change, side by side in one run.

    .venv/bin/python bench/bench_filtered_views.py [--repeat 15] [--sites 40] [--pairs 1600] [--before main]
                                                   [--extras]

Builds a throw-away SQLite database with the demo data, adds a generated programme with
``--sites`` sites (two schools each, pairs over three school years, sizes drawn so that many
cells are small; ``--extras``: with survey answers, pulse ratings and school indicators too), then
times, through the test client as the programme's observer (a funder): the unfiltered dashboard, a
site view, a school-year view and a site-in-a-year view, each *before* (the results app's
``selectors.py`` and ``report.py`` of the git revision ``--before``, loaded beside this checkout's,
with that revision's joint run) and *after* (this checkout), alternately on the same database. The
ratio column is each view's time over the unfiltered one's.
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


def extras(programme: Any, *, seed: int = 20261128) -> None:
    """Survey answers (intake and closure of the self-esteem scale for most learners, an anonymous
    wave), pulse ratings and school indicators (absence, a follow-up status) for a generated programme."""
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from tandem.matching.models import Match
    from tandem.outcomes.models import SchoolIndicator, SurveyResponse, SurveyWave
    from tandem.support.models import PulseRating

    rng = random.Random(seed)
    today = timezone.localdate()
    waves = {kind: SurveyWave.objects.create(programme=programme, instrument="rses", audience="learner", kind=kind,
                                             opens_on=today - timedelta(days=1000), closes_on=today)
             for kind in ("intake", "closure")}
    anonymous = SurveyWave.objects.create(programme=programme, instrument="belonging", audience="learner",
                                          kind="closure", opens_on=today - timedelta(days=999), closes_on=today,
                                          anonymous=True)
    pairs = list(Match.objects.filter(programme=programme).select_related("learner").order_by("pk"))
    answers, ratings, indicators = [], [], []
    for match in pairs:
        start = match.cycle_start or today
        if rng.random() < 0.8:
            answers.append(SurveyResponse(wave=waves["intake"], person_id=match.learner.person_id, match=match,
                                          score=rng.randint(15, 35)))
            if rng.random() < 0.6:
                answers.append(SurveyResponse(wave=waves["closure"], person_id=match.learner.person_id, match=match,
                                              score=rng.randint(15, 38)))
        if rng.random() < 0.3:
            answers.append(SurveyResponse(wave=anonymous, score=rng.randint(5, 20) / 5))
        for k in range(rng.randint(0, 6)):
            day = min(start + timedelta(days=30 * (k + 1)), today)
            at = timezone.make_aware(datetime.combine(day, time(12)))
            ratings += [PulseRating(match=match, side="mentor", score=rng.randint(1, 5), at=at),
                        PulseRating(match=match, side="learner", score=rng.randint(1, 5), at=at)]
        indicators.append(SchoolIndicator(learner=match.learner, kind="absence_rate",
                                          measured_on=min(start + timedelta(days=60), today),
                                          number=f"{rng.randint(0, 30)}.00"))
        if start < date(today.year - 1, 1, 1):
            indicators.append(SchoolIndicator(learner=match.learner, kind="school_status", months_after=12,
                                              measured_on=start + timedelta(days=365),
                                              code=rng.choice(["in_education", "qualified", "left_unqualified"])))
    SurveyResponse.objects.bulk_create(answers)
    PulseRating.objects.bulk_create(ratings)
    SchoolIndicator.objects.bulk_create(indicators)


def load_before(ref: str) -> tuple[Any, Any]:
    """The results app's ``selectors`` and ``report`` modules of git revision ``ref``, loaded under
    names of their own beside this checkout's (their imports of the rest of Tandem are this checkout's)."""
    import importlib.util
    import subprocess
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bench-before-"))
    loaded = {}
    for name in ("selectors", "report"):
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:tandem/outcomes/{name}.py"],
                                capture_output=True, text=True, check=True).stdout
        if name == "report":  # its own selectors, not this checkout's
            source = source.replace("from tandem.outcomes.selectors import", "from tandem.outcomes._before_selectors import")
        path = folder / f"{name}.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(f"tandem.outcomes._before_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        loaded[name] = module
    return loaded["selectors"], loaded["report"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=1600)
    parser.add_argument("--before", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--extras", action="store_true", help="survey answers, pulse ratings, indicators too")
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
    if args.extras:
        extras(big)
    observer = User.objects.get(email="observer@vera.example")
    Membership.objects.create(person=Person.objects.get(user=observer), organisation=big.organisation,
                              programme=big, role=Role.OBSERVER)
    client = Client()
    client.force_login(observer)
    old_selectors, old_report = load_before(args.before)

    def old_joint(programme: Programme, settings: Any, filters: Any, *_args: Any) -> Any:  # as the revision's view did
        if not (filters.site or filters.partner or filters.cycle):
            return None
        parts = old_selectors.parts(programme=programme)
        whole = old_report.alone_counts(parts.whole(), threshold=settings.threshold)
        return old_report.joint_counts(parts, threshold=settings.threshold, whole=whole).view(parts.view(filters))

    now = (views.selectors, views.report, views._joint)
    then = (old_selectors, old_report, old_joint)

    def timed(programme: Programme, query: dict[str, str]) -> dict[str, float]:
        """Each view's median time before and after, the two taking turns request by request (so a
        change of the machine's load weighs on both alike): the wall-clock time and the process's
        CPU time (SQLite runs in the process: its CPU time is the page's work, whatever else the
        shared machine runs)."""
        url = reverse("outcomes:dashboard", kwargs={"org": programme.organisation.slug, "prog": programme.slug})
        runs: dict[str, list[float]] = {"before": [], "after": [], "before cpu": [], "after cpu": []}
        try:
            for _ in range(args.repeat):
                for label, code in (("before", then), ("after", now)):
                    views.selectors, views.report, views._joint = code  # type: ignore[assignment]
                    began, cpu = time.perf_counter(), time.process_time()
                    assert client.get(url, query).status_code == 200
                    runs[label].append(time.perf_counter() - began)
                    runs[f"{label} cpu"].append(time.process_time() - cpu)
        finally:
            views.selectors, views.report, views._joint = now  # type: ignore[assignment]
        return {label: statistics.median(found) for label, found in runs.items()}

    print(f"before: {args.before}; after: this checkout; median of {args.repeat}; "
          f"{args.sites} sites, {args.pairs} pairs{' with extras' if args.extras else ''}")
    print(f"{'programme':<12} {'view':<20} {'before s':>9} {'ratio':>6} {'after s':>9} {'ratio':>6} {'after/before':>13}"
          f" {'CPU before s':>13} {'CPU after s':>12} {'CPU after/before':>17}")
    for programme in (vera, big):
        site = str(programme.sites.order_by("pk").first().pk)  # type: ignore[union-attr]
        year = selectors.figures(programme=programme).cycles[0]
        views_ = {"unfiltered": {}, "site": {"site": site}, "school year": {"cycle": year},
                  "site × school year": {"site": site, "cycle": year}}
        base: dict[str, float] = {}
        for name, query in views_.items():
            found = timed(programme, query)
            base = base or found
            print(f"{programme.slug:<12} {name:<20} {found['before']:>9.3f} {found['before'] / base['before']:>6.2f} "
                  f"{found['after']:>9.3f} {found['after'] / base['after']:>6.2f} "
                  f"{found['after'] / found['before']:>13.2f} {found['before cpu']:>13.3f} {found['after cpu']:>12.3f} "
                  f"{found['after cpu'] / found['before cpu']:>17.3f}", flush=True)
        for label, sel, rep, whole_of in (
                ("before", old_selectors, old_report, lambda p: old_report.alone_counts(p.whole(), threshold=5)),
                ("after", selectors, report, lambda p: report.whole_counts(p, threshold=5))):
            parts = sel.parts(programme=programme)
            whole = whole_of(parts)
            runs = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                rep.joint_counts(parts, threshold=5, whole=whole)
                runs.append(time.perf_counter() - began)
            print(f"{'':<12} joint run alone, {label}: {statistics.median(runs):.3f} s over "
                  f"{sum(len(c) for c in parts.counts.values())} non-empty counts", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
