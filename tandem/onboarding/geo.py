"""Coordinates for a postcode or city without an external geocoding service.

A small built-in table of the cities and postcodes the programmes work in; anything else gets no
coordinates and the coordinator can type them on the volunteer's page. Matching only needs them
to within a kilometre or two.
"""

from __future__ import annotations

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

# city (lower case) -> (latitude, longitude): the centre, when the postcode is unknown
CITIES: dict[str, tuple[float, float]] = {
    "gent": (51.054, 3.717), "ghent": (51.054, 3.717), "antwerpen": (51.219, 4.402),
    "brussel": (50.847, 4.357), "bruxelles": (50.847, 4.357), "liège": (50.633, 5.567),
    "amsterdam": (52.370, 4.895), "utrecht": (52.089, 5.094), "den haag": (52.070, 4.300),
    "rotterdam": (51.922, 4.479),
    "essen": (51.456, 7.012), "duisburg": (51.435, 6.763), "bochum": (51.482, 7.216),
    "münchen": (48.137, 11.575), "munich": (48.137, 11.575), "bonn": (50.737, 7.098),
    "köln": (50.938, 6.960), "cologne": (50.938, 6.960), "berlin": (52.520, 13.405),
    "paris": (48.857, 2.352), "lyon": (45.764, 4.836), "marseille": (43.297, 5.370),
    "grenoble": (45.188, 5.724), "nice": (43.710, 7.262),
}


def geocode(*, country: str, postcode: str, city: str) -> tuple[float, float] | None:
    """The coordinates of a postcode (else of the city), or None if neither is known."""
    found = POSTCODES.get((country, postcode.replace(" ", "").upper()))
    if found is None and country == "NL" and len(postcode) >= 4:
        found = POSTCODES.get((country, postcode[:4]))  # "3073 AB" -> "3073"
    return found or CITIES.get(city.strip().lower())
