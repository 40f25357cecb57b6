"""A published total minus its shown parts tells the sum of the hidden ones: that sum must not be a
small group either (the funder PDF of AFEV's 2025-26 year showed the closed matches and every reason
but two, which added up to 2)."""

from __future__ import annotations

from tandem.core.suppression import protect_sums
from tandem.matching.models import Match
from tandem.matching.selectors import protect_matches


def test_the_hidden_parts_of_a_shown_total_never_add_up_to_a_small_group() -> None:
    shown = protect_sums({"a": 20, "b": 1, "c": 1, "d": 0}, {"total": ["a", "b", "c", "d"]}, threshold=5)
    hidden = [k for k in "abcd" if shown[k].value is None]
    assert shown["total"].value is None or sum({"a": 20, "b": 1, "c": 1, "d": 0}[k] for k in hidden) >= 5
    assert {"b", "c"} <= set(hidden)


def test_the_closure_reasons_beside_the_closed_total_hide_no_small_sum() -> None:
    reasons = dict.fromkeys(Match.Closure.values, 0)
    reasons.update({"planned_end": 14, "mentor_moved": 1, "relationship_did_not_work": 1, "goals_reached": 6})
    shown = protect_matches(states={"active": 30}, reasons=reasons, threshold=5)
    closed = shown[Match.State.CLOSED].value
    hidden = [code for code in reasons if shown[f"reason:{code}"].value is None]
    assert "mentor_moved" in hidden and "relationship_did_not_work" in hidden
    if closed is not None:
        assert sum(reasons[code] for code in hidden) >= 5, (closed, hidden)
