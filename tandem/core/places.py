"""Coordinates for a postcode or city without an external geocoding service.

A built-in table of the cities and postcodes Tandem's programmes work in; a programme's own sites
come first. Anything else gets no coordinates, and the coordinator types them on the person's
page. Matching only needs them to within a kilometre or two.
"""

from __future__ import annotations

import unicodedata

from tandem.core.models import Programme

# (country, postcode) -> (latitude, longitude)
POSTCODES: dict[tuple[str, str], tuple[float, float]] = {
    ("BE", "9000"): (51.054, 3.717), ("BE", "9040"): (51.062, 3.752),
    ("BE", "2000"): (51.219, 4.402), ("BE", "2060"): (51.226, 4.430),
    ("BE", "1000"): (50.847, 4.357),
    ("NL", "1055"): (52.379, 4.861), ("NL", "1102"): (52.313, 4.958),
    ("NL", "3531"): (52.089, 5.094), ("NL", "2525"): (52.060, 4.289),
    ("NL", "3073"): (51.896, 4.512), ("NL", "3082"): (51.880, 4.466),
    ("NL", "3074"): (51.892, 4.524), ("NL", "3077"): (51.885, 4.545),
    ("DE", "45141"): (51.464, 7.006), ("DE", "47057"): (51.427, 6.800),
    ("DE", "44801"): (51.445, 7.261), ("DE", "80331"): (48.137, 11.575),
    ("DE", "53111"): (50.737, 7.098), ("DE", "50667"): (50.938, 6.960),
    ("DE", "10115"): (52.532, 13.384),
    ("FR", "75019"): (48.887, 2.383), ("FR", "69008"): (45.735, 4.870),
    ("FR", "13014"): (43.345, 5.392), ("FR", "38100"): (45.171, 5.722),
    ("FR", "06300"): (43.701, 7.285),
}

# City centres, keyed by the normalised name (lower case, no accents, "-" as " ").
CITIES: dict[str, tuple[float, float]] = {
    # Belgium
    "antwerpen": (51.219, 4.402), "anvers": (51.219, 4.402), "gent": (51.054, 3.717),
    "ghent": (51.054, 3.717), "gand": (51.054, 3.717), "brussel": (50.847, 4.357),
    "bruxelles": (50.847, 4.357), "leuven": (50.879, 4.701), "liege": (50.633, 5.567),
    "brugge": (51.209, 3.225),
    # Netherlands
    "amsterdam": (52.370, 4.895), "rotterdam": (51.922, 4.479), "den haag": (52.070, 4.300),
    "utrecht": (52.091, 5.122), "eindhoven": (51.441, 5.470), "tilburg": (51.560, 5.091),
    # Germany
    "berlin": (52.520, 13.405), "munchen": (48.137, 11.575), "munich": (48.137, 11.575),
    "koln": (50.938, 6.960), "cologne": (50.938, 6.960), "bonn": (50.737, 7.098),
    "essen": (51.456, 7.012), "duisburg": (51.434, 6.762), "bochum": (51.482, 7.216),
    "hamburg": (53.551, 9.993), "frankfurt am main": (50.110, 8.682),
    # France
    "paris": (48.857, 2.352), "lyon": (45.764, 4.836), "marseille": (43.296, 5.370),
    "grenoble": (45.188, 5.724), "nice": (43.710, 7.262), "lille": (50.629, 3.057),
    "toulouse": (43.605, 1.444),
}


def normalise_city(city: str) -> str:
    text = unicodedata.normalize("NFKD", city.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("-", " ")


def geocode(
    *, country: str = "", postcode: str = "", city: str = "", programme: Programme | None = None
) -> tuple[float, float] | None:
    """Coordinates of a postcode, else of the city (one of the programme's sites first, then
    the built-in table), or None when neither is known."""
    postcode = postcode.replace(" ", "").upper()
    found = POSTCODES.get((country, postcode))
    if found is None and country == "NL" and len(postcode) >= 4:
        found = POSTCODES.get((country, postcode[:4]))  # "3073AB" -> "3073"
    if found is not None or not city.strip():
        return found
    key = normalise_city(city)
    if programme is not None:
        for site in programme.sites.filter(latitude__isnull=False, longitude__isnull=False):
            if normalise_city(site.city) == key and site.latitude is not None and site.longitude is not None:
                return site.latitude, site.longitude
    return CITIES.get(key)
