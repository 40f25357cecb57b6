"""Pages at scale against a trivial page, measured side by side in one run.

    .venv/bin/python bench/bench_pages.py [--scale 20] [--repeat 30]

Builds a throw-away SQLite database with the demo data at ``--scale`` (so the biggest programme
has ~30×scale learners and their guardians), then times the coordinator's busiest pages, the
journal's pair page (the pair with the most meetings) and its overviews through Django's test
client (full middleware, templates, queries) against ``/healthz/`` — the cost of
one request that does nothing. The ratio column is what to watch: a page whose ratio grows with
the scale has an N+1 or an unbounded list.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    # As `make demo` runs: the coordinators' pages without a second factor set up (the bench
    # measures pages, not the log-in).
    os.environ.setdefault("TANDEM_DEMO_MFA_OPTIONAL", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.models import Person, Programme, User
    from tandem.matching.models import Match

    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", verbosity=0)
    print(f"setup: demo data at scale {args.scale} in {time.perf_counter() - started:.1f} s, "
          f"{Person.objects.count():,} people")

    client = Client()
    client.force_login(User.objects.get(email=demo.MAIN_COORDINATOR))
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    person = programme.memberships.filter(role="learner").first().person  # type: ignore[union-attr]
    # The journal: the pair with the most meetings, as its coordinator sees it, and the
    # supervisor's overview of their pairs (the demo supervisor's school) and the coordinator's.
    pair = (Match.objects.filter(programme=programme, state="active").annotate(n=Count("meetings"))
            .order_by("-n", "pk").first())
    assert pair is not None
    supervisor = Client()
    supervisor.force_login(User.objects.get(email=demo.role_email("supervisor", programme.slug)))
    pages = [
        ("trivial: /healthz/", reverse("core:healthz")),
        ("start page", reverse("core:home")),
        ("programme overview", reverse("core:programme", kwargs=kw)),
        ("people list (200 shown)", reverse("core:people", kwargs=kw)),
        ("people search", reverse("core:people", kwargs=kw) + "?q=an&role=learner"),
        ("person page", reverse("core:person", kwargs={**kw, "pk": person.pk})),
        ("audit log", reverse("core:audit", kwargs=kw)),
        (f"pair's page ({pair.n} meetings)", reverse("journal:pair", kwargs={**kw, "pk": pair.pk})),
        ("pairs overview (coordinator)", reverse("journal:overview", kwargs=kw)),
        ("supervisor's overview", reverse("journal:overview", kwargs=kw), supervisor),
    ]
    rows = []
    for label, url, *who in pages:
        reader = who[0] if who else client
        assert reader.get(url).status_code == 200, url  # warm up, and check it works
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            reader.get(url)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            reader.get(url)
            times.append(time.perf_counter() - t0)
        rows.append((label, statistics.median(times) * 1000, len(queries)))
    base = rows[0][1]
    print(f"\n{'page':<34}{'median ms':>10}{'× trivial':>11}{'queries':>9}")
    for label, ms, n in rows:
        print(f"{label:<34}{ms:>10.2f}{ms / base:>11.1f}{n:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
