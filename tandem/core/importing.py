"""CSV/XLSX import and export shared by every app (volunteers, learners, …).

The contract coordinators rely on: upload a file, see a preview where every row is *new*,
*update* or *error* with the reason, and nothing is written unless the whole file is valid. The
same columns come back out of the export, so export → edit → import round-trips.

An app describes its table once with an :class:`ImportSpec` (columns + how to find, validate and
write a row) and gets parsing, the preview, the all-or-nothing apply, the templates and the export
from here. Uploaded files are kept in :class:`ImportBatch` only between preview and confirmation:
imported once, or expired unconfirmed, their content is wiped (data minimisation).

Files are decoded by what they are, not by hope: UTF-8 (with or without a byte-order mark),
UTF-16 (what Excel's "Unicode text" writes, with or without a mark), and Windows-1252 as a last
resort with a warning on the preview. A cell holding NUL or another control character is refused
with its line and column named, in the preview and again at the confirmation (the same checks run
on the stored file), so nothing unreadable reaches the database or breaks a later export.

Exports are safe to open in a spreadsheet: text that a spreadsheet would run as a formula (an
applicant named ``=HYPERLINK(…)``) is written as text — in CSV with a leading ``'`` (OWASP's advice
against CSV injection), in XLSX as a text cell marked like one typed with an apostrophe. The
reader takes the CSV mark off again, so export → edit → import gives back the same value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.inputs import control_characters
from tandem.core.inputs import parse_int as parse_strict_int
from tandem.core.models import ImportBatch, Programme

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, missing columns, too large)."""


# --- Column parsers: take the cell's text, return a value or raise ValidationError -------------


def parse_text(value: str) -> str:
    return value.strip()


def parse_email(value: str) -> str:
    value = value.strip().lower()
    if value:
        validate_email(value)
    return value


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": value})


def parse_int(value: str) -> int | None:
    """A whole number in ASCII digits; "3.0" (a spreadsheet's way of writing 3) is 3."""
    value = value.strip()
    if not value:
        return None
    try:
        return parse_strict_int(re.sub(r"\.0+$", "", value))
    except ValueError as exc:
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value}) from exc


def parse_list(value: str) -> list[str]:
    """A list in one cell, separated by commas or semicolons: "nl, tr; ar"."""
    return [item.strip() for item in value.replace(";", ",").split(",") if item.strip()]


def parse_choice(choices: Iterable[str]) -> Callable[[str], str]:
    allowed = list(choices)

    def parse(value: str) -> str:
        value = value.strip()
        if value and value not in allowed:
            raise ValidationError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)}
            )
        return value

    return parse


@dataclass(frozen=True)
class Column:
    name: str  # the header in the file, e.g. "email"
    required: bool = False
    parse: Callable[[str], Any] = parse_text
    help: str = ""  # a translated explanation, e.g. "name of a partner institution"
    # Values as they are written in the file ("YYYY-MM-DD", "mon-evening, sat-morning"): codes
    # of the file format, shown as they are and never translated. Where names are read too
    # (languages, fields), the example gives them in the reader's language.
    example: str = ""
    #: the model field the value ends up in: its validators (length, range, date of birth…)
    #: run in the preview, so a row the services would refuse is marked before confirming
    field: Any = None


# The preview table shows at most this many rows (errors first); the import takes them all.
PREVIEW_ROWS = 200


@dataclass
class RowResult:
    line: int  # line in the file as a spreadsheet shows it (header = 1)
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    existing: Any = None

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "update" if self.existing is not None else "new"


@dataclass
class ImportPreview:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    #: things to check that do not stop the import (e.g. the file was read as Windows-1252)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(not r.errors for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("new", "update", "error")}

    @cached_property
    def shown_rows(self) -> list[RowResult]:
        """The rows the preview table shows: a file of thousands is not read on screen row by
        row. The rows with errors come first (every one of them up to ``PREVIEW_ROWS``), then
        the others in file order; the page says how many are left out."""
        errors = [row for row in self.rows if row.errors]
        if len(self.rows) <= PREVIEW_ROWS:
            return self.rows
        chosen = {id(row) for row in errors[:PREVIEW_ROWS]}
        for row in self.rows:
            if len(chosen) >= PREVIEW_ROWS:
                break
            chosen.add(id(row))
        return [row for row in self.rows if id(row) in chosen]


class ImportSpec(ABC):
    """What an app declares to import and export one kind of row."""

    columns: Sequence[Column]
    #: the column that identifies a row (must be unique within a file), e.g. "email"
    key: str

    @abstractmethod
    def find_existing(self, values: dict[str, Any]) -> Any:
        """The record this row updates, or None for a new one (scoped to the programme!)."""

    def find_existing_many(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """``find_existing`` for every row, in order. A spec overrides this to look the rows up
        in a query or two, so the preview of a long file does not cost a query per row."""
        return [self.find_existing(values) for values in rows]

    def validate(self, values: dict[str, Any], existing: Any) -> list[str]:
        """Cross-field checks; return messages. Column parsing has already happened."""
        return []

    @abstractmethod
    def apply(self, values: dict[str, Any], existing: Any, actor: Any) -> None:
        """Write one row (called inside the import's single transaction)."""

    @abstractmethod
    def export_rows(self) -> Iterable[dict[str, Any]]:
        """Rows for the export, keyed by column name."""


# --- Formulas ------------------------------------------------------------------------------------

#: What makes a spreadsheet read a cell as a formula or a command (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet would run ``value`` rather than show it. The one test both writers
    (CSV and XLSX) use to write such a cell as text."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _unmark_formula(text: str) -> str:
    """The cell as it was before the CSV writer's ``'`` mark, so exports import unchanged."""
    return text[1:] if text.startswith("'") and looks_like_formula(text[1:]) else text


# --- Reading files ------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Table:
    rows: list[dict[str, str]]
    warnings: list[str] = field(default_factory=list)


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as ``{header: text}``; raises :class:`ImportFileError`."""
    return read_file(content, filename).rows


def read_file(content: bytes, filename: str) -> Table:
    """Like :func:`read_table`, with the warnings the preview shows (the encoding guessed)."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    lower = filename.lower()
    warnings: list[str] = []
    if lower.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        if content.startswith(BINARY_SIGNATURES):
            raise ImportFileError(not_readable())
        text, warnings = decode_text(content)
        if _looks_binary(text):
            raise ImportFileError(not_readable())
        rows = _read_csv(text)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    # Blank lines (and lines of empty cells, as Excel saves them) say nothing, before the header
    # row as after it.
    lines = len(rows)
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ImportFileError(blank_lines() if lines and not lower.endswith(".xlsx") else empty_file())
    header = [h.strip().lower() for h in rows[0]]
    body = rows[1:]
    if not body:
        raise ImportFileError(no_rows())
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    rows_read = [
        {header[i]: _unmark_formula(row[i] if i < len(row) else "") for i in range(len(header))
         if header[i]}
        for row in body
    ]
    return Table(rows=rows_read, warnings=warnings)


#: How files that are not text begin: images, PDF, ZIP (an .xlsx or .docx renamed), old .xls/.doc.
BINARY_SIGNATURES = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0",
    b"RIFF", b"BM", b"II*\x00", b"MM\x00*",
)


def not_readable() -> str:
    """The one message for a file that is neither CSV text nor an Excel workbook."""
    return _("This file cannot be read as a CSV or Excel file. Upload a .csv file (saved as "
             "“CSV UTF-8”) or an Excel .xlsx file; the template on this page has the right "
             "columns.")


def empty_file() -> str:
    """The one message for a file with nothing in it (no bytes, or an empty sheet)."""
    return _("The file is empty: it has no header row and no rows to import. The template on this "
             "page has the right columns.")


def blank_lines() -> str:
    """The one message for a text file of blank lines only."""
    return _("The file has only blank lines: no header row and no rows to import. The template on "
             "this page has the right columns.")


def no_rows() -> str:
    """The one message for a file with a header row and nothing under it."""
    return _("The file has a header row but no rows to import. Add the rows to import below the "
             "header row and upload the file again.")


def _looks_binary(text: str) -> bool:
    """Whether decoded ``text`` is bytes of some other kind of file rather than a table: many
    control characters. A real CSV with a stray one in a cell is still read, and that cell is
    named in the preview."""
    sample = text[:4096]
    controls = sum(1 for char in sample if (ord(char) < 32 and char not in "\t\n\r")
                   or ord(char) == 127)
    return controls >= 8 and controls > 0.02 * len(sample)


def _utf16_without_bom(content: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when ``content`` looks like UTF-16 text without a byte-order
    mark (mostly Latin text: every other byte is zero), else None."""
    sample = content[:2000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(content: bytes) -> tuple[str, list[str]]:
    """The text of an uploaded CSV/TXT file and the warnings about how it was read.

    UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), UTF-16 with or without one (Excel's
    "Unicode text"), plain UTF-8, and at last Windows-1252 (older Excel "CSV" on Windows in
    Western Europe), which is only a guess: the preview says so."""
    if content.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(content) or "utf-8"
    try:
        return content.decode(encoding), []
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise ImportFileError(
                _("The file says it is %(encoding)s but cannot be read as such. Save it again "
                  "as “CSV UTF-8” and upload it.") % {"encoding": encoding.upper()}
            ) from exc
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file's text encoding could not be recognised. Save it as “CSV UTF-8” and "
              "upload it again.")
        ) from exc
    return text, [
        _("The file is not in UTF-8, so it was read as Windows-1252 (Western European). "
          "Check accented letters in the preview; saving the file as “CSV UTF-8” avoids this.")
    ]


def _read_csv(text: str) -> list[list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # A damaged sheet may only fail while its rows are read: read them inside the try.
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(not_readable()) from exc


# --- Preview and apply --------------------------------------------------------------------------


def build_preview(*, spec: ImportSpec, rows: list[dict[str, str]]) -> ImportPreview:
    names = [c.name for c in spec.columns]
    if not rows:  # read_file refuses such a file; a caller that skipped it gets the same answer
        return ImportPreview(rows=[], file_errors=[no_rows()])
    present = set(rows[0])
    file_errors = []
    missing = [c.name for c in spec.columns if c.required and c.name not in present]
    if missing:
        file_errors.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = sorted(present - set(names))
    if unknown:
        file_errors.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    preview = ImportPreview(rows=[], file_errors=file_errors)
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        result = RowResult(line=index + 2, raw=raw)
        for column in spec.columns:
            text = raw.get(column.name, "")
            if codes := control_characters(text):
                # NUL breaks PostgreSQL; every control character breaks an XLSX export.
                result.errors.append(
                    _("%(column)s contains invisible control characters (%(codes)s); remove "
                      "them.") % {"column": column.name, "codes": ", ".join(codes)}
                )
                continue
            if column.required and not text.strip():
                result.errors.append(_("%(column)s is required.") % {"column": column.name})
                continue
            try:
                value = column.parse(text)
                if column.field is not None and value not in (None, "", [], ()):
                    column.field.run_validators(value)
                result.values[column.name] = value
            except ValidationError as exc:
                result.errors.append(f"{column.name}: {' '.join(exc.messages)}")
        key = str(result.values.get(spec.key) or "").lower()
        if key:
            if key in seen:
                result.errors.append(
                    _("%(key)s appears twice in the file (also on line %(line)s).")
                    % {"key": key, "line": seen[key]}
                )
            seen.setdefault(key, result.line)
        preview.rows.append(result)
    parsed = [result for result in preview.rows if not result.errors]
    found = spec.find_existing_many([result.values for result in parsed])
    for result, existing in zip(parsed, found, strict=True):
        result.existing = existing
        result.errors.extend(spec.validate(result.values, existing))
    return preview


def apply_import(*, spec: ImportSpec, preview: ImportPreview, actor: Any) -> dict[str, int]:
    """Write every row, or nothing: one transaction, refused unless the preview is all valid."""
    if not preview.is_valid:
        raise ValidationError(_("The file has errors; nothing was imported."))
    with transaction.atomic():
        for row in preview.rows:
            try:
                spec.apply(row.values, row.existing, actor)
            except ValidationError as exc:
                # Something changed since the preview: roll the whole import back.
                raise ValidationError(
                    _("Line %(line)s: %(error)s Nothing was imported.")
                    % {"line": row.line, "error": " ".join(exc.messages)}
                ) from exc
    return {"new": preview.count("new"), "update": preview.count("update")}


# --- Templates and exports ----------------------------------------------------------------------


_EXPORT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _export_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # Control characters stored before imports refused them would make the XLSX writer
        # fail (and a CSV unreadable): they are left out of every export.
        return _EXPORT_CONTROLS.sub("", value)
    return "" if value is None else value


def to_csv(*, spec: ImportSpec, rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in spec.columns])
    for row in rows:
        values = (_export_value(row.get(c.name)) for c in spec.columns)
        writer.writerow(["'" + v if looks_like_formula(v) else v for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def to_xlsx(*, spec: ImportSpec, rows: Iterable[dict[str, Any]], title: str = "Tandem") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([c.name for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(spec.columns, start=1):
            value = _export_value(row.get(column.name))
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if looks_like_formula(value):
                # Text, never a formula; quotePrefix keeps it text when someone edits the cell.
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(column.name) + 4
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_rows(spec: ImportSpec) -> list[dict[str, Any]]:
    """No data rows: the template is the header (with each column's help in the README)."""
    return []


# --- Upload batches: stored between preview and confirmation -----------------------------------


class BatchUnavailable(Exception):
    """The batch cannot be imported (any more); the message says why, for the coordinator."""


class ImportRejected(ValidationError):
    """Applying the file failed: nothing was imported. ``preview`` shows the file again."""

    def __init__(self, message: str, *, preview: ImportPreview) -> None:
        super().__init__(message)
        self.preview = preview


def _batch_valid_since(now: datetime) -> datetime:
    return now - timedelta(hours=settings.IMPORT_BATCH_VALID_HOURS)


def import_batch_store(*, programme: Programme, kind: str, filename: str, content: bytes,
                       actor: Any) -> ImportBatch:
    """Keep a previewed file until the coordinator confirms it (or it expires)."""
    return ImportBatch.objects.create(
        programme=programme, kind=kind, filename=filename[:200] or "upload", content=content,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def import_batch_apply(*, programme: Programme, kind: str, batch_id: int, spec: ImportSpec,
                       actor: Any, now: datetime | None = None) -> dict[str, int]:
    """Import a stored batch exactly once, all or nothing.

    The batch is claimed by one conditional UPDATE inside the import's transaction: of two
    confirmations at once, the second finds it claimed and imports nothing. A failing import
    rolls the claim back with everything else, so the coordinator can try again.
    """
    now = now or timezone.now()
    batches = ImportBatch.objects.filter(programme=programme, kind=kind, pk=batch_id)
    with transaction.atomic():
        claimed = batches.filter(
            applied__isnull=True, expired__isnull=True, created__gte=_batch_valid_since(now)
        ).update(applied=now)
        if claimed != 1:
            raise BatchUnavailable(_batch_unavailable_reason(batches.first()))
        batch = batches.get()
        # The same reading and the same checks as the preview: a file that changed meaning
        # since (a row imported meanwhile, a rule tightened) is refused as a whole.
        try:
            rows = read_table(bytes(batch.content), batch.filename)
        except ImportFileError as exc:
            raise ImportRejected(str(exc), preview=ImportPreview(rows=[], file_errors=[str(exc)])) from exc
        preview = build_preview(spec=spec, rows=rows)
        try:
            counts = apply_import(spec=spec, preview=preview, actor=actor)
        except ValidationError as exc:
            raise ImportRejected(" ".join(exc.messages), preview=preview) from exc
        batches.update(content=b"", summary=counts)  # the file is not kept once imported
    return counts


def _batch_unavailable_reason(batch: ImportBatch | None) -> str:
    if batch is not None and batch.applied is not None:
        return _("This file has already been imported.")
    if batch is not None:
        return _(
            "This upload has expired: a file waits %(hours)s hours for its confirmation. "
            "Upload the file again."
        ) % {"hours": settings.IMPORT_BATCH_VALID_HOURS}
    return _("This import was already done or has expired. Upload the file again.")


def import_batches_expire(*, now: datetime | None = None) -> int:
    """Delete the stored file of every batch left unconfirmed for too long; safe to run twice."""
    now = now or timezone.now()
    return ImportBatch.objects.filter(
        applied__isnull=True, expired__isnull=True, created__lt=_batch_valid_since(now)
    ).update(expired=now, content=b"")
