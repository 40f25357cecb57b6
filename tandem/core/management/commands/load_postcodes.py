"""Load a full GeoNames postal-code file, for installations that want every postcode.

    python manage.py load_postcodes allCountries.zip --country NL --country BE
    python manage.py load_postcodes NL_full.csv.zip        # the Dutch six-character postcodes

The files are GeoNames' (https://download.geonames.org/export/zip/, CC BY 4.0), downloaded by
the installation: Tandem itself never goes online. Each country in the file replaces that
country's loaded postcodes, all in one transaction; running it again with the same file changes
nothing. ``geocode`` asks this table before the postcodes built into Tandem; volunteers and
learners whose address could not be placed before are placed again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.places import PostcodeFileError, load_postal_codes, place_again


def _lines(path: Path) -> Iterator[str]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist()
                       if n.lower().endswith(".txt") and Path(n).name.lower() != "readme.txt"]
            if not members:
                raise CommandError(f"{path.name} holds no GeoNames .txt file.")
            for member in members:
                with archive.open(member) as raw:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
        return
    with path.open(encoding="utf-8") as handle:
        yield from handle


class Command(BaseCommand):
    help = "Load a GeoNames postal-code file (.zip or .txt) into Tandem's postcode table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="allCountries.zip, NL_full.csv.zip, DE.txt…")
        parser.add_argument(
            "--country", action="append", default=[], metavar="CC",
            help="Load only this country (ISO code; repeat for several). Default: all in the file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            counts = load_postal_codes(_lines(path), countries=options["country"], source=path.name)
        except (PostcodeFileError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        if not counts:
            raise CommandError("Nothing was loaded: the file has no postcode of the countries asked for.")
        for country, (loaded, replaced) in counts.items():
            self.stdout.write(f"{country}: {loaded} postcodes loaded ({replaced} replaced)")
        self.stdout.write(self.style.SUCCESS(f"{sum(n for n, _ in counts.values())} postcodes in all."))
        placed = place_again()
        self.stdout.write(f"{placed} volunteers and learners whose address could not be placed before now are.")
