"""An import's counts read right in French for one row as for many: "1 nouveaux" was shown when a
file had one new volunteer. The French catalogue puts each count after its label instead."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext


def test_one_new_row_is_not_1_nouveaux() -> None:
    with translation.override("fr"):
        counts = gettext("%(new)s new · %(update)s to update · %(error)s with errors") % {
            "new": 1, "update": 0, "error": 1}
        done = gettext("Imported: %(new)s new, %(update)s updated.") % {"new": 1, "update": 0}
    assert counts == "Nouveaux\u00a0: 1 · à mettre à jour\u00a0: 0 · en erreur\u00a0: 1"
    assert "1 nouveaux" not in done and "Nouveaux\u00a0: 1" in done
