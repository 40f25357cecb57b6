"""What a dashboard or a funder report shows, built from ``selectors.figures``.

Every number passes through here. ``build(..., suppress=True)`` (observers' views and every funder
report) sends each count through ``suppression.protect`` / ``protect_count`` (primary and secondary
suppression, the programme's threshold; the match counts through ``matching.selectors
.protect_matches``, the one protection the matches report uses too), each mean, median and interval through
``suppression.enough`` and each percentage through ``suppression.percent``. Coordinators'
dashboards use ``suppress=False`` and see the exact values.

A filtered view (a site, a school, a school year) is a part of a larger view a funder can also
open, so every count of it is protected *jointly* with the other parts and with that whole
(``protected_counts``, one ``suppression.protect_parts`` run over parts × the tree of counts): a
funder cannot subtract site A's figures from the whole to learn the other sites' hidden ones, and a
figure of site A whose complement (the whole minus site A) is small is hidden. The whole of a site,
school or school-year view is the unfiltered view; a site (or school) in a school year is a cell of
the grid sites × school years, protected with every cell, every site's and every year's view and
the unfiltered one (``suppression.protect_views``; docs/outcomes.md gives the decision). A mean, median or
interval of a filtered view is shown only over at least ``threshold`` people in the view and,
unless the view is the whole (complement 0), at least ``threshold`` in its complement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from tandem.core.apprentices import learners_are_apprentices
from tandem.core.selectors import hidden_word  # the one word for a hidden figure, app-wide
from tandem.core.suppression import (
    Shown,
    Whole,
    enough,
    percent,
    protect,
    protect_count,
    protect_views,
)
from tandem.core.text import percent as percent_text
from tandem.core.text import semicolons
from tandem.matching.models import Match
from tandem.matching.selectors import STARTED, UNRECORDED, match_tree, protect_matches
from tandem.outcomes.instruments import pick
from tandem.outcomes.models import Audience, EarlyLeaving, OutcomeSettings, SchoolStatus, WaveKind
from tandem.outcomes.selectors import Figures, Scope


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
    return number_format(round(value, digits), decimal_pos=digits if digits and value != int(value) else 0,
                         force_grouping=True)


def hidden_note(settings: OutcomeSettings) -> str:
    """The one explanation of "hidden", given once per page or report."""
    return _("Hidden: groups smaller than %(n)s are not shown, nor figures from which they could be worked "
             "out; shares only over at least %(d)s people.") % {"n": settings.threshold,
                                                                 "d": settings.min_denominator}


class Show:
    """Formatting under one programme's rules, suppressing or not."""

    def __init__(self, settings: OutcomeSettings, *, suppress: bool, whole: Figures | None = None) -> None:
        self.threshold = settings.threshold if suppress else 1
        # The figures this view is a part of (a filtered observer's view): the complement counts.
        self.whole = whole if suppress else None
        self.whole_people = _people(self.whole) if self.whole else {}
        self.min_denominator = settings.min_denominator if suppress else 1
        self.suppress = suppress
        # One neutral word for every hidden figure, whether it is small itself (primary) or could
        # reveal a small one (secondary): the reader cannot tell which, and nothing false is said.
        self.small = hidden_word()
        # Apprentices' programmes name the cycle "training year", not "school year"
        # (tandem.core.apprentices).
        self.apprentices = bool(settings.programme_id) and learners_are_apprentices(settings.programme)

    def count(self, shown: Shown | int) -> str:
        if isinstance(shown, int):
            shown = protect_count(shown, threshold=self.threshold)
        return self.small if shown.value is None else number_format(shown.value, force_grouping=True)

    def enough(self, n: int, whole: int | None = None) -> bool:
        """Whether a mean over ``n`` people may be shown: at least the threshold, and in a filtered
        view (``whole`` people in the whole it is part of) none or at least the threshold in the rest."""
        rest = 0 if whole is None or self.whole is None else whole - n
        return enough(n, threshold=self.threshold) and not 0 < rest < self.threshold

    def mean(self, value: float | None, n: int, digits: int = 1, whole: int | None = None) -> str:
        if not self.enough(n, whole):
            return self.small if n else "–"
        return fmt(value, digits)

    def people_mean(self, shown: dict[str, Shown], key: str, value: float | None, n: int, digits: int = 1) -> str:
        """A mean over the ``n`` people counted under ``key``: hidden with their count, and in a
        filtered view unless the rest of the whole has none or at least the threshold."""
        if n and shown[key].suppressed:
            return self.small
        return self.mean(value, n, digits, whole=self.whole_people.get(key, n) if self.whole else None)

    def pct(self, part: Shown, whole: Shown) -> tuple[str, float | None]:
        share = percent(part, whole, min_denominator=self.min_denominator)
        if share is None:
            return (self.small if whole.value or whole.suppressed else "–"), None
        return percent_text(share), share


def build(figures: Figures, *, settings: OutcomeSettings, suppress: bool, scope: Scope | None = None) -> list[Section]:
    """The sections of a view. ``scope`` (an observer's filtered view: ``selectors.scope``) has the
    other parts and the whole of the view, with which its counts are protected jointly."""
    scope = scope if scope is not None and suppress else Scope(figures)
    show = Show(settings, suppress=suppress, whole=scope.whole.figures if scope.whole else None)
    # Every count of the view, protected in one computation (the match counts as the matches report
    # protects them, jointly with the rest of the programme in a filtered view).
    shown = protected_counts(scope, threshold=show.threshold)
    return [_delivered(figures, show, shown), _closures(figures, show, shown), _goals(figures, show, shown),
            *_surveys(figures, show, shown), _pulse(figures, show, shown), _indicators(figures, show, shown),
            _dropout(figures, show, settings, shown)]


def _tree(f: Figures) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Every count a view shows, as one tree of sums: the match counts (``matching.selectors
    .match_tree``), the people, the goals, the pairs rated by both sides per school year (with and
    without a gap) and the learners with a known status per follow-up."""
    counts, sums = match_tree(states={Match.State.ACTIVE: f.active}, reasons=f.closure_reasons,
                              unrecorded=f.closure_unrecorded)
    tree: dict[str, list[str]] = {**sums, "goals": ["goals:reached", "goals:other"]}
    counts |= {"learners": f.learners, "mentors": f.mentors, "waiting": f.waiting_now or 0,
               "goals:reached": f.goals_reached, "goals:other": f.goals - f.goals_reached}
    for cycle, p in f.pulse.items():
        counts |= {f"pulse:{cycle}:gap": p.with_gap, f"pulse:{cycle}:same": p.both - p.with_gap}
        tree[f"pulse:{cycle}"] = [f"pulse:{cycle}:gap", f"pulse:{cycle}:same"]
    for m, by_status in f.follow_up.items():
        counts |= {f"follow:{m}:{s}": by_status.get(s, 0) for s in SchoolStatus.values}
        tree[f"follow:{m}"] = [f"follow:{m}:{s}" for s in SchoolStatus.values]
    return counts | _people(f), tree


def _people(f: Figures) -> dict[str, int]:
    """The people (or measurements) each mean of a view is over, by a key the same in every view."""
    out: dict[str, int] = {}
    for cycle, p in f.pulse.items():
        out |= {f"pulse:{cycle}:mentors": p.mentor_n, f"pulse:{cycle}:learners": p.learner_n}
    for s in f.surveys:
        out |= {f"survey:{s.instrument.code}:{s.audience}:{kind}": n for kind, n, _mean in s.waves}
        if s.change is not None:
            out[f"survey:{s.instrument.code}:{s.audience}:change"] = s.change.n
    out |= {f"absence:{cycle}": n for cycle, (n, _mean) in f.absence_by_cycle.items()}
    out |= {f"test:{cycle}": n for cycle, (n, _mean) in f.test_by_cycle.items()}
    return out


def _alone(f: Figures, threshold: int) -> dict[str, Shown]:
    """The counts of a view that is no part of another (the unfiltered view, a funder report):
    each table protected on its own."""
    shown = dict(protect_matches(states={Match.State.ACTIVE: f.active}, reasons=f.closure_reasons,
                                 unrecorded=f.closure_unrecorded, threshold=threshold))
    for key in ("learners", "mentors"):
        shown[key] = protect_count(getattr(f, key), threshold=threshold)
    shown["waiting"] = protect_count(f.waiting_now or 0, threshold=threshold)
    shown |= {key: protect_count(n, threshold=threshold) for key, n in _people(f).items()}
    tables = {"goals": {"reached": f.goals_reached, "other": f.goals - f.goals_reached},
              **{f"pulse:{c}": {"gap": p.with_gap, "same": p.both - p.with_gap} for c, p in f.pulse.items()},
              **{f"follow:{m}": {s: by.get(s, 0) for s in SchoolStatus.values} for m, by in f.follow_up.items()}}
    for name, counts in tables.items():
        table = protect(counts, threshold=threshold)
        shown[name] = table.col_total("n")
        shown |= {f"{name}:{key}": table.cell(key, "n") for key in counts}
    return shown


def protected_counts(scope: Scope, *, threshold: int) -> dict[str, Shown]:
    """Every count of a view as an observer may see it. The unfiltered view's tables are protected
    on their own; a filtered view's jointly with the other parts of its whole and the whole as its
    own page shows it (``suppression.protect_parts``): nothing hidden on any of these views follows
    from the numbers they show together, nor does a small complement (the whole minus this part).
    A site in a school year is a cell of the grid sites × school years, protected jointly with
    every cell, each site's and each year's view and the unfiltered one (``protect_views``)."""
    if scope.whole is None or threshold <= 1:
        return _alone(scope.figures, threshold)
    return _protected_parts(scope, threshold)[scope.part]


def _protected_parts(scope: Scope, threshold: int) -> dict[Any, dict[str, Shown]]:
    assert scope.whole is not None
    trees = {key: _tree(f) for key, f in scope.parts.items()}
    margins = [scope.whole.figures, *((scope.rows.parts.values()) if scope.rows else ()),
               *((scope.cols.parts.values()) if scope.cols else ())]
    sums: dict[str, list[str]] = {}
    for _counts, tree in (*trees.values(), *(_tree(f) for f in margins)):
        sums |= tree

    def values(f: Figures) -> dict[str, int]:
        out = dict(_tree(f)[0])

        def value(key: str) -> int:
            if key not in out:  # a count this view lacks (e.g. a school year with no ratings) is 0
                out[key] = sum(value(k) for k in sums[key]) if key in sums else 0
            return out[key]

        for key in sums:
            value(key)
        return out

    def hidden(shown: dict[str, Shown]) -> set[str]:
        return {k for k, v in shown.items() if v.suppressed}

    whole = _alone(scope.whole.figures, threshold)
    views = [Whole(values(scope.whole.figures), hidden(whole), list(scope.parts))]
    for side, index in ((scope.rows, 0), (scope.cols, 1)):
        if side is not None:  # each site (or year) as its own page shows it: the cells it adds up
            for key, shown in _protected_parts(side, threshold).items():
                views.append(Whole(values(side.parts[key]), hidden(shown),
                                   [cell for cell in scope.parts if cell[index] == key]))
    return protect_views({key: counts for key, (counts, _tree) in trees.items()}, sums, views=views,
                         threshold=threshold)


def _pulse(f: Figures, show: Show, shown: dict[str, Shown]) -> Section:
    """Support's pulse ratings per school year. Means only over enough pairs; the pairs with a gap
    and those without are one protected table per year (their total is the pairs rated by both)."""
    rows = []
    for cycle, p in f.pulse.items():
        year = {"cycle": cycle}
        mentors, learners = ((_("Mentors' rating, training year %(cycle)s"), _("Learners' rating, training year %(cycle)s"))
                             if show.apprentices else
                             (_("Mentors' rating, school year %(cycle)s"), _("Learners' rating, school year %(cycle)s")))
        for label, key, n, mean in (
                (mentors % year, f"pulse:{cycle}:mentors", p.mentor_n, p.mentor_mean),
                (learners % year, f"pulse:{cycle}:learners", p.learner_n, p.learner_mean)):
            rows.append(Row(label, show.people_mean(shown, key, mean, n), show.count(shown[key])))
        both, gap = shown[f"pulse:{cycle}"], shown[f"pulse:{cycle}:gap"]
        share, _value = show.pct(gap, both)
        apart = (_("Pairs whose mentor and learner rate it %(n)s or more points apart, training year %(cycle)s")
                 if show.apprentices else
                 _("Pairs whose mentor and learner rate it %(n)s or more points apart, school year %(cycle)s"))
        rows.append(Row(apart % {"n": f.pulse_gap, "cycle": cycle}, share, show.count(both),
                        extra=[_("pairs with a gap: %(n)s") % {"n": show.count(gap)}]))
    note = (_("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share of "
              "pairs is of those where both sides answered, by their latest answers in the training year.")
            if show.apprentices else
            _("Pulse ratings from 1 to 5 that mentors and learners give in Tandem; higher is better. The share of "
              "pairs is of those where both sides answered, by their latest answers in the school year."))
    return Section("pulse", _("How the pairs rate their match"), rows,
                   [_("Figure"), _("Value"), _("Pairs")], note=note)


def _delivered(f: Figures, show: Show, matches: dict[str, Shown]) -> Section:
    w = show.whole
    many = show.enough(f.matches, w.matches if w else None) and not matches[STARTED].suppressed
    hidden = show.small if f.matches else "–"
    rows = [
        Row(_("Matches (started)"), show.count(matches[STARTED])),
        Row(_("Active now"), show.count(matches[Match.State.ACTIVE])),
        # With its context: the match state "Closed" (matching's catalogue, singular in French) would win.
        Row(pgettext("matches, a figure", "Closed"), show.count(matches[Match.State.CLOSED])),
        Row(_("Learners mentored"), show.count(matches["learners"])),
        Row(_("Mentors"), show.count(matches["mentors"])),
        Row(_("Meetings held"), show.count(f.meetings_held) if many else hidden),
        Row(_("Hours of mentoring"), fmt(f.hours) if many else hidden),
        # A mean over the matches: hidden with their count (with it, the meetings would follow).
        Row(_("Meetings per match"), show.mean(f.meetings_per_match, f.matches, whole=w.matches if w else None)
            if not matches[STARTED].suppressed else hidden),
        Row(_("Match length, median (days)"), show.mean(f.match_days_median, f.closed, 0,
                                                         whole=w.closed if w else None)),
        Row(_("Waiting time before a match, median (days)"),
            show.mean(f.waiting_days_median, f.waiting_n, 0, whole=w.waiting_n if w else None)),
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
    return Section("closures", _("Closures by reason"), rows, [_("Reason"), _("Matches"), _("Share")],
                   chart=True, note=note)


def _goals(f: Figures, show: Show, shown: dict[str, Shown]) -> Section:
    share, _value = show.pct(shown["goals:reached"], shown["goals"])
    return Section("goals", _("Goals"), [
        Row(_("Goals set"), show.count(shown["goals"])),
        Row(_("Goals reached"), show.count(shown["goals:reached"]), share),
    ], [_("Figure"), _("Value"), _("Share")])


def _surveys(f: Figures, show: Show, shown: dict[str, Shown]) -> list[Section]:
    out = []
    kinds = dict(WaveKind.choices)
    for s in f.surveys:
        low, high = s.instrument.range()
        key = f"survey:{s.instrument.code}:{s.audience}"
        rows = []
        for kind, n, mean in s.waves:
            value = show.people_mean(shown, f"{key}:{kind}", mean, n, 2)
            ok = value not in (show.small, "–")
            rows.append(Row(str(kinds.get(kind, kind)), value, show.count(shown[f"{key}:{kind}"]),
                            bar=None if mean is None or not ok else (mean - low) / (high - low) if high > low else None,
                            hidden=bool(n) and value == show.small))
        c = s.change
        if c is not None:
            change = show.people_mean(shown, f"{key}:change", c.change, c.n, 2)
            ok = change not in (show.small, "–")
            interval = (f"{fmt(c.low, 2)} … {fmt(c.high, 2)}" if ok and c.low is not None
                        else change if not ok else show.mean(None, 0))
            rows.append(Row(_("Change, same people before and after"),
                            (f"{'+' if c.change >= 0 else ''}{fmt(c.change, 2)}" if ok else change),
                            show.count(shown[f"{key}:change"]),
                            extra=[_("95%% confidence interval: %(ci)s") % {"ci": interval},
                                   _("before %(b)s, after %(a)s") % {
                                       "b": show.people_mean(shown, f"{key}:change", c.before, c.n, 2),
                                       "a": show.people_mean(shown, f"{key}:change", c.after, c.n, 2)}]))
        note = _("%(title)s, asked of %(audience)s. Score from %(low)s to %(high)s; higher is better.") % {
            "title": pick(s.instrument.title), "audience": str(AUDIENCE_IN_SENTENCE.get(s.audience, "")),
            "low": fmt(low, 0), "high": fmt(high, 0)}
        out.append(Section(f"survey-{s.instrument.code}-{s.audience}", pick(s.instrument.title), rows,
                           [_("Moment"), _("Mean score"), _("People")], chart=True, note=note))
    return out


def _indicators(f: Figures, show: Show, shown: dict[str, Shown]) -> Section:
    rows = []
    absence, score = ((_("Absence rate (%%), training year %(cycle)s"), _("Test score, training year %(cycle)s"))
                      if show.apprentices else
                      (_("Absence rate (%%), school year %(cycle)s"), _("Test score, school year %(cycle)s")))
    for cycle, (n, mean) in f.absence_by_cycle.items():
        key = f"absence:{cycle}"
        rows.append(Row(absence % {"cycle": cycle}, show.people_mean(shown, key, mean, n), show.count(shown[key])))
    for cycle, (n, mean) in f.test_by_cycle.items():
        key = f"test:{cycle}"
        rows.append(Row(score % {"cycle": cycle}, show.people_mean(shown, key, mean, n), show.count(shown[key])))
    return Section("indicators", _("School indicators of mentored learners"), rows,
                   [_("Indicator"), _("Mean"), _("Measurements")])


def _dropout(f: Figures, show: Show, settings: OutcomeSettings, shown: dict[str, Shown]) -> Section:
    statuses = [code for code, _label in SchoolStatus.choices]
    labels = dict(SchoolStatus.choices)
    months = sorted(f.follow_up)
    rows = []
    for m in months:
        # Each follow-up is its own table (different moments share no published total).
        total = shown[f"follow:{m}"]
        left = shown[f"follow:{m}:{SchoolStatus.LEFT_UNQUALIFIED}"]
        rate, value = show.pct(left, total)
        rows.append(Row(_("%(months)s months after the match started") % {"months": m}, rate, show.count(total),
                        bar=None if value is None else value / 100, hidden=value is None and rate != "–",
                        extra=[_("%(status)s: %(n)s") % {"status": labels[s], "n": show.count(shown[f"follow:{m}:{s}"])}
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
                           suppress: bool) -> list[Section]:
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
