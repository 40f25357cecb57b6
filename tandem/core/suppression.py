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
              unpublished: Sequence[Any] = (), kept: Sequence[Any] = (),
              secret: Sequence[Any] = (), lookahead: int | None = None) -> tuple[set[Any], set[Any]]:
    """The one mechanism behind :func:`protect`, :func:`protect_sums` and :func:`protect_parts`:
    the counts to hide (primary, then secondary until no hidden count follows from the sums) and
    the primary ones. ``kept`` counts are never chosen to hide a neighbour (another page shows them
    anyway). ``secret`` ones are not shown here and must not follow from what is (another page hides
    them, or they are a small complement a reader could compute)."""
    totals = {total for total, _parts in equations}
    primary = {key for key, v in values.items() if 0 < v < threshold}
    hidden = set(primary) | set(unpublished) | set(secret)
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

        if lookahead is not None:  # a large run looks ahead only from its smallest candidates
            pool = sorted(pool, key=lambda k: (values[k], repr(k)))[:lookahead]
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


@dataclass(frozen=True)
class Whole:
    """A view that another page publishes and that adds up some parts (:func:`protect_views`): its
    value of every key (sums included), the keys its own page hides, and the parts it adds up."""

    values: Mapping[Any, int]
    hidden: Collection[Any]
    members: Sequence[Any]


def protect_parts(parts: Mapping[Any, Mapping[Any, int]], sums: Mapping[Any, Sequence[Any]], *,
                  whole: Mapping[Any, int], whole_hidden: Collection[Any] = (),
                  threshold: int = DEFAULT_THRESHOLD) -> dict[Any, dict[Any, Shown]]:
    """Protect the figures of every part of a whole (the programme's sites, or its school years)
    jointly with the whole as its own page shows it: :func:`protect_views` with one view."""
    return protect_views(parts, sums, views=[Whole(whole, whole_hidden, list(parts))], threshold=threshold)


def protect_views(parts: Mapping[Any, Mapping[Any, int]], sums: Mapping[Any, Sequence[Any]], *,
                  views: Sequence[Whole], threshold: int = DEFAULT_THRESHOLD) -> dict[Any, dict[Any, Shown]]:
    """Protect the figures of parts that other pages publish sums of (the programme's sites, its
    school years, or each site in each year) *jointly*, so that a reader who sees those pages and
    any parts cannot subtract one from another to learn a hidden count (all sites minus site A =
    the other sites).

    ``parts`` gives each part's counts that are not sums (``{part: {key: n}}``), ``sums`` the tree of
    sums each part and each view publish (as in :func:`protect_sums`), ``views`` the larger views
    (:class:`Whole`: the unfiltered one, a site over every year, a year over every site). One run of
    :func:`_suppress` over the product (parts × the tree), with these equations: each part's tree,
    each view's tree, and for each view and key view = the sum of its parts (what they do not cover,
    e.g. pairs at no site, is one more part that no page shows). A view's shown keys are ``kept``
    (its page shows them whatever happens here); its hidden keys stay hidden and must not follow
    from the parts. For each view, part and key, the complement (view − part) is a figure a reader
    can compute: when it is small (1 to threshold − 1) it must not follow exactly either, so the
    part's count, or enough around it, is hidden (the equation view = part + complement).
    Returns, for each part, each key as it may be shown. Counts that share no sum (the matches,
    the goals, each lone count) are independent tables: each is protected in its own run."""
    keys = list(dict.fromkeys([*(k for counts in parts.values() for k in counts),
                               *(k for view in views for k in view.values), *sums,
                               *(k for members in sums.values() for k in members)]))
    group = {key: key for key in keys}

    def root(key: Any) -> Any:
        while group[key] != key:
            key = group[key]
        return key

    for total, members in sums.items():
        for key in members:
            group[root(key)] = root(total)
    tables: dict[Any, list[Any]] = {}
    for key in keys:
        tables.setdefault(root(key), []).append(key)
    out: dict[Any, dict[Any, Shown]] = {part: {} for part in parts}
    for table in tables.values():
        inside = set(table)
        shown = _protect_table(
            {part: {k: n for k, n in counts.items() if k in inside} for part, counts in parts.items()},
            {total: members for total, members in sums.items() if total in inside},
            views=[Whole({k: n for k, n in view.values.items() if k in inside},
                         [k for k in view.hidden if k in inside], view.members) for view in views],
            keys=table, threshold=threshold)
        for part, cells in shown.items():
            out[part] |= cells
    return out


def _protect_table(parts: Mapping[Any, Mapping[Any, int]], sums: Mapping[Any, Sequence[Any]], *,
                   views: Sequence[Whole], keys: list[Any], threshold: int) -> dict[Any, dict[Any, Shown]]:
    """:func:`protect_views` for one table (keys linked by sums)."""
    leaves = [k for k in keys if k not in sums]
    given: dict[Any, Mapping[Any, int]] = dict(parts)
    values: dict[Any, int] = {}

    def value(owner: Any, key: Any) -> int:
        if (owner, key) not in values:
            values[(owner, key)] = (sum(value(owner, k) for k in sums[key]) if key in sums
                                    else int(given[owner].get(key, 0)))
        return values[(owner, key)]

    equations: list[Equation] = []
    kept: list[Any] = []
    secret: list[Any] = []
    unseen: list[Any] = []  # what no page shows: unknown to the reader, protected only when small
    for part in parts:
        for key in keys:
            value(part, key)
        equations += [((part, total), [(part, k) for k in members]) for total, members in sums.items()]
    for i, view in enumerate(views):
        name, members = (_VIEW, i), list(view.members)
        for key in keys:
            values[(name, key)] = int(view.values.get(key, 0))
            (secret if key in view.hidden else kept).append((name, key))
        equations += [((name, total), [(name, k) for k in parts_]) for total, parts_ in sums.items()]
        uncovered = {k: values[(name, k)] - sum(values[(p, k)] for p in members) for k in leaves}
        if any(uncovered.values()):
            other = (_OTHER, i)
            given[other] = {k: max(n, 0) for k, n in uncovered.items()}
            for key in keys:  # a zero here is as good as shown (and never hidden in vain)
                n = value(other, key)
                (secret if 0 < n < threshold else unseen if n else kept).append((other, key))
            equations += [((other, total), [(other, k) for k in parts_]) for total, parts_ in sums.items()]
            members.append(other)
        for key in keys:
            equations.append(((name, key), [(p, key) for p in members]))
            for part in view.members:
                rest = values[(name, key)] - values[(part, key)]
                if 0 < rest < threshold:
                    complement = (_REST, i, part, key)
                    values[complement] = rest
                    equations += [((name, key), [(part, key), complement]),
                                  (complement, [(p, key) for p in members if p != part])]
                    secret.append(complement)
    hidden, primary = _suppress(values, equations, threshold=threshold, kept=kept, secret=secret,
                                unpublished=unseen, lookahead=LOOKAHEAD)
    return {part: {key: Shown(None if (part, key) in hidden else values[(part, key)],
                              primary=(part, key) in primary) for key in keys} for part in parts}


_VIEW, _OTHER, _REST = "view", "not in any part", "complement"
# The candidates each step of a joint run weighs (hundreds of counts: a grid of sites × years).
LOOKAHEAD = 4


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
