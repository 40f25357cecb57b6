"""URL x role classification of the results app's URLs (merged by core's test_url_matrix).

Coordinators see everything; observers (funders) the dashboards, the equal-participation page and
the funder reports, all suppressed; nobody else anything (403), outsiders 404. The survey link is
public (its signed token is the credential)."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import COORDINATORS, EVERYONE, Access, programme_kwargs, redirect_to

READERS = COORDINATORS | {"observer"}


def _wave(world: Any) -> dict[str, Any]:
    from tandem.outcomes.tests.factories import wave

    return {**programme_kwargs(world), "wave": wave(world).pk}


def _token(world: Any) -> dict[str, Any]:
    from tandem.outcomes.services import link_token
    from tandem.outcomes.tests.factories import invitation

    return {"token": link_token(invitation(world))}


def _asked(world: Any) -> dict[str, Any]:
    from tandem.outcomes.tests.factories import invitation

    found = invitation(world)
    return {**programme_kwargs(world), "wave": found.wave_id, "pk": found.pk}


def _indicator(world: Any) -> dict[str, Any]:
    from tandem.outcomes.tests.factories import indicator

    return {**programme_kwargs(world), "pk": indicator(world).pk}


def _table(table: str, fmt: str) -> Any:
    return lambda world: {**programme_kwargs(world), "table": table, "fmt": fmt}


def _org(world: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug}


MATRIX: dict[str, Access] = {
    "outcomes:dashboard": Access(READERS, "programme", kwargs=programme_kwargs),
    "outcomes:participation": Access(READERS, "programme", kwargs=programme_kwargs),
    "outcomes:report_pdf": Access(READERS, "programme", kwargs=programme_kwargs),
    "outcomes:report_xlsx": Access(READERS, "programme", kwargs=programme_kwargs),
    "outcomes:export": Access(COORDINATORS, "programme", kwargs=_table("matches", "csv")),
    "outcomes:settings": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "outcomes:waves": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "outcomes:wave": Access(COORDINATORS, "programme", kwargs=_wave),
    "outcomes:wave_send": Access(COORDINATORS, "programme", method="POST", kwargs=_wave,
                                 expect=redirect_to("outcomes:wave", "wave")),
    "outcomes:invitation_revoke": Access(COORDINATORS, "programme", method="POST", kwargs=_asked,
                                         expect=redirect_to("outcomes:wave", "wave")),
    "outcomes:invitation_reissue": Access(COORDINATORS, "programme", method="POST", kwargs=_asked,
                                          expect=redirect_to("outcomes:wave", "wave")),
    "outcomes:instrument": Access(COORDINATORS, "programme",
                                  kwargs=lambda w: {**programme_kwargs(w), "code": "rses@1"}),
    "outcomes:indicators": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "outcomes:indicators_import": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "outcomes:indicator": Access(COORDINATORS, "programme", kwargs=_indicator),
    "outcomes:indicator_delete": Access(COORDINATORS, "programme", method="POST", kwargs=_indicator,
                                        expect=redirect_to("outcomes:indicator", "pk")),
    "outcomes:indicators_table": Access(COORDINATORS, "programme",
                                        kwargs=lambda w: {**programme_kwargs(w), "fmt": "template"}),
    "outcomes:organisation": Access(frozenset({"org_admin"}), "organisation", kwargs=_org),
    "outcomes:survey": Access(EVERYONE, "public", kwargs=_token),
}
