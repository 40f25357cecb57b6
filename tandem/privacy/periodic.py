"""The privacy app's periodic jobs (run by ``manage.py run_scheduler``, see core.periodic)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from tandem.core.periodic import register


@register("apply_retention", every=timedelta(days=1))
def apply_retention() -> str:
    """Every programme's retention periods (idempotent: what was removed is not found again)."""
    out = StringIO()
    call_command("apply_retention", stdout=out)
    return out.getvalue().strip()[-200:]
