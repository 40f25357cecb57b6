"""URL x role classification of the privacy app's URLs (merged by core's test_url_matrix)."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import COORDINATORS, MEMBERS, Access, programme_kwargs


def _person(world: Any) -> dict[str, Any]:
    # The learner persona takes part only in the matrix's programme: its coordinators may act.
    return {**programme_kwargs(world), "pk": world.people["learner"].pk}


SIGNED_IN = MEMBERS | {"outsider"}

MATRIX: dict[str, Access] = {
    "privacy:person": Access(COORDINATORS, "programme", kwargs=_person),
    "privacy:person_export_json": Access(COORDINATORS, "programme", kwargs=_person),
    "privacy:person_export_pdf": Access(COORDINATORS, "programme", kwargs=_person),
    # The confirmation page; erasing needs the person's name typed (test_erasure).
    "privacy:person_erase": Access(COORDINATORS, "programme", kwargs=_person),
    "privacy:retention": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "privacy:upcoming": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "privacy:access_log": Access(
        frozenset({"org_admin"}), "organisation", kwargs=lambda w: {"org": w.organisation.slug}
    ),
    "privacy:my_data": Access(SIGNED_IN, "user"),
    "privacy:my_data_json": Access(SIGNED_IN, "user"),
    "privacy:my_data_pdf": Access(SIGNED_IN, "user"),
}
