"""Coordinates for a postcode or a town, without any service on the internet.

Where they come from, in the order ``geocode`` asks:

1. postcodes an installation loaded itself (``manage.py load_postcodes``, the ``PostalCode``
   table), e.g. the Netherlands' six-character postcodes;
2. GeoNames' postcodes of Belgium, the Netherlands (four digits), Germany and France, built into
   Tandem (``data/postcodes.tsv.gz``);
3. for a town: one of the programme's own sites of that name, else every populated place of the
   four countries with at least 1,000 inhabitants under its GeoNames names and alternate names in
   every language (``data/cities.tsv.gz``: Brussel, Bruxelles and Brussels are one place), else
   the place names of the postcode list (smaller villages). A name found in several countries is
   read in the programme's country first.

``scripts/build_places.py`` says how the two files were derived and how to refresh them; both
hold GeoNames data (www.geonames.org, CC BY 4.0, see ``data/README.md``). Both are read once per
process, on first use (about half a second). Matching needs a place to within a kilometre or
two; nothing here is an address-level geocoder.

Volunteers and learners store the point of their address (models marked ``@on_the_map``). An
address that cannot be placed is saved with no point: whoever saved it is told
(``unplaced_warning``), and the coordinator's pages flag the record "Not on the map" for as long
as it has none. A changed address moves the point (``place_person``); loading postcodes retries
the unplaced (``place_again``).
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

if TYPE_CHECKING:  # models are imported lazily: scripts/build_places.py runs without a database
    from django.db.models import Model

    from tandem.core.models import PostalCode, Programme

DATA = Path(__file__).resolve().parent / "data"
Point = tuple[float, float]

# Folded spellings of the same word, so "St. Gallen", "Sankt Augustin", "Sint-Niklaas" and
# "Saint-Étienne" match however they are typed.
_SAME_WORD = {"saint": "st", "sankt": "st", "sint": "st", "sainte": "ste"}
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                          "ı": "i"})
_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_COUNTRY_PREFIX = re.compile(r"^(?:BE|NL|DE|FR|B|D|F)-")
_LEADING_POSTCODE = re.compile(r"^\s*((?:[A-Z]{1,2}-)?\d{4,5})\s+(\S.*)$")  # "1000 Bruxelles"
_ARRONDISSEMENT = re.compile(r"(?: \d+(?:e|er|eme|ieme|re)?)+$")  # "Paris 19e", "Lyon 8"


def normalise_city(city: str) -> str:
    """The key a town is found under: lower case, no accents or punctuation ("'s-Hertogenbosch"
    and "s Hertogenbosch" are the same key), "Saint"/"Sankt"/"Sint"/"St." folded together."""
    text = city.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _PUNCTUATION.sub(" ", text).split()
    return " ".join(_SAME_WORD.get(word, word) for word in words)


def normalise_postcode(country: str, postcode: str) -> str:
    """"3071 ab" -> "3071AB"; "F-6300" -> "06300" (a spreadsheet dropped the leading zero)."""
    code = _COUNTRY_PREFIX.sub("", postcode.strip().upper()).replace(" ", "")
    if country in ("FR", "DE") and code.isdigit() and len(code) == 4:
        code = "0" + code
    return code


# Plain tuples, not NamedTuples: 200,000 of them are made on first use, and that is twice as fast.
# A place: (country, rank, population, latitude, longitude); rank 0 is the place's own name,
# 1 a postcode's place name, 2 an alternate name. A postcode row: (place key, latitude, longitude).
_Place = tuple[str, int, int, float, float]
_Postcode = tuple[str, float, float]


def _rows(name: str) -> Iterator[list[str]]:
    """The rows of one of the data files, without its header (plain tab-separated text)."""
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            yield line.rstrip("\n").split("\t")


@cache
def _postcodes() -> dict[tuple[str, str], list[_Postcode]]:
    found: dict[tuple[str, str], list[_Postcode]] = defaultdict(list)
    for country, code, _place, key, latitude, longitude in _rows("postcodes.tsv.gz"):
        found[country, code].append((key, float(latitude), float(longitude)))
    return found


@cache
def _places() -> dict[str, list[_Place]]:
    """Every name a place is known by -> the places of that name. The data files carry the
    names already normalised (the tests check them against ``normalise_city``)."""
    index: dict[str, list[_Place]] = defaultdict(list)
    for country, _name, key, latitude, longitude, population, others in _rows("cities.tsv.gz"):
        people = int(population)
        index[key].append((country, 0, people, float(latitude), float(longitude)))
        alternate = (country, 2, people, float(latitude), float(longitude))
        for other in others.split("|") if others else ():
            index[other].append(alternate)
    for (country, _code), rows in _postcodes().items():
        for place, lat, lon in rows:
            index[place].append((country, 1, 0, lat, lon))
    return index


def _centre(points: Iterable[Point]) -> Point:
    points = list(points)
    return (round(sum(p[0] for p in points) / len(points), 4),
            round(sum(p[1] for p in points) / len(points), 4))


def _choose(rows: Iterable[tuple[str, float, float]], city_key: str) -> Point | None:
    """One point for a postcode's rows: the row of the named place, else their centre."""
    rows = list(rows)
    if not rows:
        return None
    if city_key:
        for place, latitude, longitude in rows:
            if place == city_key or place.startswith(city_key + " "):
                return latitude, longitude
    return _centre((latitude, longitude) for _, latitude, longitude in rows)


def _loaded_postcode(country: str, codes: list[str], city_key: str) -> Point | None:
    from tandem.core.models import PostalCode

    rows = PostalCode.objects.filter(country=country, code__in=codes).values_list(
        "code", "place", "latitude", "longitude"
    )
    return _loaded_choice(_by_code(rows), codes, city_key)


def _by_code(rows: Iterable[tuple[str, str, float, float]]) -> dict[str, list[tuple[str, float, float]]]:
    by_code: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for code, place, latitude, longitude in rows:
        by_code[code].append((normalise_city(place), latitude, longitude))
    return by_code


def _loaded_choice(by_code: dict[str, list[tuple[str, float, float]]], codes: list[str],
                   city_key: str) -> Point | None:
    for code in codes:
        found = _choose(by_code.get(code, ()), city_key)
        if found is not None:
            return found
    return None


def _postcode_keys(country: str, postcode: str) -> list[str]:
    code = normalise_postcode(country, postcode)
    if not country or not code:
        return []
    codes = [code]
    if country == "NL" and len(code) > 4:
        codes.append(code[:4])  # "3073AB" -> "3073"
    return codes


def postcode_point(country: str, postcode: str, city: str = "",
                   loaded: dict[str, list[tuple[str, float, float]]] | None = None) -> Point | None:
    """Where a postcode is; with the town's name, the row of that town when a postcode serves
    several (French postcodes often do). Dutch six-character postcodes fall back on their four
    digits. ``loaded``: the ``PostalCode`` rows of these codes, already read (``geocode_many``)."""
    codes = _postcode_keys(country, postcode)
    if not codes:
        return None
    city_key = normalise_city(city)
    found = (_loaded_postcode(country, codes, city_key) if loaded is None
             else _loaded_choice(loaded, codes, city_key))
    for candidate in codes:
        if found is None:
            found = _choose(_postcodes().get((country, candidate), ()), city_key)
    return found


def city_point(city: str, country: str = "") -> Point | None:
    """Where a town is, read in ``country`` first. "Gent (Ledeberg)", "Berlin, Kreuzberg" and
    "Paris 19e" are read as Gent, Berlin and Paris when the whole name is not known."""
    place = _city_place(city, country)
    return (place[3], place[4]) if place is not None else None


def _city_keys(city: str) -> list[str]:
    key = normalise_city(city)
    return list(dict.fromkeys([key, normalise_city(re.split(r"[(,/]", city)[0]), _ARRONDISSEMENT.sub("", key)]))


def _city_place(city: str, country: str) -> _Place | None:
    for candidate in _city_keys(city):
        places = _places().get(candidate)
        if not places:
            continue
        here = [p for p in places if p[0] == country]
        if here:  # own names first, then the larger place
            return min(here, key=lambda p: (p[1], -p[2], p[3], p[4]))
        # abroad, someone means the larger place (Köln, not Cologne in the Gers)
        return min(places, key=lambda p: (-p[2], p[1], p[3], p[4]))
    return None


def _km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(x) for x in (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def postcode_town_mismatch(*, country: str, postcode: str, city: str) -> bool:
    """Whether the town typed is another place than the postcode's (docs/architecture.md,
    "Places"): ``geocode`` reads the postcode first, so a learner who moved to Schiedam with
    Rotterdam's postcode left in would be placed in Rotterdam. They agree when the town is one of
    the postcode's place names (or begins with it, "Paris 19e"), or lies close to the postcode's
    point — within the town's own reach, which grows with its size (1 km + √population / 70:
    Antwerpen's Ekeren, 9 km out, is Antwerpen; Schiedam, 7 km from Rotterdam-Zuid, is not).
    Nothing is said when either cannot be found (an unknown postcode or village)."""
    if not postcode.strip() or not city.strip():
        return False
    codes = _postcode_keys(country, postcode)
    rows: list[_Postcode] = []
    if codes:
        from tandem.core.models import PostalCode

        loaded = _by_code(PostalCode.objects.filter(country=country, code__in=codes).values_list(
            "code", "place", "latitude", "longitude"))
        rows = next((loaded[c] for c in codes if loaded.get(c)), []) or next(
            (list(_postcodes()[country, c]) for c in codes if (country, c) in _postcodes()), [])
    if not rows:
        return False
    keys = _city_keys(city)
    if any(place == key or place.startswith(key + " ") or key.startswith(place + " ")
           for place, _lat, _lon in rows for key in keys):
        return False
    town = _city_place(city, country)
    if town is None:
        return False
    # The town's size under any of its names here (Antwerpen is GeoNames' alternate name of
    # Antwerp, and the postcode list's place name, which carries no population).
    people = max([town[2], *(p[2] for key in keys for p in _places().get(key, ()) if p[0] == country)])
    reach = 1 + math.sqrt(people) / 70
    return min(_km((lat, lon), (town[3], town[4])) for _place, lat, lon in rows) > reach


def postcode_town_error(*, country: str, postcode: str, city: str) -> str | None:
    """The form error for a postcode and a town that do not belong together, or None."""
    if not postcode_town_mismatch(country=country, postcode=postcode, city=city):
        return None
    return gettext("The postcode %(postcode)s is not in %(city)s: the postcode or the town is wrong.") % {
        "postcode": postcode.strip(), "city": city.strip()}


def geocode(
    *, country: str = "", postcode: str = "", city: str = "", programme: Programme | None = None,
    loaded: dict[str, list[tuple[str, float, float]]] | None = None,
    sites: list[tuple[str, float, float]] | None = None,
) -> Point | None:
    """Coordinates of a postcode (and town), else of the town (one of the programme's sites
    first), or None when neither can be placed. ``country`` defaults to the programme's.
    ``loaded`` and ``sites``: the installation's postcodes and the programme's sites, already read
    (``geocode_many``)."""
    if not country and programme is not None:
        country = programme.country
    leading = _LEADING_POSTCODE.match(city)
    if leading and not postcode.strip():
        postcode, city = leading.groups()  # a spreadsheet put "3071 Rotterdam" in one column
    if postcode.strip():
        found = postcode_point(country, postcode, city, loaded=loaded)
        if found is not None:
            return found
    if not city.strip():
        return None
    if programme is not None:
        key = normalise_city(city)
        for site_city, latitude, longitude in _site_points(programme) if sites is None else sites:
            if normalise_city(site_city) == key:
                return latitude, longitude
    return city_point(city, country)


def _site_points(programme: Programme) -> list[tuple[str, float, float]]:
    return [(city, latitude, longitude) for city, latitude, longitude in programme.sites.filter(
        latitude__isnull=False, longitude__isnull=False).values_list("city", "latitude", "longitude")
        if latitude is not None and longitude is not None]


def geocode_many(addresses: Iterable[tuple[str, str]], *, programme: Programme) -> dict[tuple[str, str], Point | None]:
    """``geocode`` of many ``(postcode, city)`` of one programme in at most two queries (the
    installation's postcodes of them all, the programme's sites), not two per address: a
    matching round places everyone it has no point for at once."""
    from tandem.core.models import PostalCode

    wanted = list(dict.fromkeys(addresses))
    if not wanted:
        return {}
    country = programme.country
    codes: set[str] = set()
    for postcode, city in wanted:
        leading = _LEADING_POSTCODE.match(city)
        if leading and not postcode.strip():
            postcode = leading.group(1)
        if postcode.strip():
            codes.update(_postcode_keys(country, postcode))
    loaded = _by_code(PostalCode.objects.filter(country=country, code__in=sorted(codes)).values_list(
        "code", "place", "latitude", "longitude")) if codes else {}
    sites = _site_points(programme)
    return {(postcode, city): geocode(postcode=postcode, city=city, programme=programme, loaded=loaded, sites=sites)
            for postcode, city in wanted}


def unplaced_warning(*, postcode: str, city: str, public: bool = False,
                     referrer: bool = False) -> str:
    """What the person who just saved an address that cannot be placed is told (it is saved).
    ``public``: the applicant themselves; ``referrer``: a school's contact who referred a pupil —
    neither runs the matching, so neither hears of records, flags or coordinates."""
    address = " ".join(part for part in (postcode.strip(), city.strip()) if part)
    if referrer:
        if not address:
            return gettext("No postcode or town was given. The referral was received; the "
                           "coordinator will ask for the address.")
        return gettext("We could not find “%(address)s” on the map. The referral was received; "
                       "the coordinator will check the address.") % {"address": address}
    if public:
        return gettext("We could not find “%(address)s” on the map. Your details were received; "
                       "the coordinator will check your address with you.") % {"address": address}
    if not address:
        return gettext("No postcode or town was given, so this person is not on the map: matching "
                       "cannot use distance for them. The record is flagged until an address or "
                       "coordinates are entered.")
    return gettext("“%(address)s” could not be placed on the map. It was saved, and the record is "
                   "flagged: matching cannot use distance until the postcode or town is corrected "
                   "or coordinates are entered.") % {"address": address}


# --- Records placed on the map, and flagged when they cannot be -------------------------------

_ON_THE_MAP: list[Any] = []


def on_the_map[M: type[Model]](model: M) -> M:
    """Class decorator for a model whose rows carry ``latitude``/``longitude`` for the address of
    their ``person`` in their ``programme`` (volunteers, learners). Empty coordinates mean the
    address could not be placed: the coordinator sees the row flagged, and ``place_again``
    retries it after more postcodes were loaded."""
    _ON_THE_MAP.append(model)
    return model


def place_person(person: Any) -> None:
    """After ``person``'s address changed: move each of their ``on_the_map`` rows (their
    volunteering, their learner record) to the new place, or clear it when the new address
    cannot be placed, so the row is flagged instead of matched on the old address."""
    for model in _ON_THE_MAP:
        for row in model.objects.filter(person=person).select_related("programme"):
            point = geocode(postcode=person.postcode, city=person.city, programme=row.programme)
            model.objects.filter(pk=row.pk).update(latitude=point[0] if point else None,
                                                   longitude=point[1] if point else None)


def place_again() -> int:
    """Give coordinates to the rows of every ``on_the_map`` model that have none and whose
    address can now be placed; returns how many."""
    placed = 0
    for model in _ON_THE_MAP:
        rows = model.objects.filter(latitude__isnull=True).select_related("person", "programme")
        for row in rows.iterator():
            point = geocode(postcode=row.person.postcode, city=row.person.city, programme=row.programme)
            if point is not None:
                # Only if still empty: a coordinator may have typed coordinates meanwhile.
                placed += model.objects.filter(pk=row.pk, latitude__isnull=True).update(
                    latitude=point[0], longitude=point[1])
    return placed


# --- Loading a GeoNames postal-code file (manage.py load_postcodes) ------------------------------

class PostcodeFileError(ValueError):
    """A line of a postal-code file that is not in GeoNames' format."""


def load_postal_codes(lines: Iterable[str], *, countries: Iterable[str] = (),
                      source: str = "") -> dict[str, tuple[int, int]]:
    """Replace the loaded postcodes of every country in a GeoNames postal-code file
    (allCountries.txt, NL_full.txt…: country, postcode, place, three admin names and codes,
    latitude, longitude, accuracy; tab-separated) with the file's rows.

    All or nothing: one transaction, and a malformed line raises ``PostcodeFileError`` naming it
    before anything is kept. Loading the same file again gives the same table. Rows without
    coordinates are skipped. Returns {country: (rows loaded, rows replaced)}.
    """
    from django.db import transaction

    from tandem.core.models import PostalCode

    wanted = {c.strip().upper() for c in countries}
    counts: dict[str, list[int]] = {}
    batch: list[PostalCode] = []
    with transaction.atomic():
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = _postal_row(line, number, source)
            if row is None or (wanted and row.country not in wanted):
                continue
            if row.country not in counts:
                replaced, _ = PostalCode.objects.filter(country=row.country).delete()
                counts[row.country] = [0, replaced]
            counts[row.country][0] += 1
            batch.append(row)
            if len(batch) >= 5000:
                PostalCode.objects.bulk_create(batch)
                batch.clear()
        PostalCode.objects.bulk_create(batch)
    return {country: (loaded, replaced) for country, (loaded, replaced) in sorted(counts.items())}


def _postal_row(line: str, number: int, source: str) -> PostalCode | None:
    from tandem.core.models import PostalCode

    fields = line.rstrip("\r\n").split("\t")
    where = f"{source}, line {number}" if source else f"line {number}"
    if len(fields) < 11 or not re.fullmatch(r"[A-Z]{2}", fields[0]) or not fields[1].strip():
        raise PostcodeFileError(
            f"{where}: expected GeoNames' tab-separated postal-code columns (country, postcode, "
            f"place, admin names and codes, latitude, longitude), got {line[:80]!r}"
        )
    if not fields[9].strip() or not fields[10].strip():
        return None
    try:
        latitude, longitude = float(fields[9]), float(fields[10])
    except ValueError:
        raise PostcodeFileError(f"{where}: latitude and longitude must be numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PostcodeFileError(f"{where}: coordinates out of range")
    return PostalCode(country=fields[0], code=normalise_postcode(fields[0], fields[1])[:20],
                      place=fields[2].strip()[:180], latitude=latitude, longitude=longitude)
