"""The onboarding app's periodic jobs (run by ``manage.py run_scheduler``, see core.periodic)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from tandem.core.periodic import register


@register("check_certificates", every=timedelta(days=1))
def check_certificates() -> str:
    """Safeguarding certificates about to expire or expired (idempotent: one reminder and one
    expiry notice per certificate)."""
    out = StringIO()
    call_command("check_certificates", stdout=out)
    return out.getvalue().strip()
