"""Pages at scale against a trivial page, measured side by side in one run.

    .venv/bin/python bench/bench_pages.py [--scale 20] [--repeat 30]

Builds a throw-away SQLite database with the demo data at ``--scale`` (so the biggest programme
has ~30×scale learners and their guardians), then times the coordinator's busiest pages, the
journal's pair page (the pair with the most meetings) and its overviews, and support's risk list
(in Mentoren op Zuid and in AFEV: the same number of queries, asserted) through Django's test
client (full middleware, templates, queries) against ``/healthz/`` — the cost of
one request that does nothing. The ratio column is what to watch: a page whose ratio grows with
the scale has an N+1 or an unbounded list. Every list page is here (lists are paged by
``core.paging``: 50 rows a page, two queries for the paging whatever the list's length); a new
list page belongs in ``pages`` below.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _sqlite_django  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    _sqlite_django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.models import Person, Programme, User
    from tandem.matching.models import Match

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", verbosity=0)
    print(f"setup: demo data at scale {args.scale} in {time.perf_counter() - started:.1f} s, "
          f"{Person.objects.count():,} people")

    from tandem.core.testing import give_totp
    from tandem.matching.models import LearningCommunity, MatchingRound
    from tandem.onboarding.models import Workshop

    coordinator = User.objects.get(email=demo.MAIN_COORDINATOR)
    give_totp(coordinator)  # coordinators must have a second factor, or every page redirects
    client = Client()
    client.force_login(coordinator)
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    person = programme.memberships.filter(role="learner").first().person  # type: ignore[union-attr]
    matching_round = MatchingRound.objects.filter(programme=programme, status="done").first()
    workshop = Workshop.objects.filter(programme=programme).first()
    group = LearningCommunity.objects.first()
    group_kw = {"org": group.programme.organisation.slug, "prog": group.programme.slug}  # type: ignore[union-attr]

    afev = Programme.objects.get(slug="accompagnement-vet")
    afev_kw = {"org": afev.organisation.slug, "prog": afev.slug}

    def url(name: str, query: str = "", **extra: object) -> str:
        return reverse(name, kwargs={**kw, **extra}) + query

    # The journal: the pair with the most meetings, as its coordinator sees it, and the
    # supervisor's overview of their pairs (the demo supervisor's school) and the coordinator's.
    pair = (Match.objects.filter(programme=programme, state="active").annotate(n=Count("meetings"))
            .order_by("-n", "pk").first())
    assert pair is not None
    supervisor = Client()
    supervisor.force_login(User.objects.get(email=demo.role_email("supervisor", programme.slug)))
    admin_user = User.objects.get(email=demo.admin_email(programme.organisation.slug))
    give_totp(admin_user)
    admin = Client()
    admin.force_login(admin_user)
    pages = [
        ("trivial: /healthz/", reverse("core:healthz")),
        ("start page", reverse("core:home")),
        ("programme overview", url("core:programme")),
        ("people list", url("core:people")),
        ("people search", url("core:people", "?q=an&role=learner")),
        ("people, page 5", url("core:people", "?page=5")),
        ("person page", url("core:person", pk=person.pk)),
        ("audit log", url("core:audit")),
        ("invitations", url("core:invitations")),
        ("partners", url("core:partners")),
        ("sites", url("core:sites")),
        ("volunteers board", url("onboarding:board")),
        ("volunteers, one state", url("onboarding:board", "?state=active")),
        ("workshops", url("onboarding:workshops")),
        ("workshop page", url("onboarding:workshop", pk=workshop.pk)),  # type: ignore[union-attr]
        ("learners", url("intake:learners")),
        ("learners search", url("intake:learners", "?q=an")),
        ("waiting list", url("intake:waiting_list")),
        ("referrals", url("intake:referrals")),
        ("matching home", url("matching:home")),
        ("round review", url("matching:round", pk=matching_round.pk)),  # type: ignore[union-attr]
        ("matches", url("matching:matches")),
        ("conflicts", url("matching:conflicts")),
        ("community", reverse("matching:community", kwargs={**group_kw, "pk": group.pk})),  # type: ignore[union-attr]
        (f"pair's page ({pair.n} meetings)", url("journal:pair", pk=pair.pk)),  # type: ignore[attr-defined]
        ("pairs overview (coordinator)", url("journal:overview")),
        ("supervisor's overview", url("journal:overview"), supervisor),
        # Support: the risk list (every running pair's facts in one query), here and in AFEV.
        ("risk list", url("support:risks")),
        ("risk list, one reason", url("support:risks", "?reason=check_in")),
        ("risk list (supervisor)", url("support:risks"), supervisor),
        ("risk list (AFEV)", reverse("support:risks", kwargs=afev_kw)),
        ("support: check-ins due", url("support:overview")),
        ("concerns inbox", url("support:concerns")),
        ("exchange meetings (AFEV)", reverse("support:exchanges", kwargs=afev_kw)),
        ("results dashboard", url("outcomes:dashboard")),
        ("results, one site", url("outcomes:dashboard", f"?site={programme.sites.first().pk}")),  # type: ignore[union-attr]
        ("equal participation", url("outcomes:participation")),
        ("results across programmes", reverse("outcomes:organisation", kwargs={"org": programme.organisation.slug}),
         admin),
        ("funder report PDF", url("outcomes:report_pdf", "?start=2025-08-01&end=2026-07-31")),
        ("funder report XLSX", url("outcomes:report_xlsx", "?start=2025-08-01&end=2026-07-31")),
    ]
    rows = []
    for label, address, *who in pages:
        reader = who[0] if who else client
        response = reader.get(address)  # warm up, and check it works
        assert response.status_code == 200, (address, response.status_code)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            reader.get(address)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            reader.get(address)
            times.append(time.perf_counter() - t0)
        rows.append((label, statistics.median(times) * 1000, len(queries)))
    # The risk list's queries do not depend on how many pairs a programme has.
    by_label = {label: n for label, _ms, n in rows}
    assert by_label["risk list"] == by_label["risk list (AFEV)"], by_label
    base = rows[0][1]
    print(f"\n{'page':<34}{'median ms':>10}{'× trivial':>11}{'queries':>9}")
    for label, ms, n in rows:
        print(f"{label:<34}{ms:>10.2f}{ms / base:>11.1f}{n:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
