"""Rules and answers lower apps ask for without importing this one (core.extensions)."""

from __future__ import annotations

from django.template.loader import render_to_string

from tandem.expenses import selectors


def verified_document(code: str) -> str | None:
    """The public verification page's answer for an attestation's code (None: not ours)."""
    attestation = selectors.attestation_by_code(code)
    if attestation is None:
        return None
    return render_to_string("expenses/_verified.html", {"attestation": attestation})
