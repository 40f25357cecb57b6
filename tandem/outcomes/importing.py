"""School indicators in and out of CSV/XLSX through core's import machinery (preview, all or
nothing, a report per row). A row names the learner by their number in Tandem (``learner``, as
the export gives it; the given name is checked against it so a shifted column is caught), the
indicator's code, the day it was measured and its value or result code. A row for a learner,
indicator and day that exists already corrects it; a learner without the recorded consent is
refused, so nothing is stored about them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.core.importing import (
    Choices,
    Column,
    ImportSpec,
    csv_delimiter,
    date_pattern,
    parse_date,
    parse_int,
)
from tandem.core.models import Programme
from tandem.intake.models import Learner
from tandem.outcomes import selectors, services
from tandem.outcomes.models import (
    GradeProgression,
    IndicatorKind,
    IndicatorSource,
    LvsLevel,
    SchoolIndicator,
    SchoolStatus,
)

CODES = {IndicatorKind.LVS: LvsLevel.values, IndicatorKind.GRADE: GradeProgression.values,
         IndicatorKind.STATUS: SchoolStatus.values}


def parse_number(text: str) -> Decimal | None:
    text = text.strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(_("Give a number.")) from exc
    if not value.is_finite() or abs(value) >= 10000:
        raise ValidationError(_("Give a number."))
    return value.quantize(Decimal("0.01"))


#: Every indicator's results, read by code or by name in any language ("Moved up a year",
#: "Overgegaan"); ``validate`` checks that the result belongs to the row's indicator.
RESULTS = Choices([*LvsLevel.choices, *GradeProgression.choices, *SchoolStatus.choices])


class IndicatorSpec(ImportSpec):
    key = "row"
    preview_columns = ("learner", "given_name", "indicator", "measured_on")

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        kinds = Choices(IndicatorKind.choices)
        self.columns = [
            Column("learner", label=pgettext_lazy("file column", "Learner number"), required=True,
                   parse=parse_int, help=_("the learner's number in Tandem")),
            Column("given_name", label=pgettext_lazy("file column", "Given name"),
                   help=_("checked against the learner's number")),
            Column("indicator", label=pgettext_lazy("file column", "Indicator"), required=True,
                   parse=kinds.parse, write=kinds.write, example=kinds.example()),
            Column("measured_on", label=pgettext_lazy("file column", "Measured on"), required=True,
                   parse=parse_date, example=date_pattern()),
            Column("value", label=pgettext_lazy("file column", "Value"), parse=parse_number,
                   example="7,5 / 535" if csv_delimiter() == ";" else "7.5 / 535"),
            Column("result", label=pgettext_lazy("file column", "Result"), parse=RESULTS.parse,
                   write=RESULTS.write, example=RESULTS.example(
                       ("II", "promoted", "in_education"), ellipsis=True)),
            Column("months_after", label=pgettext_lazy("file column", "Months after"),
                   parse=parse_int, example="6, 12"),
        ]
        self._seen: dict[tuple[int, str, Any], bool] = {}
        self._learners: dict[int, Learner] = {}

    def find_existing_many(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        ids = {v["learner"] for v in rows if v.get("learner")}
        self._learners = {lr.pk: lr for lr in Learner.objects.filter(programme=self.programme, pk__in=ids)
                          .select_related("person", "programme")}
        existing = {(i.learner_id, i.kind, i.measured_on): i for i in SchoolIndicator.objects.filter(
            learner_id__in=list(self._learners))}
        keys: list[Any] = [(v.get("learner"), v.get("indicator"), v.get("measured_on")) for v in rows]
        return [existing.get(key) for key in keys]

    def find_existing(self, values: dict[str, Any]) -> Any:
        return self.find_existing_many([values])[0]

    def validate(self, values: dict[str, Any], existing: Any) -> list[str]:
        errors = []
        learner = self._learners.get(values.get("learner") or 0)
        if learner is None:
            return [_("No learner with this number in this programme.")]
        name = (values.get("given_name") or "").strip().lower()
        if name and name != learner.person.given_name.strip().lower():
            errors.append(_("The given name does not match the learner's number."))
        if not selectors.may_record_school_data(learner):
            errors.append(_("School results can be recorded only with the recorded consent."))
        kind = values["indicator"]
        if kind in CODES and values.get("result") not in CODES[kind]:
            errors.append(_("Unknown result for this indicator."))
        if kind in (IndicatorKind.ABSENCE, IndicatorKind.TEST) and values.get("value") is None:
            errors.append(_("Give a number."))
        key = (learner.pk, kind, values.get("measured_on"))
        if key in self._seen:
            errors.append(_("This learner, indicator and day appear twice in the file."))
        self._seen[key] = True
        return errors

    def apply(self, values: dict[str, Any], existing: Any, actor: Any) -> None:
        learner = self._learners[values["learner"]]
        services.indicator_record(
            learner=learner, actor=actor, kind=values["indicator"], measured_on=values["measured_on"],
            number=values.get("value"), code=values.get("result") or "", months_after=values.get("months_after"),
            source=IndicatorSource.IMPORT)

    def export_rows(self) -> Iterable[dict[str, Any]]:
        for i in selectors.indicators(programme=self.programme).order_by("learner_id", "kind", "measured_on", "pk"):
            yield {"learner": i.learner_id, "given_name": i.learner.person.given_name, "indicator": i.kind,
                   "measured_on": i.measured_on, "value": i.number, "result": i.code, "months_after": i.months_after}


class TableSpec(ImportSpec):
    """A table that is only exported (the dashboards' underlying rows)."""

    key = ""

    def __init__(self, columns: list[str], rows: list[dict[str, Any]]) -> None:
        # Export only: the dashboards' tables keep their codes as headers (read by scripts).
        self.columns = [Column(name) for name in columns]
        self._rows = rows

    def find_existing(self, values: dict[str, Any]) -> Any:  # pragma: no cover - never imported
        return None

    def apply(self, values: dict[str, Any], existing: Any, actor: Any) -> None:  # pragma: no cover
        raise ValidationError("export only")

    def export_rows(self) -> Iterable[dict[str, Any]]:
        return self._rows
