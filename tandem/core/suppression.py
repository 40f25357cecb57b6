"""Small-cell suppression for every number an observer (a funder) can see.

One function decides: :func:`protect` takes a table of counts with its totals and returns what
may be shown. *Primary* suppression hides every count from 1 to ``threshold − 1`` (the programme's
threshold, default 5). *Secondary* suppression then hides further cells until no hidden cell can be
worked out exactly from what is shown: every published row total, column total and grand total is
an equation, and a hidden cell is exposed when it is a linear combination of them (checked by
rank, with exact fractions). Each time one is exposed, the smallest other count in its row or
column is hidden too (a total only when nothing else is left). Zeros are shown: they single nobody
out. Means and intervals are shown only over at least ``threshold`` people, percentages only over
at least ``min_denominator`` (default 10) and never of a hidden count.

This protects against exact recovery by subtraction (the common attack on published tables); it
does not promise that the bounds an attacker can derive (e.g. "between 1 and 4") are wide.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DEFAULT_THRESHOLD = 5
DEFAULT_MIN_DENOMINATOR = 10

T = "total"
Key = tuple[Any, Any]


@dataclass(frozen=True)
class Shown:
    """One count as it may be shown: ``value`` is None when it is suppressed."""

    value: int | None
    primary: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class Protected:
    """A protected table: ``cell(row, col)``, ``row_total(row)``, ``col_total(col)``, ``total``."""

    rows: list[Any]
    cols: list[Any]
    cells: dict[Key, Shown]
    threshold: int

    def cell(self, row: Any, col: Any) -> Shown:
        return self.cells[(row, col)]

    def row_total(self, row: Any) -> Shown:
        return self.cells[(row, T)]

    def col_total(self, col: Any) -> Shown:
        return self.cells[(T, col)]

    @property
    def total(self) -> Shown:
        return self.cells[(T, T)]


Equation = tuple[Any, Sequence[Any]]  # (a published total, the counts it adds up)


def _exposed(equations: Sequence[Equation], hidden: set[Any]) -> list[Any]:
    """The hidden keys whose value follows exactly from the equations, the shown keys being known.
    One elimination: a key is determined exactly when its unit vector lies in the row space of the
    equations over the hidden keys, i.e. when its pivot row of the reduced echelon form is that unit
    vector (a key without a pivot, or whose pivot row involves a free key, can take many values)."""
    order = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(order)}
    rows: list[dict[int, Fraction]] = []
    for total, parts in equations:
        row: dict[int, Fraction] = {}
        for key, coef in (*((part, 1) for part in parts), (total, -1)):
            if key in index:
                row[index[key]] = row.get(index[key], Fraction(0)) + coef
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column -> its row, reduced
    for row in rows:
        for col, pivot_row in pivots.items():  # reduce the new row by the pivots found so far
            factor = row.get(col)
            if factor:
                for k, v in pivot_row.items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {k: v / lead for k, v in row.items()}
        for other in pivots.values():  # keep the form reduced: clear the new pivot's column elsewhere
            factor = other.get(col)
            if factor:
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                for k in [k for k, v in other.items() if not v]:
                    del other[k]
        pivots[col] = row
    return [order[col] for col, row in sorted(pivots.items()) if len(row) == 1]


def _table_equations(rows: Sequence[Any], cols: Sequence[Any]) -> list[Equation]:
    """Each published sum of a table: rows, columns, and the grand total both ways."""
    return [*(((r, T), [(r, c) for c in cols]) for r in rows),
            *(((T, c), [(r, c) for r in rows]) for c in cols),
            ((T, T), [(r, T) for r in rows]),
            ((T, T), [(T, c) for c in cols])]


def exposed(rows: Sequence[Any], cols: Sequence[Any], hidden: set[Key]) -> list[Key]:
    """The hidden cells whose value follows exactly from the shown ones and the sums."""
    return _exposed(_table_equations(rows, cols), hidden)


def _suppress(values: Mapping[Any, int], equations: Sequence[Equation], *, threshold: int,
              unpublished: Sequence[Any] = (), kept: Sequence[Any] = ()) -> tuple[set[Any], set[Any]]:
    """The one mechanism behind :func:`protect` and :func:`protect_sums`: the counts to hide
    (primary, then secondary until no hidden count follows from the sums) and the primary ones.
    ``kept`` counts are never chosen to hide a neighbour (another page shows them anyway)."""
    totals = {total for total, _parts in equations}
    primary = {key for key, v in values.items() if 0 < v < threshold}
    hidden = set(primary) | set(unpublished)
    shown_later = set(unpublished)
    for _round in range(len(values) + 1):
        found = [k for k in _exposed(equations, hidden) if k not in shown_later]
        if not found:
            break
        # Its neighbours: the counts that share a published sum with it (in a table, its row and column).
        # The first exposed count that has one left to hide: another may be hemmed in by counts
        # already hidden or ``kept`` while hiding a neighbour of the next one still helps.
        candidates = []
        for key in found:
            near = {k for total, parts in equations if key == total or key in parts for k in (total, *parts)}
            candidates = [k for k in values if k not in hidden and k in near and k not in kept]
            if candidates:
                break
        inner = [k for k in candidates if k not in totals]
        pool = [k for k in inner if values[k] > 0] or inner or candidates
        if not pool:  # nothing left beside it: hide every published count
            hidden |= set(values)
            break
        # Look one step ahead: the count whose hiding leaves the fewest exposed, then the smallest.
        def cost(key: Any, hidden: set[Any] = hidden) -> tuple[int, int, str]:
            left = [k for k in _exposed(equations, hidden | {key}) if k not in shown_later]
            return len(left), values[key], repr(key)

        hidden.add(min(pool, key=cost))
    return hidden, primary


def protect(table: Mapping[Any, Mapping[Any, int]] | Mapping[Any, int], *, threshold: int = DEFAULT_THRESHOLD,
            cols: Sequence[Any] | None = None, rows: Sequence[Any] | None = None,
            unpublished: Sequence[Key] = ()) -> Protected:
    """Protect a table ``{row: {col: count}}`` (or a list of counts ``{row: count}``, one column)
    and its totals. ``unpublished`` names totals that are not shown at all (they then tell
    nothing). Suppression is applied to the row totals, column totals and grand total too."""
    one_column = bool(table) and not isinstance(next(iter(table.values())), Mapping)
    row_keys = list(rows if rows is not None else table.keys())
    if one_column:
        col_keys: list[Any] = ["n"]
        flat: Any = table
        values: dict[Key, int] = {(r, "n"): int(flat.get(r, 0)) for r in row_keys}
        unpublished = [*unpublished, *((r, T) for r in row_keys)]  # a row's total is the row itself
    else:
        col_keys = list(cols if cols is not None else
                        dict.fromkeys(c for r in row_keys for c in table.get(r, {})))  # type: ignore[union-attr]
        values = {(r, c): int(table.get(r, {}).get(c, 0)) for r in row_keys for c in col_keys}  # type: ignore[union-attr]
    for r in row_keys:
        values[(r, T)] = sum(values[(r, c)] for c in col_keys)
    for c in col_keys:
        values[(T, c)] = sum(values[(r, c)] for r in row_keys)
    values[(T, T)] = sum(values[(r, T)] for r in row_keys)

    hidden, primary = _suppress(values, _table_equations(row_keys, col_keys), threshold=threshold,
                                unpublished=unpublished)
    cells = {key: Shown(None if key in hidden else v, primary=key in primary) for key, v in values.items()}
    return Protected(rows=row_keys, cols=col_keys, cells=cells, threshold=threshold)


def protect_sums(counts: Mapping[Any, int], sums: Mapping[Any, Sequence[Any]], *,
                 threshold: int = DEFAULT_THRESHOLD, unpublished: Sequence[Any] = (),
                 shown_elsewhere: Sequence[Any] = ()) -> dict[Any, Shown]:
    """Protect counts that are not one table but a tree of sums, e.g. matches by state with the
    closed ones by reason: ``counts`` gives each count that is not a sum, ``sums`` each published
    total with the keys it adds up (counts or other totals). Every key, totals included, comes
    back as it may be shown. A total another page publishes (``shown_elsewhere``) belongs in
    ``sums`` even when this page leaves it out, so the two pages cannot be combined; it is never
    the one hidden to protect a neighbour, as that page would show it all the same (a small one
    is still hidden here, as it is there)."""
    values: dict[Any, int] = {key: int(n) for key, n in counts.items()}

    def value(key: Any) -> int:
        if key not in values:
            values[key] = sum(value(part) for part in sums[key])
        return values[key]

    for total in sums:
        value(total)
    hidden, primary = _suppress(values, list(sums.items()), threshold=threshold, unpublished=unpublished,
                                kept=shown_elsewhere)
    return {key: Shown(None if key in hidden else v, primary=key in primary) for key, v in values.items()}


# The exact check (one elimination over exact fractions, ``_exposed``) runs after the line rule of
# :func:`protect_lines` only while the hidden counts number at most this many. Measured
# (docs/outcomes.md): 12 ms at 206 hidden counts (the VerA demo's grid), 19 ms at 389, 36 ms at 541,
# 64 ms at 704, 2.4 s at 3,913 (40 sites): it grows with the square of the hidden counts. Up to
# 400 it costs less than reading one view's figures; beyond, the line rule alone decides.
EXACT_LIMIT = 400


def protect_lines(values: Mapping[Any, int], equations: Sequence[Equation], *, threshold: int,
                  kept: Collection[Any] = (), hidden: Collection[Any] = (),
                  ties: Mapping[Any, Sequence[Any]] | None = None,
                  exact_limit: int = EXACT_LIMIT) -> set[Any]:
    """The counts to hide in many tables that share their totals (a programme split by site, by
    school and by school year, each part a table of its own): the scalable twin of
    :func:`_suppress`. Each equation is a *line* (a published total and the counts it adds up).

    The classic rule for tables with margins, applied line by line until nothing changes: a count
    from 1 to ``threshold − 1`` is hidden; a line with exactly one hidden count hides a second one
    (its smallest non-zero count that is not ``kept``, a total only when no part is left); and a
    line whose total is shown hides one more count while its hidden parts add up to 1 … threshold − 1
    (the reader could compute that small group as the total minus the shown parts). ``hidden``
    counts start hidden (another page hides them), ``kept`` ones are never chosen (another page
    shows them), and hiding a key of ``ties`` hides its tied keys too. Then, while at most
    ``exact_limit`` counts are hidden, the exact check: a small count that still follows from all
    the equations together hides its smallest neighbour, and the rule runs again. Linear in the
    number of counts and lines apart from the exact check. (:func:`protect_lines_indexed` does the
    work on counts numbered 0 … n − 1.)"""
    keys = list(values)
    index = {key: i for i, key in enumerate(keys)}
    found = protect_lines_indexed(
        [values[key] for key in keys], [[index[total], *(index[p] for p in parts)] for total, parts in equations],
        threshold=threshold, kept={index[k] for k in kept}, hidden=[index[k] for k in hidden],
        ties={index[k]: [index[t] for t in tied if t in index] for k, tied in (ties or {}).items() if k in index},
        exact_limit=exact_limit)
    return {keys[i] for i in found}


def protect_lines_indexed(values: Sequence[int], lines: Sequence[Sequence[int]], *, threshold: int,
                          kept: Collection[int] = (), hidden: Collection[int] = (),
                          ties: Mapping[int, Sequence[int]] | None = None,
                          exact_limit: int = EXACT_LIMIT) -> set[int]:
    """:func:`protect_lines` on counts numbered 0 … n − 1 (``values[i]``), each line a list of
    numbers, its total first; ties are broken by number. For callers that build thousands of lines
    (``outcomes.report.joint_counts``): numbers hash at no cost, nested keys at every look-up."""
    kept = set(kept)
    ties = ties or {}
    is_total = [False] * len(values)
    lines_of: list[list[int]] = [[] for _ in values]
    for i, line in enumerate(lines):
        is_total[line[0]] = True
        for key in line:
            lines_of[key].append(i)
    out = [0 < v < threshold for v in values]
    for key in hidden:
        out[key] = True

    def rank(key: int) -> tuple[bool, int, bool, int]:  # non-zero, the smallest, a count that is no total
        return values[key] == 0, values[key], is_total[key], key

    def hide(key: int, queue: list[int]) -> None:
        todo = [key]
        while todo:
            key = todo.pop()
            if out[key]:
                continue
            out[key] = True
            queue.extend(lines_of[key])
            todo.extend(ties.get(key, ()))

    def settle(queue: list[int]) -> None:
        for key in [k for k in ties if out[k]]:  # a tie of a count hidden from the start
            for tied in ties[key]:
                if not out[tied]:
                    hide(tied, queue)
        while queue:
            line = lines[queue.pop()]
            gone = sum(1 for k in line if out[k])
            if not gone:
                continue
            if gone > 1 and (out[line[0]] or not 0 < values[line[0]] - sum(
                    values[k] for k in line[1:] if not out[k]) < threshold):
                continue
            # The line's own parts before its total (a part here may be a total elsewhere).
            pool = [k for k in line[1:] if not out[k] and k not in kept] or (
                [line[0]] if not out[line[0]] and line[0] not in kept else [])
            if pool:
                hide(min(pool, key=rank), queue)  # re-queues this line: it may need one more

    settle(sorted({i for key, h in enumerate(out) if h for i in lines_of[key]}, reverse=True))
    equations = [(line[0], line[1:]) for line in lines]
    for _round in range(len(values)):
        hidden_now = {k for k, h in enumerate(out) if h}
        if len(hidden_now) > exact_limit:
            break
        small = [k for k in _exposed(equations, hidden_now) if 0 < values[k] < threshold]
        if not small:
            break
        near = next((found for key in small if (found := [
            k for i in lines_of[key] for k in lines[i] if not out[k] and k not in kept])), [])
        if not near:
            break
        queue: list[int] = []
        hide(min(near, key=rank), queue)
        settle(queue)
    return {k for k, h in enumerate(out) if h}


def protect_count(value: int, *, threshold: int = DEFAULT_THRESHOLD) -> Shown:
    """A lone count (no totals around it)."""
    return Shown(None if 0 < value < threshold else value, primary=0 < value < threshold)


def percent(part: Shown, whole: Shown, *, min_denominator: int = DEFAULT_MIN_DENOMINATOR) -> float | None:
    """A share in per cent, only of shown counts over a denominator of at least ``min_denominator``."""
    if part.value is None or whole.value is None or whole.value < min_denominator or whole.value == 0:
        return None
    return 100 * part.value / whole.value


def enough(n: int, *, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether a mean, median or interval over ``n`` people may be shown."""
    return n >= threshold
