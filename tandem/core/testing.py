"""Test support shared by every app's tests: how a URL's access is classified for the
URL x role matrix (``tandem/core/tests/test_url_matrix.py``).

Each app lists its URLs in ``tandem/<app>/tests/url_matrix.py`` as ``MATRIX: dict[str, Access]``;
the matrix test merges them and fails on any URL that nobody classified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "org_admin", "coordinator", "mentor", "learner", "guardian", "supervisor",
    "partner_contact", "observer",
)
ALL_PERSONAS = (*PERSONAS, "outsider", "anonymous")
COORDINATORS = frozenset({"org_admin", "coordinator"})
MEMBERS = frozenset(PERSONAS)
EVERYONE = frozenset(ALL_PERSONAS)


def _no_kwargs(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Access:
    """Who may use a URL.

    ``scope`` says what others get: for "programme" and "organisation" pages an outsider (another
    organisation) gets 404 and a member without the role 403; "public" pages answer everyone
    (``ok_statuses`` lists non-error answers beyond 2xx/3xx, e.g. 410 for a used link); "user"
    pages answer any signed-in user.
    ``kwargs(world)`` builds the URL's arguments from the ``world`` fixture (conftest.World).
    """

    allowed: frozenset[str]
    scope: str
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    ok_statuses: frozenset[int] = field(default_factory=frozenset)


def programme_kwargs(world: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug}
