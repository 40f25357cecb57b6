"""The statistics and the small-cell suppression, on crafted data with hand-computed answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.suppression import T, percent, protect, protect_count
from tandem.outcomes.instruments import ROSENBERG
from tandem.outcomes.stats import paired_change, t975


def test_paired_t_interval_by_hand() -> None:
    # differences 5, 5, 0, 5, 10: mean 5, sd √12.5 = 3.5355, se 1.5811, t(0.975, 4) = 2.776
    change = paired_change([(20, 25), (25, 30), (25, 25), (30, 35), (20, 30)])
    assert change is not None
    assert change.n == 5 and change.before == 24 and change.after == 29 and change.change == 5
    assert change.low == pytest.approx(5 - 2.776 * math.sqrt(12.5) / math.sqrt(5))
    assert change.low == pytest.approx(0.6108, abs=1e-4) and change.high == pytest.approx(9.3892, abs=1e-4)
    assert change.significant


def test_one_pair_has_no_interval_and_none_has_no_change() -> None:
    one = paired_change([(3, 4)])
    assert one is not None and one.low is None and one.change == 1
    assert paired_change([]) is None


def test_t_quantiles() -> None:
    assert t975(1) == 12.706 and t975(30) == 2.042
    assert 2.000 < t975(45) < 2.021 and 1.96 < t975(1000) < 1.98


def test_rosenberg_reverse_scoring_by_hand() -> None:
    positive = {"q1", "q3", "q4", "q7", "q10"}
    reverse = {i.code for i in ROSENBERG.items if i.reverse}
    assert reverse == {"q2", "q5", "q6", "q8", "q9"}
    # "Agree" (3) everywhere: 5 × 3 for the positive items, 5 × (1 + 4 − 3) = 5 × 2 for the others.
    assert ROSENBERG.score({f"q{i}": 3 for i in range(1, 11)}) == 25
    best = {code: (4 if code in positive else 1) for code in positive | reverse}
    assert ROSENBERG.score(best) == 40 and ROSENBERG.range() == (10, 40)
    assert ROSENBERG.score(best, subscale="negative") == 20
    assert ROSENBERG.score({"q1": 3}) is None  # incomplete: no score


def _recover_by_subtraction(table: object) -> set[object]:
    """What an attacker gets by subtracting shown cells from shown totals, again and again."""
    known = {k: v.value for k, v in table.cells.items() if v.value is not None}  # type: ignore[attr-defined]
    rows, cols = table.rows, table.cols  # type: ignore[attr-defined]
    eqs = [[*((r, c) for c in cols), (r, T)] for r in rows] + [[*((r, c) for r in rows), (T, c)] for c in cols]
    eqs += [[*((r, T) for r in rows), (T, T)], [*((T, c) for c in cols), (T, T)]]
    found: set[object] = set()
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            unknown = [k for k in eq if k not in known]
            if len(unknown) == 1:
                key = unknown[0]
                parts = sum(known[k] for k in eq[:-1] if k in known)
                known[key] = known[eq[-1]] - parts if key != eq[-1] else parts
                found.add(key)
                changed = True
    return found


CRAFTED = [
    {"a": {"x": 3, "y": 10, "z": 7}, "b": {"x": 8, "y": 12, "z": 9}, "c": {"x": 6, "y": 2, "z": 11}},
    {"a": {"x": 1, "y": 0}, "b": {"x": 9, "y": 12}},       # a lone small cell next to a zero
    {"a": {"x": 4, "y": 4}, "b": {"x": 20, "y": 30}},      # a whole row small: its total too
    {"a": {"x": 2, "y": 40, "z": 50}, "b": {"x": 30, "y": 40, "z": 50}, "c": {"x": 30, "y": 40, "z": 1}},
]


@pytest.mark.parametrize("table", CRAFTED)
def test_secondary_suppression_cannot_be_undone_by_subtraction(table: dict) -> None:
    protected = protect(table, threshold=5)
    for (r, c), shown in protected.cells.items():
        value = table[r][c] if r != T and c != T else None
        if value is not None and 0 < value < 5:
            assert shown.suppressed, (r, c)
    hidden = {k for k, v in protected.cells.items() if v.suppressed}
    assert not hidden & _recover_by_subtraction(protected)


def test_first_crafted_table_hides_a_rectangle() -> None:
    protected = protect(CRAFTED[0], threshold=5)
    hidden = {k for k, v in protected.cells.items() if v.suppressed}
    # 3 and 2 are primary; hiding the two cells that close the rectangle protects both.
    assert hidden == {("a", "x"), ("c", "y"), ("a", "y"), ("c", "x")}
    assert protected.total.value == 68 and protected.row_total("a").value == 20


def test_a_list_with_one_small_count_hides_a_second() -> None:
    protected = protect({"planned": 12, "moved": 3, "other": 9}, threshold=5)
    assert protected.cell("moved", "n").suppressed and protected.cell("other", "n").suppressed
    assert protected.cell("planned", "n").value == 12 and protected.col_total("n").value == 24


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=4), min_size=2, max_size=4)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_random_table_leaks_a_small_count(rows: list[list[int]]) -> None:
    table = {f"r{i}": {f"c{j}": v for j, v in enumerate(row)} for i, row in enumerate(rows)}
    protected = protect(table, threshold=5)
    hidden = {k for k, v in protected.cells.items() if v.suppressed}
    assert not hidden & _recover_by_subtraction(protected)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            assert protected.cell(f"r{i}", f"c{j}").suppressed or not 0 < v < 5


def test_percentages_and_lone_counts() -> None:
    assert protect_count(4).suppressed and protect_count(0).value == 0 and protect_count(5).value == 5
    big = protect_count(40)
    assert percent(protect_count(6), big) == 15 and percent(protect_count(6), protect_count(9)) is None
    assert percent(protect_count(3), big) is None


def test_a_secondary_suppressed_cell_never_reads_fewer_than() -> None:
    """A cell hidden only so that a small one cannot be worked out (here 18 beside a 2, with the
    total shown) reads the same neutral word as the small one: saying "fewer than 5" would be false."""
    from tandem.outcomes.models import OutcomeSettings
    from tandem.outcomes.report import Show, hidden_word

    table = protect({"a": 18, "b": 2, "c": 30}, threshold=5)
    assert table.cell("b", "n").suppressed and table.cell("b", "n").primary
    secondary = [r for r in ("a", "c") if table.cell(r, "n").suppressed]
    assert secondary and not table.cell(secondary[0], "n").primary
    show = Show(OutcomeSettings(threshold=5, min_denominator=10), suppress=True)
    for row in ("a", "b", "c"):
        text = show.count(table.cell(row, "n"))
        assert "fewer" not in text
        if table.cell(row, "n").suppressed:
            assert text == hidden_word()
    assert show.count(table.cell(secondary[0], "n")) == show.count(table.cell("b", "n"))
