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

Many tables that share their totals (a programme's views by site, school and school year, each a
part of the next) are protected together by :func:`protect_lines` / :func:`protect_lines_indexed`:
the classic rule for tables with margins, line by line, with the exact check (``_exposed``, in
integers) only while few counts are hidden (``EXACT_LIMIT``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from math import gcd
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
    vector (a key without a pivot, or whose pivot row involves a free key, can take many values).
    Exact, in integers (fraction-free row operations, each row divided by the gcd of its entries),
    sparse, and each pivot column kept in its own row only, so a new row is reduced by the pivots
    it touches."""
    order = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(order)}
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its row, reduced

    def combine(row: dict[int, int], by: dict[int, int], col: int) -> dict[int, int]:
        """``row`` with column ``col`` cleared by ``by`` (whose entry there is not 0)."""
        a, b = row[col], by[col]
        out = {k: v * b for k, v in row.items()}
        for k, v in by.items():
            out[k] = out.get(k, 0) - a * v
        out = {k: v for k, v in out.items() if v}
        common = gcd(*out.values()) if out else 1
        return {k: v // common for k, v in out.items()} if common > 1 else out

    for total, parts in equations:
        row: dict[int, int] = {}
        for key, coef in (*((part, 1) for part in parts), (total, -1)):
            if key in index:
                row[index[key]] = row.get(index[key], 0) + coef
        row = {k: v for k, v in row.items() if v}
        for col in [c for c in row if c in pivots]:  # pivot rows hold no other pivot column
            row = combine(row, pivots[col], col)
        if not row:
            continue
        col = min(row)
        for other_col, other in pivots.items():  # keep the form reduced: clear the new pivot's column
            if col in other:
                pivots[other_col] = combine(other, row, col)
        pivots[col] = row
    return [order[col] for col, row in sorted(pivots.items()) if len(row) == 1]


def follows(equations: Sequence[Equation], hidden: set[Any]) -> list[Any]:
    """The hidden counts whose value follows exactly from the shown ones and the equations (each a
    published total and the counts it adds up)."""
    return _exposed(equations, hidden)


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
            # No count follows exactly; but a published total minus its shown parts still tells the
            # sum of the hidden ones ("mentor moved" + "did not work" = 2 beside a shown total):
            # while that sum is a small group, one more part is hidden.
            small = next(((total, parts) for total, parts in equations if total not in hidden
                          and 0 < sum(values[p] for p in parts if p in hidden) < threshold), None)
            if small is None:
                break
            total, parts = small
            free = [p for p in parts if p not in hidden and p not in kept]
            pool = [p for p in free if values[p] > 0] or free
            if pool:
                hidden.add(min(pool, key=lambda k: (values[k], repr(k))))
            elif total not in kept:
                hidden.add(total)
            else:
                hidden |= set(values)
                break
            continue
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


# The exact check (one elimination in integers, ``_exposed``) runs after the line rule of
# :func:`protect_lines` only while the hidden counts number at most this many, at most
# ``EXACT_ROUNDS`` times (it stops earlier when nothing is found, or the same again). Measured
# (docs/outcomes.md, one run each on this machine): 3 ms at 204 hidden counts, 7 ms at 373,
# 15–19 ms at 716, ~50 ms at 1,413, 320 ms at 3,426 (40 sites): it grows with the square of the
# hidden counts. Up to 600 (some 8 sites of one school, or 6 of two, over three years) six checks
# cost about what reading one view's figures does; beyond, the line rule alone decides. Both are
# fixed counts, not a time budget: every request must hide the same counts.
EXACT_LIMIT = 600
EXACT_ROUNDS = 6


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
    (the reader could compute that small group as the total minus the shown parts), while hidden
    parts that add up to 0 beside a shown total are shown (no count being negative, a reader knows
    each is 0: they protect nothing) and never chosen again. ``hidden`` counts start hidden
    (another page hides them), ``kept`` ones are never chosen (another page shows them), and hiding
    a key of ``ties`` hides its tied keys too. Then, while at most ``exact_limit`` counts are
    hidden, the exact check: a small count that still follows from all the equations together
    hides its smallest neighbour, and the rule runs again; a hidden count that follows from the
    shown ones and is not small is shown (it protects nothing) and the rule runs again, until
    nothing hidden follows (at most ``EXACT_ROUNDS`` times). Linear in the number of counts and
    lines apart from the exact check. (:func:`protect_lines_indexed` does the
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
    start = set(hidden)
    # ``here``: hidden and unknown to a reader. A count of ``start`` stays hidden on the page even
    # when a reader can tell it (its own page hides it); ``zeros``: hidden parts a reader can tell
    # are 0; ``derived``: counts the exact check works out. Each line keeps how many of its counts
    # are ``here`` and its total minus its parts that are not (the small rest a reader could
    # compute), updated as counts change, so a line is checked without reading it.
    here = [0 < v < threshold for v in values]
    for key in start:
        here[key] = True
    zeros: set[int] = set()
    derived: set[int] = set()
    gone = [0] * len(lines)
    rest = [0] * len(lines)
    for i, line in enumerate(lines):
        total = line[0]
        hid, left = int(here[total]), values[total]
        for k in line[1:]:
            if here[k]:
                hid += 1
            else:
                left -= values[k]
        gone[i], rest[i] = hid, left

    def flip(key: int, hidden: bool, queue: list[int]) -> None:
        if here[key] == hidden:
            return
        here[key] = hidden
        step = 1 if hidden else -1
        for i in lines_of[key]:
            gone[i] += step
            if lines[i][0] != key:
                rest[i] += step * values[key]
        queue.extend(lines_of[key])

    def rank(key: int) -> tuple[bool, int, bool, int]:  # non-zero, the smallest, a count that is no total
        return values[key] == 0, values[key], is_total[key], key

    def hide(key: int, queue: list[int]) -> None:
        todo = [key]
        while todo:
            key = todo.pop()
            if here[key] or key in zeros:
                continue
            derived.discard(key)
            flip(key, True, queue)
            todo.extend(ties.get(key, ()))

    def choose(candidates: Sequence[int], queue: list[int]) -> bool:
        """Hide the best of ``candidates``: one nobody can work out before one a reader can."""
        free = [k for k in candidates if not here[k] and k not in kept and k not in zeros]
        pool = [k for k in free if k not in derived] or free
        if pool:
            hide(min(pool, key=rank), queue)
        return bool(pool)

    def settle(queue: list[int]) -> None:
        for key in [k for k in ties if here[k]]:  # a tie of a count hidden from the start
            for tied in ties[key]:
                hide(tied, queue)
        while queue:
            i = queue.pop()
            if not gone[i]:
                continue
            line = lines[i]
            left = None if here[line[0]] else rest[i]
            if left == 0:
                # Its hidden parts add up to 0: a reader knows each is 0 (no count is negative), so
                # they protect nothing; shown, and never chosen again.
                for key in line[1:]:
                    if here[key]:
                        zeros.add(key)
                        flip(key, False, queue)
                continue
            if gone[i] > 1 and (left is None or not 0 < left < threshold):
                continue
            # The line's own parts before its total (a part here may be a total elsewhere); hiding
            # one re-queues this line: it may need one more.
            if not choose(line[1:], queue):
                choose(line[:1], queue)

    settle(sorted({i for key, h in enumerate(here) if h for i in lines_of[key]}, reverse=True))
    equations = [(line[0], line[1:]) for line in lines]
    last: list[int] = []
    for _round in range(EXACT_ROUNDS):
        hidden_now = {k for k, h in enumerate(here) if h}
        if len(hidden_now) > exact_limit:
            break
        exposed = _exposed(equations, hidden_now)
        if not exposed or exposed == last:  # nothing, or the same again: no rule can do more
            break
        last = exposed
        small = [k for k in exposed if 0 < values[k] < threshold]
        queue: list[int] = []
        if small:
            if not any(choose([k for i in lines_of[key] for k in lines[i]], queue) for key in small):
                break
        else:
            # A hidden count that follows exactly from the shown ones (and is not small) protects
            # nothing and tells nothing more when shown ("closed 10" in a year, beside the site's
            # 10 over every year): shown, chosen again only when nothing else is left, and its
            # lines choose anew.
            for key in exposed:
                derived.add(key)
                flip(key, False, queue)
        settle(queue)
    return {k for k, h in enumerate(here) if h} | start


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
