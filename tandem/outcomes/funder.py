"""The funder report of a programme, as PDF (reportlab, DejaVu Sans embedded) and XLSX: what was
delivered, to whom (in aggregate), the outcomes with their uncertainty and the definitions used.
Always suppressed (``report.build(suppress=True)``): a report leaves the organisation.

A report is of one of the programme's **school years** (``build(cycle=…)``): exactly the
dashboard's view of that school year as an observer sees it, so every report a funder can obtain
is one of the jointly protected views, and two reports (disjoint school years) cannot be
subtracted from each other. Coordinators may also ask for **chosen dates** (``build(start=…,
end=…)``): protected jointly with the dashboard's views, not against reports of other dates, and
the report says so."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _

from tandem.core.apprentices import learners_are_apprentices
from tandem.core.importing import looks_like_formula
from tandem.core.models import Programme
from tandem.core.pdf import FONT, FONT_BOLD, pdf_text, register_fonts
from tandem.outcomes import report, selectors
from tandem.outcomes.models import OutcomeSettings


@dataclass
class FunderReport:
    programme: Programme
    start: date
    end: date
    settings: OutcomeSettings
    sections: list[report.Section]
    cycle: str = ""  # the school year ("2025-2026") of a school year's report; "" for chosen dates

    @property
    def period(self) -> str:
        return _("%(start)s to %(end)s") % {"start": date_format(self.start, "DATE_FORMAT"),
                                            "end": date_format(self.end, "DATE_FORMAT")}

    @property
    def title(self) -> str:
        """The report's title: a school year's by its name, a report of chosen dates by its dates."""
        if self.cycle:
            title = (_("Results report, training year %(cycle)s") if learners_are_apprentices(self.programme)
                     else _("Results report, school year %(cycle)s"))
            return title % {"cycle": self.cycle}
        return _("Results report, %(period)s") % {"period": self.period}

    @property
    def scope(self) -> str:
        """Which pairs the report counts, and (chosen dates) what it is not protected against."""
        if self.programme.is_group:
            return self._group_scope()
        if self.cycle:
            return (_("The pairs that started in this training year (their first meeting, else the start of their "
                      "cycle), with all their meetings, goals and answers: the results page's view of this "
                      "training year.") if learners_are_apprentices(self.programme) else
                    _("The pairs that started in this school year (their first meeting, else the start of their "
                      "cycle), with all their meetings, goals and answers: the results page's view of this "
                      "school year."))
        if learners_are_apprentices(self.programme):
            return _("A report of chosen dates: the pairs whose cycle overlaps them and the meetings held in them. "
                     "Its figures are protected together with the results page, not against reports of other "
                     "dates; give a funder the report of a training year.")
        return _("A report of chosen dates: the pairs whose cycle overlaps them and the meetings held in them. Its "
                 "figures are protected together with the results page, not against reports of other dates; "
                 "give a funder the report of a school year.")

    def _group_scope(self) -> str:
        """A group programme's report counts learners' places in learning communities (docs/outcomes.md)."""
        apprentices = learners_are_apprentices(self.programme)
        if self.cycle:
            return (_("The places in learning communities that started in this training year (their first "
                      "meeting, else the start of their cycle), with all their meetings, goals and answers: the "
                      "results page's view of this training year.") if apprentices else
                    _("The places in learning communities that started in this school year (their first "
                      "meeting, else the start of their cycle), with all their meetings, goals and answers: the "
                      "results page's view of this school year."))
        if apprentices:
            return _("A report of chosen dates: the places in learning communities whose cycle overlaps them and "
                     "the meetings held in them. Its figures are protected together with the results page, not "
                     "against reports of other dates; give a funder the report of a training year.")
        return _("A report of chosen dates: the places in learning communities whose cycle overlaps them and the "
                 "meetings held in them. Its figures are protected together with the results page, not against "
                 "reports of other dates; give a funder the report of a school year.")

    def definitions(self) -> list[str]:
        # "Hidden" is explained once, at the top (report.hidden_note), as on the page.
        return [
            _("Means and intervals are shown only over at least %(n)s people.") % {"n": self.settings.threshold},
            _("Before/after change: the same people's first and last scores; 95%% confidence interval of the "
              "mean change by the paired t method.") % {},  # formatted, so that "%%" reads "%"
            _("Early school leaving: %(definition)s.") % {"definition": self.settings.get_early_leaving_display()},
            _("Early closure: a place in a learning community closed for any reason other than the planned end of "
              "the cycle or goals reached.") if self.programme.is_group else
            _("Early closure: a match closed for any reason other than the planned end of the cycle or goals "
              "reached."),
        ]


def cycle_bounds(cycle: str) -> tuple[date, date]:
    """The first and last day of a school year named "2025-2026" (1 August–31 July)."""
    first = int(cycle[:4])
    return date(first, 8, 1), date(first + 1, 7, 31)


def build(*, programme: Programme, cycle: str = "", start: date | None = None,
          end: date | None = None) -> FunderReport:
    """The report of the school year ``cycle`` (what a funder gets), or of the dates ``start`` to
    ``end`` (coordinators only: the views check who asks)."""
    settings = selectors.outcome_settings(programme)
    if cycle:
        start, end = cycle_bounds(cycle)
        # Exactly the dashboard's view of the school year, as an observer sees it (its counts from
        # the joint run over every view), so no two reports, nor a report and a view, can be
        # subtracted to isolate a small group.
        figures = selectors.figures(programme=programme, filters=selectors.Filters(cycle=cycle))
        if end < timezone.localdate():
            figures.waiting_now = None  # today's waiting list is no figure of a year that has ended
        counts = report.joint_view(figures, threshold=settings.threshold)
    else:
        assert start is not None and end is not None
        figures = selectors.figures(programme=programme, filters=selectors.Filters(start=start, end=end))
        # Protected jointly with the dashboard's views (the unfiltered page, each school year's): a
        # period's pairs are school years' pairs, so the report beside a year's view could reveal a
        # small group otherwise (report.period_counts). Not against another report of other dates.
        parts = selectors.parts(programme=programme, period=(start, end), responses=figures.responses)
        joint = report.joint_counts(parts, threshold=settings.threshold,
                                    whole=report.whole_counts(parts, threshold=settings.threshold))
        counts = report.period_counts(parts, joint, threshold=settings.threshold)
    sections = report.build(figures, settings=settings, suppress=True, counts=counts)
    sections += report.participation_sections(selectors.participation(programme=programme), settings=settings,
                                              suppress=True, years=(selectors.cycle_of(start), selectors.cycle_of(end)))
    return FunderReport(programme=programme, start=start, end=end, settings=settings, sections=sections,
                        cycle=cycle)


def to_pdf(data: FunderReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    h1 = ParagraphStyle("h1", fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(pdf_text(str(text))), style)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=data.title, author=data.programme.organisation.name)
    story: list[Any] = [
        p(data.title, h1),
        p(f"{data.programme.organisation.name} · {data.programme.name}"),
        p(data.period),
        p(data.scope, small),
        p(_("Made on %(day)s.") % {"day": date_format(timezone.localdate(), "DATE_FORMAT")}, small),
        p(report.hidden_note(data.settings), small),
        Spacer(1, 8),
    ]
    for section in data.sections:
        story.append(p(section.title, h2))
        if section.rows:
            headers = [*section.columns, *([_("Details")] if section.has_details else [])]
            rows = [[p(c, small) for c in headers]]
            for row in section.rows:
                cells = [row.label, row.value, row.n][:len(section.columns)]
                if section.has_details:
                    cells.append(report.details(row.extra))
                rows.append([p(c) for c in cells])
            table = Table(rows, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
        else:
            story.append(p(_("No data for this period."), small))
        if section.note:
            story.append(p(section.note, small))
    story.append(p(_("Definitions"), h2))
    story.extend(p(text, small) for text in data.definitions())
    doc.build(story)
    return out.getvalue()


def _number(text: Any) -> tuple[float | int, str] | None:
    """A figure the report wrote for the reader ("42,8", "70%", "+2,45" in Dutch; "70\u00a0%" in
    French) as the number a spreadsheet computes with, and its cell format; None for anything
    else ("hidden", a label)."""
    if not isinstance(text, str):
        return None
    decimal = str(get_format("DECIMAL_SEPARATOR"))
    found = re.fullmatch(r"([+-]?)(\d+)(?:" + re.escape(decimal) + r"(\d+))?(\s?%)?", text.strip())
    if not found:
        return None
    sign, whole, fraction, share = found.groups()
    value = float(f"{sign}{whole}.{fraction or 0}")
    digits = len(fraction or "")
    style = "0" + ("." + "0" * digits if digits else "")
    if share:
        return value / 100, style + "%"
    if sign == "+":
        return value, f"+{style};-{style};{style}"
    return (int(value) if not digits else value), style


def _safe(value: Any) -> tuple[Any, bool]:
    return value, looks_like_formula(value)


def to_xlsx(data: FunderReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Report")[:31]

    line = [0]

    def put(values: list[Any], *, bold: bool = False) -> None:
        line[0] += 1
        row = line[0]
        for index, raw in enumerate(values, start=1):
            number = _number(raw) if index > 1 else None  # the first column holds the labels
            if number is not None:
                sheet.cell(row=row, column=index, value=number[0]).number_format = number[1]
                continue
            value, formula = _safe(raw)
            cell = sheet.cell(row=row, column=index, value=value)
            if formula:
                cell.data_type = "s"
                cell.quotePrefix = True
            if bold:
                cell.font = Font(bold=True)

    put([data.title], bold=True)
    put([data.programme.organisation.name, data.programme.name])
    put([data.period])
    put([data.scope])
    put([report.hidden_note(data.settings)])
    for section in data.sections:
        put([])
        put([section.title], bold=True)
        put([*section.columns, *([_("Details")] if section.has_details else [])], bold=True)
        for row in section.rows:
            put([*[row.label, row.value, row.n][:len(section.columns)], *([report.details(row.extra)]
                                                                         if section.has_details else [])])
        if section.note:
            put([section.note])
    put([])
    put([_("Definitions")], bold=True)
    for text in data.definitions():
        put([text])
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
