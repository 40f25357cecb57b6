"""What each of the privacy app's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from tandem.core.testing import FormKind, NotAnEdit

FORMS: dict[str, FormKind] = {
    "privacy:person_erase": NotAnEdit(
        "Erasing a person (their name typed to confirm): the second click finds them erased "
        "already and changes nothing (test_erasure)."),
    "privacy:retention": NotAnEdit(
        "Applies the retention periods now: idempotent, a second run finds nothing left to "
        "remove (test_retention)."),
}
