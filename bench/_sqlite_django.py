"""Django on a throw-away SQLite database, for the page benchmarks (bench_pages, bench_filtered_views)."""

from __future__ import annotations

import os
import tempfile


def setup() -> None:
    """Point Django at a new SQLite file and set it up, as `make demo` runs it: the coordinators'
    pages without a second factor set up (the benches measure pages, not the log-in), the test
    client's host allowed. The caller migrates and seeds."""
    tmp = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("TANDEM_DEMO_MFA_OPTIONAL", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
