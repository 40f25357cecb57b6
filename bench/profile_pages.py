"""Queries and time of each load-test page, one request at a time (no load), on a database that
`make loadtest` seeded and kept (``loadtest/run.py --keep``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_loadtest_… TANDEM_DEMO_MFA_OPTIONAL=1 \\
        python bench/profile_pages.py var/loadtest/accounts.json [--repeat 3]

For each role's pages (the first account of each role): the number of SQL queries, the time in
them, and the whole request's time (median of ``--repeat``); with ``--sql PAGE`` the queries of
one page, most frequent shape first (to find a query per row)."""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("accounts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sql", default="", help="Print the query shapes of the page with this label.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tandem.core.models import User

    data = json.loads(Path(args.accounts).read_text())
    print(f"{'role: page':<36}{'queries':>8}{'sql ms':>8}{'total ms':>9}")
    for role, accounts in data["accounts"].items():
        account = accounts[0]
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(User.objects.get(email=account["email"]))
        for label, value in account["pages"].items():
            url = value[0] if isinstance(value, list) else value
            client.get(url)  # warm: caches, sessions
            runs = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    took = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, response.status_code)
                runs.append((len(queries), sum(float(q["time"]) for q in queries) * 1000, took))
            n, sql, total = (statistics.median(r[i] for r in runs) for i in range(3))
            print(f"{role + ': ' + label:<36}{n:>8.0f}{sql:>8.0f}{total:>9.0f}")
            if args.sql and label == args.sql:
                shapes: dict[str, list[float]] = collections.defaultdict(list)
                for q in queries:
                    shapes[re.sub(r"\b\d+\b", "N", q["sql"])].append(float(q["time"]) * 1000)
                for shape, times in sorted(shapes.items(), key=lambda kv: -sum(kv[1])):
                    print(f"    {len(times):>3} × {sum(times):6.0f} ms  {shape[:150]} … {shape[-250:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
