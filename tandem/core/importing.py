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

Files speak the coordinator's language, and travel between languages. Every :class:`Column` has a
translated ``label``: templates and exports write it as the header ("Vorname", "Voornaam",
"Prénom", "Given name"), and the reader accepts, for each column, its label in any of the four
languages or its code ("given_name", as files were written before), compared without case,
accents, spaces or punctuation (:func:`tandem.core.text.fold`). So last year's English-code file,
a Dutch colleague's export and a German template all import. Two headers that name one column are
refused (which one should win cannot be guessed); an unknown header is named as written, a missing
one by its label in the reader's language. Values do the same: a choice (a state, a reason, an
indicator) is written as its label in the reader's language and read back from its label in any
language or its code; time slots, languages and fields likewise (:func:`words_writer` writes a
code instead of a word that would not read back as it). Dates are written in the language's usual
form (31.12.2010 in German, 31-12-2010 in Dutch, 31/12/2010 in French and English; real date cells
in XLSX) and read in any of those forms, as YYYY-MM-DD or as a date cell (day first always: none of
the four languages writes the month first); numbers take a decimal comma.

CSV separator (the decision): Excel reads and writes CSV with the list separator of the computer's
regional settings, which is ";" in German, French and Dutch (where the comma is the decimal mark)
and "," in English. So a CSV we write for a de/fr/nl reader uses ";" and a decimal comma, and opens
in columns when double-clicked; an English one uses ",". The reader takes ",", ";" or tab,
whichever the header row holds most of (headers hold no commas of their own). Export-only tables
whose columns have no label (the payment file, the dashboards' rows: formats for other software,
headers as codes) keep ",", a decimal point and ISO dates in every language.
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
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from tandem.core.availability import parse_slots, slot_label
from tandem.core.fields import fields_example, parse_fields, vocabulary
from tandem.core.inputs import control_characters
from tandem.core.inputs import parse_int as parse_strict_int
from tandem.core.languages import language_name, language_names, parse_language, parse_languages
from tandem.core.models import ImportBatch, Programme
from tandem.core.text import fold, quoted

#: The languages a file's headers and values are read in (the app's four).
FILE_LANGUAGES = ("en", "nl", "fr", "de")

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


#: How each language writes a date in numbers, as its Excel shows and saves it.
DATE_FORMATS = {"de": "%d.%m.%Y", "nl": "%d-%m-%Y", "fr": "%d/%m/%Y", "en": "%d/%m/%Y"}


def _reader_language() -> str:
    language = (translation.get_language() or "en")[:2]
    return language if language in DATE_FORMATS else "en"


def date_pattern() -> str:
    """How a date is written, in the reader's words: TT.MM.JJJJ, DD-MM-JJJJ, JJ/MM/AAAA."""
    return pgettext("date pattern", "DD/MM/YYYY")


def date_text(value: date) -> str:
    """A date as the reader's language writes it in numbers (what their spreadsheet reads)."""
    return value.strftime(DATE_FORMATS[_reader_language()])


def parse_date(value: str) -> date | None:
    """A date as any of the four languages writes it (31.12.2010, 31-12-2010, 31/12/2010), as
    YYYY-MM-DD, or as a spreadsheet's date cell (read as YYYY-MM-DD). Always day first: none of
    our languages writes the month first."""
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date (write it as %(pattern)s).")
                          % {"value": value, "pattern": date_pattern()})


def parse_int(value: str) -> int | None:
    """A whole number in ASCII digits; "3.0" or "3,0" (a spreadsheet's way of writing 3) is 3."""
    value = value.strip()
    if not value:
        return None
    try:
        return parse_strict_int(re.sub(r"[.,]0+$", "", value))
    except ValueError as exc:
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value}) from exc


def parse_list(value: str) -> list[str]:
    """A list in one cell, separated by commas or semicolons: "nl, tr; ar"."""
    return [item.strip() for item in value.replace(";", ",").split(",") if item.strip()]


def words_writer(word: Callable[[str], str], parse: Callable[[str], Any]) -> Callable[[Any], str]:
    """A list cell's writer: each code as its word in the reader's language ("Montagabend,
    Samstagvormittag"), or as the code where that word would not read back as it (a name with
    a comma, or one shared by two codes), so an export always imports unchanged."""

    def write(codes: Any) -> str:
        out = []
        for code in codes:
            text = word(code)
            try:
                same = "," not in text and ";" not in text and parse(text) in (code, [code])
            except ValidationError:
                same = False
            out.append(text if same else code)
        return ", ".join(out)

    return write


class Choices:
    """A fixed list of ``(code, label)`` (a model's ``choices``) as a file's values: read from
    the code or the label in any of the four languages, written as the label in the reader's
    language."""

    def __init__(self, choices: Iterable[tuple[str, Any]]) -> None:
        self.choices = [(str(code), label) for code, label in choices]

    @cached_property
    def _index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for language in FILE_LANGUAGES:
            with translation.override(language):
                for code, label in self.choices:
                    index.setdefault(fold(str(label)), code)
        # Codes last and winning: "other" is a code, whatever a label folds to.
        index.update({fold(code): code for code, _label in self.choices})
        index.update({code.casefold(): code for code, _label in self.choices})
        return index

    def label(self, code: str) -> str:
        return next((str(label) for key, label in self.choices if key == code), code)

    def labels(self) -> list[str]:
        return [str(label) for _code, label in self.choices]

    def find(self, word: str) -> str | None:
        word = word.strip()
        return self._index.get(word.casefold()) or self._index.get(fold(word))

    def parse(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        code = self.find(value)
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(self.labels())}
            )
        return code

    def parse_many(self, value: str) -> list[str]:
        codes, unknown = [], []
        for word in parse_list(value):
            code = self.find(word)
            if code is None:
                unknown.append(word)
            else:
                codes.append(code)
        if unknown:
            raise ValidationError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": ", ".join(unknown), "allowed": ", ".join(self.labels())}
            )
        return list(dict.fromkeys(codes))

    def write(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(self.label(code) for code in value)
        return self.label(value) if value else ""

    def example(self, codes: Sequence[str] | None = None, *, ellipsis: bool = False) -> str:
        chosen = codes if codes is not None else [code for code, _label in self.choices]
        return ", ".join(self.label(code) for code in chosen) + ("…" if ellipsis else "")


def parse_choice(choices: Iterable[str] | Iterable[tuple[str, Any]]) -> Callable[[str], str]:
    """A parser for one value of ``choices``: codes, or ``(code, label)`` pairs (then the
    label in any language is read too)."""
    pairs = [item if isinstance(item, tuple) else (item, item) for item in choices]
    return Choices(pairs).parse


@dataclass(frozen=True)
class Column:
    #: the column's code: the key of the row's values, and a header the reader still accepts
    #: (files written before headers were translated), e.g. "given_name"
    name: str
    required: bool = False
    parse: Callable[[str], Any] = parse_text
    help: str = ""  # a translated explanation, e.g. "name of a partner institution"
    #: how a value may be written, in the reader's language ("Montagabend, Samstagvormittag",
    #: "TT.MM.JJJJ"); every language's words are read, whichever the example shows
    example: str = ""
    #: the model field the value ends up in: its validators (length, range, date of birth…)
    #: run in the preview, so a row the services would refuse is marked before confirming
    field: Any = None
    #: the header in the reader's language, a lazy translation (``pgettext_lazy("file column",
    #: "Given name")``): written in templates and exports, read in any of the four languages
    label: Any = None
    #: the stored value as the file writes it for the reader (a state's label, slot names…);
    #: what it writes, ``parse`` reads back
    write: Callable[[Any], Any] | None = None
    #: other headers people's own files use for it ("Nom" for a family name in French):
    #: read, never written
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The column's header in the active language."""
        return str(self.label) if self.label is not None else self.name

    def header_words(self) -> set[str]:
        """Every header this column is read from, folded: the code and the four labels."""
        words = {fold(self.name), *(fold(alias) for alias in self.aliases)}
        if self.label is not None:
            for language in FILE_LANGUAGES:
                with translation.override(language):
                    words.add(fold(str(self.label)))
        return words


# --- Columns several apps share ------------------------------------------------------------------

#: Headers of people's own lists besides the four labels: a French list says "Nom" / "Prénom",
#: an English one "Last name" or "Surname", a Flemish one "Familienaam".
GIVEN_NAME_ALIASES = ("First name", "Firstname", "Forename", "Roepnaam")
FAMILY_NAME_ALIASES = ("Last name", "Lastname", "Surname", "Nom", "Familienaam", "Familienname")



def slots_column(name: str, example: Sequence[str]) -> Column:
    """A column of weekly time slots, written and shown as slot names in the reader's language
    ("Montagabend, Samstagvormittag"); names in any language and the codes are read."""
    return Column(name, label=pgettext_lazy("file column", "Availability"), parse=parse_slots,
                  write=words_writer(slot_label, parse_slots),
                  example=", ".join(slot_label(code) for code in example))


def languages_column() -> Column:
    """Languages by name in any of the four languages or by ISO code; the example gives names in
    the reader's language ("Niederländisch, Türkisch, Arabisch"), the export writes them."""
    return Column("languages", label=pgettext_lazy("file column", "Languages"),
                  parse=parse_languages, example=", ".join(language_names(("nl", "tr", "ar"))),
                  write=words_writer(language_name, parse_language))


def fields_column(programme: Programme, name: str, label: Any, example: Sequence[str]) -> Column:
    def parse(text: str) -> list[str]:
        return parse_fields(programme, text)

    return Column(name, label=label, parse=parse, example=fields_example(programme, example),
                  write=words_writer(lambda code: vocabulary(programme).label(code), parse))


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
    #: the columns the preview table shows for each row (besides its line, result and reasons)
    preview_columns: Sequence[str] = ()

    def shown_columns(self) -> list[Column]:
        """The columns of the preview table: ``preview_columns``, else the key column."""
        names = list(self.preview_columns) or [self.key]
        return [column for name in names for column in self.columns if column.name == name]

    def column_index(self) -> dict[str, str]:
        """Folded header → column name, for every header the columns are read from."""
        index: dict[str, str] = {}
        for column in self.columns:
            for word in column.header_words():
                index.setdefault(word, column.name)
        return index

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
    header = [h.strip() for h in rows[0]]
    named = [h for h in header if h]
    twice = sorted({h for h in named if named.count(h) > 1})
    if twice:
        raise ImportFileError(
            _("The header row has %(columns)s more than once: keep one of these columns.")
            % {"columns": _quoted(twice)}
        )
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


def sniff_delimiter(text: str) -> str:
    """",", ";" or tab: whichever the header row (the first line with text) holds most of,
    outside quotes. Headers hold no commas of their own, while cells (“mon-evening,
    sat-morning”, “7,5”) may; a row of one column is read with ",". """
    for line in text.splitlines():
        if not line.strip():
            continue
        outside = re.sub(r'"[^"]*"', "", line)
        counts = {delimiter: outside.count(delimiter) for delimiter in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
    return ","


def _read_csv(text: str) -> list[list[str]]:
    delimiter = sniff_delimiter(text)
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


def _quoted(names: Iterable[str]) -> str:
    """Column names in the reader's quotation marks: “E-mail”, „E-Mail“, « E-mail »."""
    return ", ".join(quoted(name) for name in names)


def map_headers(*, spec: ImportSpec, headers: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Which column each of a file's headers is (``{header as written: column name}``), and the
    file errors: unknown headers named as written, two headers naming one column, required
    columns missing (named by their label in the reader's language)."""
    index = spec.column_index()
    found: dict[str, str] = {}
    by_column: dict[str, list[str]] = {}
    unknown = []
    for header in headers:
        name = index.get(fold(header))
        if name is None:
            unknown.append(header)
        else:
            found[header] = name
            by_column.setdefault(name, []).append(header)
    errors = []
    for column in spec.columns:
        if len(by_column.get(column.name, [])) > 1:
            errors.append(
                _("The columns %(headers)s are all %(column)s: keep one of them.")
                % {"headers": _quoted(by_column[column.name]), "column": _quoted([column.header])}
            )
    missing = [c.header for c in spec.columns if c.required and c.name not in by_column]
    if missing:
        errors.append(_("Missing columns: %(columns)s.") % {"columns": _quoted(missing)})
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. The columns this import reads are: %(known)s.")
            % {"columns": _quoted(unknown), "known": _quoted(c.header for c in spec.columns)}
        )
    return found, errors


def build_preview(*, spec: ImportSpec, rows: list[dict[str, str]]) -> ImportPreview:
    """Check every row of a file read by :func:`read_table` (``{header: text}``). The rows of
    the preview hold the cells by column name (``raw["email"]``), whatever the headers' language."""
    if not rows:  # read_file refuses such a file; a caller that skipped it gets the same answer
        return ImportPreview(rows=[], file_errors=[no_rows()])
    columns, file_errors = map_headers(spec=spec, headers=list(rows[0]))
    rows = [{columns[header]: text for header, text in row.items() if header in columns}
            for row in rows]
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
                      "them.") % {"column": column.header, "codes": ", ".join(codes)}
                )
                continue
            if column.required and not text.strip():
                result.errors.append(_("%(column)s is required.") % {"column": column.header})
                continue
            try:
                value = column.parse(text)
                if column.field is not None and value not in (None, "", [], ()):
                    column.field.run_validators(value)
                result.values[column.name] = value
            except ValidationError as exc:
                # A format of its own: French writes "Statut : …", with a space before the colon.
                result.errors.append(_("%(column)s: %(problem)s") % {
                    "column": column.header, "problem": " ".join(exc.messages)})
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


def csv_delimiter() -> str:
    """The separator of a CSV written for the reader: ";" where Excel expects it (German,
    French and Dutch regional settings, whose decimal mark is the comma), else ","."""
    return "," if _reader_language() == "en" else ";"


def _export_value(value: Any, column: Column | None = None) -> Any:
    if column is not None and column.write is not None and value not in (None, "", [], ()):
        value = column.write(value)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str):
        # Control characters stored before imports refused them would make the XLSX writer
        # fail (and a CSV unreadable): they are left out of every export.
        return _EXPORT_CONTROLS.sub("", value)
    return "" if value is None else value


def _speaks_reader(spec: ImportSpec) -> bool:
    """Whether a file is written for the reader's spreadsheet (its columns have labels) rather
    than in a fixed format for other software (export-only tables whose headers are codes, such
    as the payment file): only the first follows the reader's separator, dates and decimals."""
    return any(column.label is not None for column in spec.columns)


def _csv_value(value: Any, *, local: bool) -> Any:
    """A cell as CSV text: for the reader (``local``), dates in the language's form and a
    decimal comma where the separator is ";"; otherwise ISO dates and a decimal point."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return date_text(value) if local else value.isoformat()
    if local and isinstance(value, Decimal | float) and csv_delimiter() == ";":
        return str(value).replace(".", ",")
    return value


def to_csv(*, spec: ImportSpec, rows: Iterable[dict[str, Any]]) -> bytes:
    """The header row in the reader's language, separated as their Excel expects (see the
    module's docs), UTF-8 with a byte-order mark (so Excel reads the accents). A table of codes
    for other software keeps "," and ISO dates whatever the reader's language."""
    local = _speaks_reader(spec)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_delimiter() if local else ",")
    writer.writerow([c.header for c in spec.columns])
    for row in rows:
        values = (_csv_value(_export_value(row.get(c.name), c), local=local) for c in spec.columns)
        writer.writerow(["'" + v if looks_like_formula(v) else v for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


#: Excel's number format for a date cell, per language (what its regional settings show).
XLSX_DATE_FORMATS = {"de": "DD.MM.YYYY", "nl": "DD-MM-YYYY", "fr": "DD/MM/YYYY", "en": "DD/MM/YYYY"}


def to_xlsx(*, spec: ImportSpec, rows: Iterable[dict[str, Any]], title: str = "Tandem") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    headers = [c.header for c in spec.columns]
    local = _speaks_reader(spec)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_format = XLSX_DATE_FORMATS[_reader_language()]
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(spec.columns, start=1):
            value = _export_value(row.get(column.name), column)
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if isinstance(value, date) and not isinstance(value, datetime):
                if local:
                    cell.number_format = date_format  # a real date cell, shown the reader's way
                else:
                    cell.value = value.isoformat()  # as these tables always wrote dates
            if looks_like_formula(value):
                # Text, never a formula; quotePrefix keeps it text when someone edits the cell.
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(header) + 4
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
