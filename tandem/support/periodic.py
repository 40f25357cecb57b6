"""Support's periodic job (run by ``manage.py run_scheduler``, see core.periodic)."""

from __future__ import annotations

from datetime import timedelta

from tandem.core.periodic import register


@register("send_support_digest", every=timedelta(days=7))
def send_support_digest() -> str:
    """The weekly "needs attention" digest to coordinators and supervisors (idempotent: once per
    person, programme and week)."""
    from tandem.support.services import send_digest

    run = send_digest()
    return f"{run.mails} digests, {run.pairs} pairs"
