"""Where a learner lives, as coordinates, without an external geocoder.

A small built-in table of the cities Tandem's programmes work in; the programme's own sites come
first. Anything else the coordinator enters by hand (latitude/longitude on the learner's page).
"""

from __future__ import annotations

import unicodedata

from tandem.core.models import Programme

CITIES: dict[str, tuple[float, float]] = {
    # Belgium
    "antwerpen": (51.219, 4.402), "anvers": (51.219, 4.402), "gent": (51.054, 3.717),
    "gand": (51.054, 3.717), "brussel": (50.847, 4.357), "bruxelles": (50.847, 4.357),
    "leuven": (50.879, 4.701), "liege": (50.633, 5.567), "brugge": (51.209, 3.225),
    # Netherlands
    "amsterdam": (52.370, 4.895), "rotterdam": (51.922, 4.479), "den haag": (52.070, 4.300),
    "utrecht": (52.091, 5.122), "eindhoven": (51.441, 5.470), "tilburg": (51.560, 5.091),
    # Germany
    "berlin": (52.520, 13.405), "munchen": (48.137, 11.575), "koln": (50.938, 6.960),
    "bonn": (50.737, 7.098), "essen": (51.456, 7.012), "duisburg": (51.434, 6.762),
    "bochum": (51.482, 7.216), "hamburg": (53.551, 9.993), "frankfurt am main": (50.110, 8.682),
    # France
    "paris": (48.857, 2.352), "lyon": (45.764, 4.836), "marseille": (43.296, 5.370),
    "grenoble": (45.188, 5.724), "nice": (43.710, 7.262), "lille": (50.629, 3.057),
    "toulouse": (43.605, 1.444),
}


def _normalise(city: str) -> str:
    text = unicodedata.normalize("NFKD", city.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("-", " ")


def coordinates_for(city: str, programme: Programme | None = None) -> tuple[float, float] | None:
    """The coordinates of ``city``: one of the programme's sites, else the built-in table."""
    if not city.strip():
        return None
    key = _normalise(city)
    if programme is not None:
        for site in programme.sites.filter(latitude__isnull=False, longitude__isnull=False):
            if _normalise(site.city) == key and site.latitude is not None and site.longitude is not None:
                return site.latitude, site.longitude
    return CITIES.get(key)
