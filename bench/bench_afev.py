"""Support's and the results' pages of the largest demo programme and of an AFEV-sized one,
against a trivial page in the same run.

    .venv/bin/python bench/bench_afev.py                      # PostgreSQL (created fresh, dropped after)
    .venv/bin/python bench/bench_afev.py --database sqlite
    .venv/bin/python bench/bench_afev.py --database postgres://postgres@127.0.0.1:5432/tandem_x

One throw-away database gets the demo data (``seed_demo --scale 20``) and the AFEV-sized programme
of ``bench/afev.py`` (7,000 volunteers, 10,000 learners, ~7,000 running pairs with months of
meetings, cancellations, pulse ratings, check-ins, concerns and exchange meetings). Then, for the
demo programme with the most pairs and for the AFEV-sized one, each page is fetched through
Django's test client (full middleware, templates, queries) as its real reader — the risk list
(a coordinator, all reasons and one reason), the programme overview and the support overview
(whose panels count the risks), the results dashboard, the organisation's dashboard (an
organisation admin) and the funder report (PDF and XLSX, this school year) — and timed against
``/healthz/`` (the cost of a request that does nothing), median of ``--repeat``.

Asserted: the risk list's and the results dashboard's query counts are the same at both sizes
(no query per pair). Printed: milliseconds, the ratio to the trivial page and the queries; a
page over 2 s at AFEV size is marked SLOW. (No page that reads thousands of pairs stays within
20x the trivial page, a few milliseconds: the ratio is there to compare runs and sizes.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

POSTGRES = "postgres://postgres@127.0.0.1:5432/tandem_bench_afev"
SLOW_MS = 2000.0
# The pages whose number of queries may not depend on the programme's size.
CONSTANT = ("risk list", "risk list, one reason", "results dashboard")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (median)")
    parser.add_argument("--database", default=os.environ.get("BENCH_AFEV_DATABASE_URL", POSTGRES),
                        help="a PostgreSQL URL (created fresh, dropped after), 'sqlite' (a temporary file) "
                             "or sqlite:///PATH")
    parser.add_argument("--keep", action="store_true", help="keep the database (to measure again with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure on a database kept by --keep")
    args = parser.parse_args()

    from bench_round import _drop_postgres, _fresh_postgres

    postgres = args.database.startswith("postgres")
    scratch = ""
    if args.database == "sqlite":
        scratch = tempfile.mkdtemp(prefix="tandem-bench-")
        args.database = f"sqlite:///{scratch}/afev.sqlite3"
    if postgres and not args.reuse:
        _fresh_postgres(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("TANDEM_DEMO_MFA_OPTIONAL", "1")
    import django

    django.setup()
    try:
        return run(args)
    finally:
        if postgres and not args.keep:
            _drop_postgres(args.database)
        if scratch and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(args: Any) -> int:
    import afev
    from afev import Built, build_afev
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from tandem.core import demo
    from tandem.core.models import Programme, User
    from tandem.core.testing import give_totp

    settings.ALLOWED_HOSTS = ["testserver"]
    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", verbosity=0)
        print(f"setup: demo data at scale {args.scale} in {time.perf_counter() - started:.1f} s", flush=True)
    if Programme.objects.filter(slug="bench-afev").exists():
        built = Built(programme=Programme.objects.get(slug="bench-afev"),
                      coordinator=User.objects.get(email=afev.COORDINATOR), admin=User.objects.get(email=afev.ADMIN),
                      counts={})
    else:
        started = time.perf_counter()
        built = build_afev()
        print(f"setup: AFEV size in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{n:,} {what}" for what, n in built.counts.items()), flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after such a load: the planner's statistics

    running = Count("matches", filter=Q(matches__state__in=("introduced", "active")))
    biggest = (Programme.objects.exclude(pk=built.programme.pk).annotate(n=running)
               .order_by("-n", "pk").first())
    assert biggest is not None
    coordinator = User.objects.get(email=demo.MAIN_COORDINATOR)
    demo_admin = User.objects.get(email=demo.admin_email(biggest.organisation.slug))
    for user in (coordinator, demo_admin, built.coordinator, built.admin):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():  # --reuse
            give_totp(user)  # coordinators and admins must have a second factor, or every page redirects

    def client(user: Any) -> Client:
        c = Client(headers={"Accept-Language": "en"})
        c.force_login(user)
        return c

    today = timezone.localdate()
    period = f"?start={date(today.year if today.month >= 8 else today.year - 1, 8, 1)}&end={today}"

    def pages(programme: Programme, coordinator: Client, admin: Client) -> list[tuple[str, str, Client]]:
        kw = {"org": programme.organisation.slug, "prog": programme.slug}
        return [
            ("risk list", reverse("support:risks", kwargs=kw), coordinator),
            ("risk list, one reason", reverse("support:risks", kwargs=kw) + "?reason=check_in", coordinator),
            ("programme overview", reverse("core:programme", kwargs=kw), coordinator),
            ("support overview", reverse("support:overview", kwargs=kw), coordinator),
            ("results dashboard", reverse("outcomes:dashboard", kwargs=kw), coordinator),
            ("results across programmes", reverse("outcomes:organisation",
                                                  kwargs={"org": programme.organisation.slug}), admin),
            ("funder report PDF", reverse("outcomes:report_pdf", kwargs=kw) + period, coordinator),
            ("funder report XLSX", reverse("outcomes:report_xlsx", kwargs=kw) + period, coordinator),
        ]

    def measure(address: str, reader: Client, repeat: int) -> tuple[float, int]:
        response = reader.get(address)  # warm up, and check it works
        assert response.status_code == 200, (address, response.status_code)
        queries: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            reader.get(address)
        times = []
        for _ in range(repeat):
            clock = time.perf_counter()
            reader.get(address)
            times.append(time.perf_counter() - clock)
        return statistics.median(times) * 1000, len(queries)

    anyone = client(coordinator)
    trivial_ms, _n = measure(reverse("core:healthz"), anyone, 30)
    n_running = {p.pk: p.matches.filter(state__in=("introduced", "active")).count()
                 for p in (biggest, built.programme)}
    results: dict[str, dict[str, tuple[float, int]]] = {}
    for programme, pages_of in ((biggest, pages(biggest, anyone, client(demo_admin))),
                                (built.programme, pages(built.programme, client(built.coordinator),
                                                        client(built.admin)))):
        for label, address, reader in pages_of:
            results.setdefault(label, {})[programme.slug] = measure(address, reader, args.repeat)
            print(f"  {programme.slug}: {label}: {results[label][programme.slug][0]:.0f} ms",
                  file=sys.stderr, flush=True)
    trivial_after, _n = measure(reverse("core:healthz"), anyone, 30)
    trivial_ms = min(trivial_ms, trivial_after)

    d, a = biggest.slug, built.programme.slug
    print(f"\nSupport and results at scale 20 and AFEV size ({connection.vendor}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}); trivial page /healthz/ {trivial_ms:.2f} ms")
    print(f"demo: {biggest.name} ({n_running[biggest.pk]:,} running pairs); "
          f"AFEV size: {n_running[built.programme.pk]:,} running pairs")
    header = (f"{'page':<28}{'demo ms':>9}{'× triv':>8}{'queries':>8}"
              f"{'AFEV ms':>10}{'× triv':>8}{'queries':>8}")
    print(header)
    print("-" * len(header))
    slow = []
    for label, by in results.items():
        (dm, dn), (am, an) = by[d], by[a]
        flag = ""
        if am > SLOW_MS:
            flag = "  SLOW"
            slow.append(label)
        print(f"{label:<28}{dm:>9.1f}{dm / trivial_ms:>8.1f}{dn:>8}{am:>10.1f}{am / trivial_ms:>8.1f}{an:>8}{flag}")
    for label in CONSTANT:
        assert results[label][d][1] == results[label][a][1], (label, results[label])
    print(f"\nqueries equal at both sizes: {', '.join(CONSTANT)}")
    print(f"slow at AFEV size (over {SLOW_MS / 1000:.0f} s): {', '.join(slow) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
