"""CSV and XLSX exports through core's formula-safe writers (``core.importing.to_csv/to_xlsx``).
Column names are the file format's, never translated: files for accounting software, so they keep
"," and a decimal point in every language (see ``core.importing``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tandem.core.importing import Column, ImportSpec, to_csv, to_xlsx
from tandem.expenses.models import Claim


class _Export(ImportSpec):
    """An export-only spec: the columns, and rows given by the caller."""

    key = ""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = [Column(name) for name in columns]

    def find_existing(self, values: dict[str, Any]) -> Any:  # pragma: no cover - export only
        return None

    def apply(self, values: dict[str, Any], existing: Any, actor: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def export_rows(self) -> Iterable[dict[str, Any]]:  # pragma: no cover
        return []


PAYMENT_COLUMNS = ("claim", "date", "volunteer", "account_holder", "iban", "bic", "kind", "amount", "currency",
                   "reference")
ALLOWANCE_COLUMNS = ("volunteer", "date", "kind", "amount", "year_total", "state")


def payment_rows(claims: list[Claim], currency: str, reference: str) -> list[dict[str, Any]]:
    rows = []
    for claim in claims:
        bank = claim.volunteer.person.bank_details
        rows.append({"claim": claim.pk, "date": claim.spent_on, "volunteer": claim.volunteer.person.full_name,
                     "account_holder": bank.holder, "iban": bank.iban, "bic": bank.bic, "kind": claim.kind,
                     "amount": claim.amount, "currency": currency, "reference": reference})
    return rows


def write(kind: str, columns: Sequence[str], rows: Iterable[dict[str, Any]], title: str) -> bytes:
    spec = _Export(columns)
    out = list(rows)  # amounts stay Decimal: a number in XLSX, "12.50" in CSV
    return to_csv(spec=spec, rows=out) if kind == "csv" else to_xlsx(spec=spec, rows=out, title=title)
