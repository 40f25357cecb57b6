"""What a dashboard or a funder report shows, built from ``selectors.figures``.

Every number passes through here. ``build(..., suppress=True)`` (observers' views and every funder
report) sends each count through ``suppression.protect`` / ``protect_count`` (primary and secondary
suppression, the programme's threshold; the match counts through ``matching.selectors
.protect_matches``, the one protection the matches report uses too), each mean, median and interval through
``suppression.enough`` and each percentage through ``suppression.percent``. Coordinators'
dashboards use ``suppress=False`` and see the exact values.

An observer's *filtered* view (a site, a school, a school year, or both) is a part of the programme
a funder can set beside the whole and beside the other parts: its counts come from one joint run
over every part (``joint_counts``: ``selectors.parts`` reads them in one grouped pass,
``suppression.protect_lines_indexed`` protects them), given to ``build`` as ``counts``. Learners and mentors
are hidden wherever the started matches are (they are nearly always the same number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from tandem.core.apprentices import learners_are_apprentices
from tandem.core.selectors import hidden_word  # the one word for a hidden figure, app-wide
from tandem.core.suppression import (
    EXACT_LIMIT,
    Shown,
    enough,
    follows,
    percent,
    protect,
    protect_count,
    protect_lines_indexed,
)
from tandem.core.text import percent as percent_text
from tandem.core.text import semicolons
from tandem.matching.models import Match
from tandem.matching.selectors import STARTED, UNRECORDED, protect_matches
from tandem.outcomes.instruments import pick
from tandem.outcomes.models import Audience, EarlyLeaving, OutcomeSettings, SchoolStatus, WaveKind
from tandem.outcomes.selectors import (
    ALL_YEARS,
    NO_YEAR,
    PART_SUMS,
    WHOLE,
    Figures,
    Filters,
    Parts,
    extra_counts,
    extra_sums,
    family,
    parts,
)


@dataclass
class Row:
    label: str
    value: str
    n: str = ""
    bar: float | None = None  # 0…1, for the chart
    extra: list[str] = field(default_factory=list)
    hidden: bool = False
    # Below the programme's target (equal participation): the page highlights the gap.
    below: bool = False


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    columns: list[str]
    chart: bool = False
    note: str = ""

    @property
    def has_details(self) -> bool:
        return any(row.extra for row in self.rows)


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    # Grouped as the reader's language groups thousands (1.382,2 · 1,382.2 · 1 382,2): funders'
    # figures run into thousands of hours and meetings.
    # A whole number drops its decimals ("250 days", "36 meetings"), except among figures given to
    # two decimals (survey means, their change and interval): "3,00" beside "2,96", not "3".
    return number_format(round(value, digits), decimal_pos=digits if digits >= 2 or value != int(value) else 0,
                         force_grouping=True)


def hidden_note(settings: OutcomeSettings, *, filtered: bool = False) -> str:
    """The one explanation of "hidden", given once per page or report; an observer's filtered view
    (``filtered``) adds why a figure that is not small can be hidden there (``joint_counts``)."""
    note = _("Hidden: groups smaller than %(n)s are not shown, nor figures from which they could be worked "
             "out; shares only over at least %(d)s people.") % {"n": settings.threshold,
                                                                 "d": settings.min_denominator}
    if filtered:
        note += " " + _("In a filtered view, a figure is also hidden when setting it beside the whole programme "
                        "or another view would let a small group be worked out.")
    return note


class Show:
    """Formatting under one programme's rules, suppressing or not."""

    def __init__(self, settings: OutcomeSettings, *, suppress: bool) -> None:
        self.threshold = settings.threshold if suppress else 1
        self.min_denominator = settings.min_denominator if suppress else 1
        self.suppress = suppress
        # One neutral word for every hidden figure, whether it is small itself (primary) or could
        # reveal a small one (secondary): the reader cannot tell which, and nothing false is said.
        self.small = hidden_word()
        # Apprentices' programmes name the cycle "training year", not "school year"
        # (tandem.core.apprentices).
        self.apprentices = bool(settings.programme_id) and learners_are_apprentices(settings.programme)
        # A group programme counts places in learning communities, not pairs (docs/outcomes.md):
        # the same figures, each label a whole sentence of its own.
        self.group = bool(settings.programme_id) and settings.programme.is_group

    def count(self, shown: Shown | int) -> str:
        if isinstance(shown, int):
            shown = protect_count(shown, threshold=self.threshold)
        return self.small if shown.value is None else number_format(shown.value, force_grouping=True)

    def mean(self, value: float | None, n: int, digits: int = 1, over: Shown | None = None) -> str:
        """A mean (median, sum) over ``n`` people or pairs; ``over``: the count of them as the view
        shows it (hidden, the mean is hidden too: it would be a figure of a hidden group)."""
        if not enough(n, threshold=self.threshold) or (n and over is not None and over.suppressed):
            return self.small if n else "–"
        return fmt(value, digits)

    def pct(self, part: Shown, whole: Shown) -> tuple[str, float | None]:
        share = percent(part, whole, min_denominator=self.min_denominator)
        if share is None:
            return (self.small if whole.value or whole.suppressed else "–"), None
        return percent_text(share), share


def build(figures: Figures, *, settings: OutcomeSettings, suppress: bool,
          counts: dict[str, Shown] | None = None) -> list[Section]:
    """The sections of a view. ``counts``: an observer's filtered view's counts from the joint run
    (``joint_counts``), or a funder report's (``period_counts``); without, the view's tables are
    protected on their own (``alone``, ``alone_extras``)."""
    show = Show(settings, suppress=suppress)
    shown = counts if counts is not None and suppress else {
        **alone(figures, threshold=show.threshold),
        **alone_extras(extra_counts(figures), threshold=show.threshold)}
    return [_delivered(figures, show, shown), _closures(figures, show, shown), _goals(figures, show, shown),
            *_surveys(figures, show, shown), _pulse(figures, show, shown), _indicators(figures, show, shown),
            _dropout(figures, show, settings, shown)]


def _at(shown: Mapping[str, Shown], key: str, n: int) -> Shown:
    """A count as the view shows it; a count the protection did not see is hidden (never shown unprotected)."""
    found = shown.get(key)
    return found if found is not None else Shown(None if n else 0)


def alone_extras(counts: Mapping[str, int], *, threshold: int) -> dict[str, Shown]:
    """The survey, pulse, indicator and follow-up counts of a view (``selectors.extra_counts``, or
    a part's counts) protected on their own: a school year's pulse pairs with and without a gap,
    and a follow-up's statuses, as one table each (their total the pairs rated by both, the
    learners with a status); every other count alone."""
    keys = [key for key in counts if family(key) != "matches"]
    out: dict[str, Shown] = {}
    for total, members in extra_sums(keys).items():
        table = protect({m: counts.get(m, 0) for m in members}, threshold=threshold)
        out[total] = table.col_total("n")
        out |= {m: table.cell(m, "n") for m in members}
    for key in keys:
        if key not in out:
            out[key] = protect_count(counts[key], threshold=threshold)
    return out


def whole_counts(parts: Parts, *, threshold: int) -> dict[str, Shown]:
    """The unfiltered page's counts as it shows them (each table protected on its own), from the
    grouped pass: what the joint runs keep and hide of the whole."""
    found = parts.whole()
    return {**alone_counts(found, threshold=threshold), **alone_extras(found, threshold=threshold)}


def alone(f: Figures, *, threshold: int) -> dict[str, Shown]:
    """The counts of a view protected on their own (the unfiltered view, a funder report, every
    coordinator's view with ``threshold=1``): :func:`alone_counts` of the view's figures."""
    return alone_counts({"active": f.active, **{f"reason:{r}": n for r, n in f.closure_reasons.items()},
                         UNRECORDED: f.closure_unrecorded, "goals:reached": f.goals_reached,
                         "goals:other": f.goals - f.goals_reached, "learners": f.learners, "mentors": f.mentors,
                         "waiting": f.waiting_now or 0}, threshold=threshold)


def alone_counts(counts: Mapping[str, int], *, threshold: int) -> dict[str, Shown]:
    """A view's counts (the keys of ``selectors.Parts``) protected on their own: the match counts as
    the matches report protects them (one call), the goals as one table, learners, mentors and the
    waiting learners as lone counts, learners and mentors hidden with the started matches."""
    shown = dict(protect_matches(states={Match.State.ACTIVE: counts.get("active", 0)},
                                 reasons={r: counts.get(f"reason:{r}", 0) for r in Match.Closure.values},
                                 unrecorded=counts.get(UNRECORDED, 0), threshold=threshold))
    goals = protect({"reached": counts.get("goals:reached", 0), "other": counts.get("goals:other", 0)},
                    threshold=threshold)
    shown |= {"goals": goals.col_total("n"), "goals:reached": goals.cell("reached", "n"),
              "goals:other": goals.cell("other", "n"),
              "waiting": protect_count(counts.get("waiting", 0), threshold=threshold)}
    for key in ("learners", "mentors"):
        value = counts.get(key, 0)
        shown[key] = protect_count(value, threshold=threshold)
        if shown[STARTED].suppressed and value:  # nearly always the started count itself
            shown[key] = Shown(None, primary=shown[key].primary)
    return shown


# The counts of a view that ``joint_counts`` protects across views (and the waiting learners,
# over every school year only).
JOINT_KEYS = ["active", *(f"reason:{r}" for r in Match.Closure.values), UNRECORDED, "closed", STARTED,
              "learners", "mentors", "goals:reached", "goals:other", "goals"]


def joint_counts(parts: Parts, *, threshold: int, whole: dict[str, Shown], exact_limit: int = EXACT_LIMIT) -> Joint:
    """Every part's counts as an observer may see them, protected in one run per family of counts
    (``suppression.protect_lines_indexed``; families share no sum, so separate runs hide what one
    run would, and each keeps the exact check while its own hidden counts are few): each site's
    schools add up to the site and the sites to the whole, in every school year and over all of
    them; each part's school years add up to the part over every year; in each part, the reasons
    to the closed matches, active and closed to the started, reached and other goals to the goals,
    a school year's pulse pairs with and without a gap to those rated by both, a follow-up's
    statuses to its learners. The families: the match counts (:data:`JOINT_KEYS`), each
    questionnaire's answers and people before and after, each school year's pulse counts, each
    school year's absence and test measurements, each follow-up's statuses. The whole (the
    unfiltered page) is published as its own page shows it (``whole``: its shown counts are kept,
    its hidden ones stay hidden). Pairs at no site or school or without a start date, and the
    anonymous and supervisors' answers (the part at no school in no school year), are a part no
    page shows but a reader can work out: taken as known, a small count of them is protected like
    any other. Learners and mentors are hidden with the started matches of the same part. The counts
    of a family are numbered ``(row × cols + col) × keys + key`` so that thousands of lines cost no
    hashing of nested keys. ``exact_limit``: see ``suppression.EXACT_LIMIT`` (0: the line rule
    alone, as for a large programme)."""
    rows = [WHOLE, *(("site", s) for s in parts.sites), *(("partner", p) for ps in parts.sites.values() for p in ps)]
    cols = [ALL_YEARS, *parts.years, NO_YEAR]
    families: dict[str, set[str]] = defaultdict(set)
    for key in parts.whole():  # a key counted in any part is counted in the whole
        if key not in MATCH_KEYS:
            families[family(key)].add(key)
    runs = [_joint_run(parts, rows, cols, [*JOINT_KEYS, "waiting"], sums=PART_SUMS, threshold=threshold,
                       whole=whole, exact_limit=exact_limit, ties={STARTED: ["learners", "mentors"]})]
    for name in sorted(families):
        sums = extra_sums(families[name])
        keys = sorted(families[name] | set(sums) | {k for members in sums.values() for k in members})
        runs.append(_joint_run(parts, rows, cols, keys, sums=sums, threshold=threshold, whole=whole,
                               exact_limit=exact_limit, sparse=True))
    return Joint(rows={row: r for r, row in enumerate(rows)}, cols={col: c for c, col in enumerate(cols)}, runs=runs,
                 whole=whole, threshold=threshold)


# The keys of the match family (``selectors.Parts``): every other key is a survey's, the pulse's, …
MATCH_KEYS = frozenset([*JOINT_KEYS, "waiting"])


@dataclass
class _Run:
    """One family's counts, numbered ``(row × cols + col) × keys + key``, and those to hide."""

    keys: list[str]
    values: list[int]
    hidden: set[int]


def _joint_run(parts: Parts, rows: list[Any], cols: list[str], keys: list[str], *, sums: Mapping[str, list[str]],
               threshold: int, whole: dict[str, Shown], exact_limit: int,
               ties: Mapping[str, list[str]] | None = None, sparse: bool = False) -> _Run:
    """One family of :func:`joint_counts`. ``"waiting"`` (when among ``keys``) is a count over every
    school year only; ``ties``: a key hidden hides its tied keys in the same view; ``sparse``: the
    family's counts are mostly zeros (a survey's, a year's pulse: a line of zeros is left out)."""
    n_cols, n_keys = len(cols), len(keys)
    key_of = {key: k for k, key in enumerate(keys)}
    values: list[int] = []
    zeros = [0] * n_keys
    for row in rows:
        for col in cols:
            found = parts.counts.get((row, col))
            values += [found.get(key, 0) for key in keys] if found else zeros

    def at(r: int, c: int, k: int = 0) -> int:
        return (r * n_cols + c) * n_keys + k

    row_of = {row: r for r, row in enumerate(rows)}
    sites = [(row_of[("site", s)], [row_of[("partner", p)] for p in schools]) for s, schools in parts.sites.items()]
    schools = [school for _site, inside in sites for school in inside]
    joint = [k for k, key in enumerate(keys) if key != "waiting"]
    years = range(1, n_cols)
    # Each line as the first count of each view it adds up (``at(r, c)``), one line per key: the
    # count of key k in a view is its first count plus k.
    shapes: list[tuple[list[int], list[int]]] = []
    for c in range(n_cols):
        keys_here = list(range(n_keys)) if c == 0 else joint
        shapes.append(([at(0, c), *(at(site, c) for site, _inside in sites)], keys_here))
        shapes += [([at(site, c), *(at(school, c) for school in inside)], keys_here) for site, inside in sites]
    shapes += [([at(r, 0), *(at(r, c) for c in years)], joint) for r in range(len(rows))]
    # A view minus a view inside it two steps down (the whole minus a school, a site minus its
    # school in one year, …) is a figure a reader can compute too: one more line for each, so that
    # the rule keeps that rest from being small as it does for a site beside the whole.
    shapes += [([at(0, 0), *(at(school, 0) for school in schools)], joint),
               ([at(0, 0), *(at(site, c) for site, _inside in sites for c in years)], joint),
               ([at(0, 0), *(at(school, c) for school in schools for c in years)], joint),
               *(([at(0, c), *(at(school, c) for school in schools)], joint) for c in years),
               *(([at(site, 0), *(at(school, c) for school in inside for c in years)], joint)
                 for site, inside in sites)]
    firsts = range(0, len(values), n_keys)
    if sparse:  # a line of zeros tells nothing (no count is negative): left out, views of zeros first
        busy = {first for first in firsts if any(values[first:first + n_keys])}
        shapes = [(shape, keys_here) for shape, keys_here in shapes if any(first in busy for first in shape)]
        firsts = sorted(busy)  # type: ignore[assignment]
    lines = [[first + k for first in shape] for shape, keys_here in shapes for k in keys_here]
    # In each view: the reasons add up to the closed matches, active and closed to the started, …
    inner = [[key_of[total], *(key_of[k] for k in members)] for total, members in sums.items()]
    lines += [[first + k for k in shape] for first in firsts for shape in inner]
    if sparse:
        lines = [line for line in lines if any(values[i] for i in line)]
    top = {at(0, 0, key_of[key]): shown for key, shown in whole.items() if key in key_of}
    # A key of the family the unfiltered page does not show (no such answers there): it shows 0.
    top |= {at(0, 0, k): Shown(0) for k in range(n_keys) if at(0, 0, k) not in top and not values[at(0, 0, k)]}
    tied = {key_of[key]: [key_of[t] for t in others] for key, others in (ties or {}).items()}
    hidden = protect_lines_indexed(
        values, lines, threshold=threshold, kept={i for i, v in top.items() if not v.suppressed},
        hidden=[i for i, v in top.items() if v.suppressed], exact_limit=exact_limit,
        ties={at(r, c, k): [at(r, c, t) for t in others]
              for r in range(len(rows)) for c in range(n_cols) for k, others in tied.items()})
    return _Run(keys=keys, values=values, hidden=hidden)


@dataclass
class Joint:
    """The outcome of :func:`joint_counts`: every part's counts, numbered per family, and those to hide."""

    rows: dict[Any, int]
    cols: dict[str, int]
    runs: list[_Run]
    whole: dict[str, Shown]
    threshold: int

    @property
    def keys(self) -> list[str]:
        return [key for run in self.runs for key in run.keys]

    def view(self, view: tuple[Any, str] | None) -> dict[str, Shown]:
        """One filtered view's counts: its row and school year (the waiting learners of its row over
        every year); a view with no pairs (a year without any, a site with another site's school)
        shows zeros."""
        if view is None or view[0] not in self.rows or view[1] not in self.cols:
            return {key: Shown(0) for key in self.keys}
        if view == (WHOLE, ALL_YEARS):
            return dict(self.whole)
        r, c = self.rows[view[0]], self.cols[view[1]]
        out = {}
        for run in self.runs:
            n_keys = len(run.keys)
            base, every = (r * len(self.cols) + c) * n_keys, r * len(self.cols) * n_keys
            for k, key in enumerate(run.keys):
                i = every + k if key == "waiting" else base + k
                value = run.values[i]
                out[key] = Shown(None if i in run.hidden else value, primary=0 < value < self.threshold)
        return out

    def at(self, row: Any, col: str, key: str) -> tuple[int, bool]:
        """A count of one view and whether the joint run hides it (for the funder report's run)."""
        if row not in self.rows or col not in self.cols:
            return 0, False
        r, c = self.rows[row], self.cols[col]
        for run in self.runs:
            if key in run.keys:
                k = run.keys.index(key)
                i = (r * len(self.cols) + (0 if key == "waiting" else c)) * len(run.keys) + k
                return run.values[i], i in run.hidden
        return 0, False

    def views(self) -> dict[tuple[Any, str], dict[str, Shown]]:
        """Every part's view (for tests and benches)."""
        return {(row, col): self.view((row, col)) for row in self.rows for col in self.cols}


def joint_view(figures: Figures, *, threshold: int) -> dict[str, Shown] | None:
    """An observer's filtered view of ``figures`` (a site, a school, a school year — and the funder
    report of a school year, which is that school year's view): its counts protected jointly with
    every other part of the programme and with the unfiltered view (:func:`joint_counts`); None for
    the unfiltered view. The grouped pass reuses the view's survey answers."""
    filters: Filters = figures.filters
    if not (filters.site or filters.partner or filters.cycle):
        return None
    found = parts(programme=figures.programme, responses=figures.responses)
    whole = whole_counts(found, threshold=threshold)  # as the unfiltered page shows it
    return joint_counts(found, threshold=threshold, whole=whole).view(found.view(filters))


def _number(index: dict[tuple[str, str, str], int], values: list[int], key: tuple[str, str, str], value: int) -> int:
    """Number one more count of :func:`period_counts`."""
    index[key] = len(values)
    values.append(value)
    return index[key]


def period_counts(parts: Parts, joint: Joint, *, threshold: int) -> dict[str, Shown]:
    """The funder report's counts (``parts`` read with its period), protected jointly with the
    dashboard's views of the whole programme: the unfiltered page and each school year's view, as
    the joint run shows them (their shown counts kept, their hidden ones hidden). A report's pairs
    are those whose cycle overlaps its period, so each school year's view splits into its pairs in
    the report and those not (parts no page shows, a count a reader does not know unless it is 0:
    a zero is taken as known). The lines, per key: the report adds up its school years' parts in
    it; each school year's view adds up its part in the report and its part outside; the whole
    adds up the report and every part outside (so "whole minus report" is never a small group);
    and each of those parts has the view's own sums. One run per family, with the exact check.
    Learners and mentors are hidden with the report's started matches; the waiting learners are
    the unfiltered page's."""
    cols = [col for col in joint.cols if col != ALL_YEARS]
    out: dict[str, Shown] = {}
    total = parts.period_total
    for run in joint.runs:
        keys = [key for key in run.keys if key not in ("waiting", "learners", "mentors")]
        if not keys:
            continue
        index: dict[tuple[str, str, str], int] = {}  # (what, col, key) → number
        values: list[int] = []
        kept: set[int] = set()
        hidden: list[int] = []

        for key in keys:
            for col in [ALL_YEARS, *cols]:
                value, is_hidden = joint.at(WHOLE, col, key)
                if col == ALL_YEARS and key in joint.whole:
                    is_hidden = joint.whole[key].suppressed
                i = _number(index, values, ("view", col, key), value)
                (hidden.append(i) if is_hidden else kept.add(i))
            _number(index, values, ("report", "", key), total.get(key, 0))
            for col in cols:
                view = index[("view", col, key)]
                inside = parts.period.get(col, {}).get(key, 0)
                split = {"in": inside, "out": values[view] - inside}
                for what, value in split.items():
                    i = _number(index, values, (what, col, key), value)
                    if value == 0:  # taken as known (a school year wholly in the period, or wholly out)
                        kept.add(i)
                    elif split["out" if what == "in" else "in"] == 0:  # then this one is the view's count
                        (kept.add(i) if view in kept else hidden.append(i))
        lines = []
        for key in keys:
            lines.append([index[("report", "", key)], *(index[("in", col, key)] for col in cols)])
            lines += [[index[("view", col, key)], index[("in", col, key)], index[("out", col, key)]] for col in cols]
            lines.append([index[("view", ALL_YEARS, key)], index[("report", "", key)],
                          *(index[("out", col, key)] for col in cols)])
        sums = PART_SUMS if "started" in keys else extra_sums(keys)
        for total_key, members in sums.items():
            for what, col in [("report", ""), *((w, col) for w in ("in", "out") for col in cols)]:
                lines.append([index[(what, col, total_key)], *(index[(what, col, m)] for m in members)])
        found = protect_lines_indexed(values, lines, threshold=threshold, kept=kept, hidden=hidden,
                                      exact_limit=len(values))
        # The run is small (the whole programme's views only): check it exactly, and where a small
        # count still follows from what is shown, hide every count of the family in the report.
        if any(0 < values[k] < threshold for k in follows([(line[0], line[1:]) for line in lines], found)):
            found |= {index[("report", "", key)] for key in keys}
        for key in keys:
            i = index[("report", "", key)]
            out[key] = Shown(None if i in found else values[i], primary=0 < values[i] < threshold)
    started = out.get(STARTED, Shown(0))
    for key in ("learners", "mentors"):
        value = total.get(key, 0)
        out[key] = Shown(None if (started.suppressed and value) or 0 < value < threshold else value,
                         primary=0 < value < threshold)
    out["waiting"] = joint.whole.get("waiting", Shown(0))
    return out


def _pulse(f: Figures, show: Show, shown: Mapping[str, Shown]) -> Section:
    """Support's pulse ratings per school year. Means only over enough pairs, and with their count
    shown; the pairs with a gap and those without are one protected table per year (their total is
    the pairs rated by both), protected with the other views in an observer's filtered view."""
    rows = []
    for cycle, p in f.pulse.items():
        year = {"cycle": cycle}
        mentors, learners = ((_("Mentors' rating, training year %(cycle)s"), _("Learners' rating, training year %(cycle)s"))
                             if show.apprentices else
                             (_("Mentors' rating, school year %(cycle)s"), _("Learners' rating, school year %(cycle)s")))
        for label, side, n, mean in ((mentors % year, "mentor", p.mentor_n, p.mentor_mean),
                                     (learners % year, "learner", p.learner_n, p.learner_mean)):
            count = _at(shown, f"pulse:{cycle}:{side}", n)
            rows.append(Row(label, show.mean(mean, n, over=count), show.count(count)))
        gap, both = _at(shown, f"pulse:{cycle}:gap", p.with_gap), _at(shown, f"pulse:{cycle}:both", p.both)
        share, _value = show.pct(gap, both)
        if show.group:
            apart = (_("Learning community members who rate it %(n)s or more points apart from their mentor, "
                       "training year %(cycle)s") if show.apprentices else
                     _("Learning community members who rate it %(n)s or more points apart from their mentor, "
                       "school year %(cycle)s"))
            with_gap = _("members with a gap: %(n)s")
        else:
            apart = (_("Pairs whose mentor and learner rate it %(n)s or more points apart, training year %(cycle)s")
                     if show.apprentices else
                     _("Pairs whose mentor and learner rate it %(n)s or more points apart, school year %(cycle)s"))
            with_gap = _("pairs with a gap: %(n)s")
        rows.append(Row(apart % {"n": f.pulse_gap, "cycle": cycle}, share, show.count(both),
                        extra=[with_gap % {"n": show.count(gap)}]))
    if show.group:
        note = (_("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share "
                  "of members is of those who answered, and whose mentor answered too, by their latest answers in "
                  "the training year.") if show.apprentices else
                _("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share "
                  "of members is of those who answered, and whose mentor answered too, by their latest answers in "
                  "the school year."))
        return Section("pulse", _("How learners and mentors rate their learning community"), rows,
                       [_("Figure"), _("Value"), _("Members")], note=note)
    note = (_("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share of "
              "pairs is of those where both sides answered, by their latest answers in the training year.")
            if show.apprentices else
            _("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share of "
              "pairs is of those where both sides answered, by their latest answers in the school year."))
    return Section("pulse", _("How the pairs rate their match"), rows,
                   [_("Figure"), _("Value"), _("Pairs")], note=note)


def _delivered(f: Figures, show: Show, matches: dict[str, Shown]) -> Section:
    # Meetings and hours are sums over the started pairs: shown with their count only.
    started = matches[STARTED]
    many = enough(f.matches, threshold=show.threshold) and not started.suppressed
    rows = [
        Row(_("Places in learning communities (started)") if show.group else _("Matches (started)"),
            show.count(started)),
        Row(_("Active now"), show.count(matches[Match.State.ACTIVE])),
        # With its context: the match state "Closed" (matching's catalogue, singular in French) would win.
        Row(pgettext("matches, a figure", "Closed"), show.count(matches[Match.State.CLOSED])),
        Row(_("Learners mentored"), show.count(matches["learners"])),
        Row(_("Mentors"), show.count(matches["mentors"])),
        Row(_("Meetings held"), show.count(f.meetings_held) if many else show.mean(None, f.matches, over=started)),
        Row(_("Hours of mentoring"), fmt(f.hours) if many else show.mean(None, f.matches, over=started)),
        Row(_("Meetings per member") if show.group else _("Meetings per match"),
            show.mean(f.meetings_per_match, f.matches, over=started)),
        Row(_("Time in a learning community, median (days)") if show.group else _("Match length, median (days)"),
            show.mean(f.match_days_median, f.closed, 0,
                                                        over=matches[Match.State.CLOSED])),
        Row(_("Waiting time before a place in a learning community, median (days)") if show.group else
            _("Waiting time before a match, median (days)"), show.mean(f.waiting_days_median, f.waiting_n, 0,
                                                                       over=started)),
    ]
    if f.waiting_now is not None:
        rows.append(Row(_("Learners waiting now"), show.count(matches["waiting"])))
    return Section("delivered", _("What was delivered"), rows, [_("Figure"), _("Value")])


def _closures(f: Figures, show: Show, matches: dict[str, Shown]) -> Section:
    labels: dict[str, str] = {f"reason:{code}": str(label) for code, label in Match.Closure.choices}
    if f.closure_unrecorded:
        labels[UNRECORDED] = _("No reason recorded")
    total = matches[Match.State.CLOSED]
    rows = []
    for key, label in labels.items():
        cell = matches[key]
        share, value = show.pct(cell, total)
        rows.append(Row(label, show.count(cell), share,
                        bar=None if value is None else value / 100, hidden=value is None and share != "–"))
    rows.append(Row(_("All closures"), show.count(total)))
    every_shown = all(not matches[key].suppressed for key in labels)
    early = Shown(f.early_closures if every_shown else None)
    rate, _value = show.pct(early, total)
    note = _("Early closure: any reason other than the planned end of the cycle or goals reached. "
             "Early-closure rate: %(rate)s.") % {"rate": rate}
    return Section("closures", _("Closures by reason"), rows, [_("Reason"), _("Places") if show.group else _("Matches"), _("Share")],
                   chart=True, note=note)


def _goals(f: Figures, show: Show, shown: dict[str, Shown]) -> Section:
    share, _value = show.pct(shown["goals:reached"], shown["goals"])
    return Section("goals", _("Goals"), [
        Row(_("Goals set"), show.count(shown["goals"])),
        Row(_("Goals reached"), show.count(shown["goals:reached"]), share),
    ], [_("Figure"), _("Value"), _("Share")])


def _surveys(f: Figures, show: Show, shown: Mapping[str, Shown]) -> list[Section]:
    out = []
    kinds = dict(WaveKind.choices)
    for s in f.surveys:
        low, high = s.instrument.range()
        rows = []
        for kind, n, mean in s.waves:
            count = _at(shown, f"survey:{s.instrument.key}:{s.audience}:{kind}", n)
            ok = enough(n, threshold=show.threshold) and not count.suppressed
            rows.append(Row(str(kinds.get(kind, kind)), show.mean(mean, n, 2, over=count), show.count(count),
                            bar=None if mean is None or not ok else (mean - low) / (high - low) if high > low else None,
                            hidden=bool(n) and not ok))
        c = s.change
        if c is not None:
            count = _at(shown, f"survey:{s.instrument.key}:{s.audience}:change", c.n)
            ok = enough(c.n, threshold=show.threshold) and not count.suppressed
            interval = (f"{fmt(c.low, 2)} … {fmt(c.high, 2)}" if ok and c.low is not None
                        else show.mean(None, c.n if c.n else 0, over=count))
            rows.append(Row(_("Change, same people before and after"),
                            (f"{'+' if c.change >= 0 else ''}{fmt(c.change, 2)}" if ok
                             else show.mean(None, c.n, over=count)),
                            show.count(count), extra=[_("95%% confidence interval: %(ci)s") % {"ci": interval},
                                                      _("before %(b)s, after %(a)s") % {
                                                          "b": show.mean(c.before, c.n, 2, over=count),
                                                          "a": show.mean(c.after, c.n, 2, over=count)}]))
        note = _("%(title)s, asked of %(audience)s. Score from %(low)s to %(high)s; higher is better.") % {
            "title": pick(s.instrument.title), "audience": str(AUDIENCE_IN_SENTENCE.get(s.audience, "")),
            "low": fmt(low, 0), "high": fmt(high, 0)}
        if f.filters.site or f.filters.partner or f.filters.cycle:
            # They belong to no pair: counted in every view they would be a group a reader could
            # work out by setting the views beside each other (docs/outcomes.md).
            note += " " + _("Anonymous answers and supervisors' answers count only in the view of the whole programme.")
        out.append(Section(f"survey-{s.instrument.code}-{s.audience}", pick(s.instrument.title), rows,
                           [_("Moment"), _("Mean score"), _("People")], chart=True, note=note))
    return out


def _indicators(f: Figures, show: Show, shown: Mapping[str, Shown]) -> Section:
    rows = []
    absence, score = ((_("Absence rate (%%), training year %(cycle)s"), _("Test score, training year %(cycle)s"))
                      if show.apprentices else
                      (_("Absence rate (%%), school year %(cycle)s"), _("Test score, school year %(cycle)s")))
    for cycle, (n, mean) in f.absence_by_cycle.items():
        count = _at(shown, f"absence:{cycle}", n)
        rows.append(Row(absence % {"cycle": cycle}, show.mean(mean, n, over=count), show.count(count)))
    for cycle, (n, mean) in f.test_by_cycle.items():
        count = _at(shown, f"test:{cycle}", n)
        rows.append(Row(score % {"cycle": cycle}, show.mean(mean, n, over=count), show.count(count)))
    return Section("indicators", _("School indicators of mentored learners"), rows,
                   [_("Indicator"), _("Mean"), _("Measurements")])


def _dropout(f: Figures, show: Show, settings: OutcomeSettings, shown: Mapping[str, Shown]) -> Section:
    statuses = [code for code, _label in SchoolStatus.choices]
    labels = dict(SchoolStatus.choices)
    months = sorted(f.follow_up)
    rows = []
    for m in months:
        # Each follow-up is its own table (different moments share no published total).
        cells = {s: _at(shown, f"follow:{m}:{s}", f.follow_up[m].get(s, 0)) for s in statuses}
        total = _at(shown, f"follow:{m}", sum(f.follow_up[m].values()))
        left = cells[SchoolStatus.LEFT_UNQUALIFIED]
        rate, value = show.pct(left, total)
        after = (_("%(months)s months after joining the learning community") if show.group else
                 _("%(months)s months after the match started"))
        rows.append(Row(after % {"months": m}, rate, show.count(total),
                        bar=None if value is None else value / 100, hidden=value is None and rate != "–",
                        extra=[_("%(status)s: %(n)s") % {"status": labels[s], "n": show.count(cells[s])}
                               for s in statuses]))
    definition = dict(EarlyLeaving.choices)[settings.early_leaving]
    note = _("Early school leaving as defined here: %(definition)s. Share of mentored learners with a known "
             "status who left without a qualification.") % {"definition": definition}
    return Section("dropout", _("Early school leaving among mentored learners"), rows,
                   [_("Follow-up"), _("Left without a qualification"), _("Learners with a known status")],
                   chart=True, note=note)


# Who a survey asked, inside a sentence ("…, asked of learners."): each language's own case (German
# nouns keep their capital), not the audience's label lowercased.
AUDIENCE_IN_SENTENCE: dict[str, Any] = {
    Audience.LEARNER: pgettext_lazy("a survey asked of", "learners"),
    Audience.MENTOR: pgettext_lazy("a survey asked of", "mentors"),
    Audience.SUPERVISOR: pgettext_lazy("a survey asked of", "supervisors"),
}


def details(parts: list[str]) -> str:
    """A row's details on one line, with the language's separator (French: "\u00a0; ")."""
    return semicolons(part for part in parts if part)


# The equal-participation measures: key (also the key of the programme's target), title, the
# target's label in the settings form.
PARTICIPATION: tuple[tuple[str, Any, Any], ...] = (
    ("learner_migration", gettext_lazy("Learners with a migration background"),
     gettext_lazy("Target: learners with a migration background (%)")),
    ("mentor_migration", gettext_lazy("Mentors with a migration background"),
     gettext_lazy("Target: mentors with a migration background (%)")),
    ("learner_first_generation", gettext_lazy("Learners who are first-generation students"),
     gettext_lazy("Target: first-generation learners (%)")),
    ("mentor_first_generation", gettext_lazy("Mentors who are first-generation students"),
     gettext_lazy("Target: first-generation mentors (%)")),
    ("learner_female", gettext_lazy("Learners who are girls or women"),
     gettext_lazy("Target: learners who are girls or women (%)")),
    ("mentor_female", gettext_lazy("Mentors who are women"), gettext_lazy("Target: mentors who are women (%)")),
)


def participation_sections(data: dict[str, dict[str, dict[str, int]]], *, settings: OutcomeSettings,
                           suppress: bool, years: tuple[str, str] | None = None) -> list[Section]:
    """Equal participation, one protected table per measure over every school year. ``years``
    (first, last; a funder report's): only those school years' rows are shown, as the whole table
    protects them, so that a report's row hides what the equal-participation page hides."""
    show = Show(settings, suppress=suppress)
    titles = {key: str(title) for key, title, _label in PARTICIPATION}
    if show.apprentices:  # an apprentice is not a student (tandem.core.apprentices)
        titles["learner_first_generation"] = _("Learners who are the first in the family in vocational training")
    out = []
    for key, title in titles.items():
        cycles = data.get(key, {})
        table = protect({c: {k: v.get(k, 0) for k in ("yes", "no", "unknown")} for c, v in cycles.items()},
                        cols=["yes", "no", "unknown"], threshold=show.threshold)
        target = (settings.targets or {}).get(key)
        population = (settings.targets or {}).get(f"population_{key}")
        rows = []
        for cycle in cycles:
            if years and not years[0] <= cycle <= years[1]:
                continue
            declared = Shown(None if table.cell(cycle, "yes").suppressed or table.cell(cycle, "no").suppressed
                             else (table.cell(cycle, "yes").value or 0) + (table.cell(cycle, "no").value or 0))
            share, value = show.pct(table.cell(cycle, "yes"), declared)
            gap, below = "", False
            if value is not None and target is not None:
                difference = round(value - float(target))
                below = difference < 0
                gap = (ngettext("%(points)s point below the target", "%(points)s points below the target",
                                -difference) % {"points": -difference} if below else
                       ngettext("gap to the target: %(points)s point", "gap to the target: %(points)s points",
                                difference) % {"points": f"+{difference}"})
            served = ""
            if value is not None and population is not None:
                difference = round(value - float(population))
                served = (ngettext("%(points)s point below the population served",
                                   "%(points)s points below the population served", -difference)
                          % {"points": -difference} if difference < 0 else
                          ngettext("%(points)s point above the population served",
                                   "%(points)s points above the population served", difference)
                          % {"points": difference} if difference > 0 else _("as in the population served"))
            # The gap to the target comes last: the page marks it when the share is below.
            rows.append(Row((_("Training year %(cycle)s") if show.apprentices else _("School year %(cycle)s"))
                            % {"cycle": cycle}, share, show.count(table.row_total(cycle)),
                            bar=None if value is None else value / 100, hidden=value is None and share != "–",
                            extra=[_("declared: %(n)s") % {"n": show.count(declared)}, served, gap],
                            below=below))
        note = (_("Target: %(target)s of those who declared.") % {"target": percent_text(float(target))}
                if target is not None else _("No target set."))
        if population is not None:
            note += " " + _("In the population the programme serves: %(share)s.") % {
                "share": percent_text(float(population))}
        out.append(Section(key, title, rows, [_("Cycle"), _("Share"), _("People")], chart=True, note=note))
    return out


def plain(sections: list[Section]) -> list[dict[str, Any]]:
    return [{"title": s.title, "rows": [[r.label, r.value, r.n, *r.extra] for r in s.rows], "note": s.note}
            for s in sections]
