"""Realistic synthetic problems for tests and benchmarks.

People live in real cities of the Netherlands, Belgium, France and Germany
(drawn in proportion to the metro population, scattered around the centre, a
share of them rural), speak the country's language plus the home languages of
each country's main migrant communities, want help in vocational and school
fields whose popularity differs between learners and mentors, and are free at
times that depend on who they are (pupils after school, students in the
afternoon, seniors in the morning, working people in the evening). That mix is
what makes matching hard: dense cities, minority languages, scarce fields.

Everything is drawn from one ``numpy`` generator seeded by ``seed``: the same
arguments always give the same problem.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from .geo import unit_vectors
from .model import Criteria, Exclusion, FieldLabel, Learner, Mentor, Problem
from .slots import DAYS, PARTS

ROUND_DATE = date(2026, 9, 1)

# name, country, base languages, latitude, longitude, metro population (thousands)
CITIES: tuple[tuple[str, str, str, float, float, int], ...] = (
    ("Amsterdam", "NL", "nl", 52.370, 4.895, 1500),
    ("Rotterdam", "NL", "nl", 51.922, 4.479, 1200),
    ("The Hague", "NL", "nl", 52.070, 4.300, 1000),
    ("Utrecht", "NL", "nl", 52.091, 5.122, 650),
    ("Eindhoven", "NL", "nl", 51.441, 5.470, 450),
    ("Nijmegen", "NL", "nl", 51.842, 5.853, 300),
    ("Tilburg", "NL", "nl", 51.556, 5.091, 270),
    ("Groningen", "NL", "nl", 53.219, 6.567, 250),
    ("Haarlem", "NL", "nl", 52.387, 4.646, 230),
    ("Almere", "NL", "nl", 52.350, 5.265, 220),
    ("Enschede", "NL", "nl", 52.222, 6.894, 200),
    ("Arnhem", "NL", "nl", 51.985, 5.899, 200),
    ("Leiden", "NL", "nl", 52.160, 4.497, 200),
    ("Breda", "NL", "nl", 51.589, 4.776, 190),
    ("Maastricht", "NL", "nl", 50.851, 5.691, 180),
    ("Apeldoorn", "NL", "nl", 52.211, 5.970, 165),
    ("'s-Hertogenbosch", "NL", "nl", 51.699, 5.304, 160),
    ("Amersfoort", "NL", "nl", 52.156, 5.388, 160),
    ("Zwolle", "NL", "nl", 52.516, 6.083, 130),
    ("Leeuwarden", "NL", "nl", 53.201, 5.800, 125),
    ("Brussels", "BE", "fr+nl", 50.850, 4.352, 2100),
    ("Antwerp", "BE", "nl", 51.219, 4.402, 1100),
    ("Liège", "BE", "fr", 50.633, 5.567, 600),
    ("Ghent", "BE", "nl", 51.054, 3.717, 550),
    ("Charleroi", "BE", "fr", 50.411, 4.444, 400),
    ("Bruges", "BE", "nl", 51.209, 3.224, 120),
    ("Namur", "BE", "fr", 50.467, 4.867, 110),
    ("Leuven", "BE", "nl", 50.880, 4.700, 100),
    ("Mons", "BE", "fr", 50.454, 3.952, 95),
    ("Mechelen", "BE", "nl", 51.026, 4.478, 87),
    ("Hasselt", "BE", "nl", 50.931, 5.338, 80),
    ("Kortrijk", "BE", "nl", 50.828, 3.265, 80),
    ("Paris", "FR", "fr", 48.857, 2.352, 11000),
    ("Lyon", "FR", "fr", 45.764, 4.836, 2300),
    ("Marseille", "FR", "fr", 43.296, 5.370, 1900),
    ("Lille", "FR", "fr", 50.629, 3.057, 1500),
    ("Toulouse", "FR", "fr", 43.605, 1.444, 1400),
    ("Bordeaux", "FR", "fr", 44.838, -0.579, 1300),
    ("Nice", "FR", "fr", 43.710, 7.262, 1000),
    ("Nantes", "FR", "fr", 47.218, -1.554, 1000),
    ("Strasbourg", "FR", "fr", 48.573, 7.752, 850),
    ("Montpellier", "FR", "fr", 43.611, 3.877, 800),
    ("Rennes", "FR", "fr", 48.117, -1.678, 750),
    ("Grenoble", "FR", "fr", 45.188, 5.724, 700),
    ("Rouen", "FR", "fr", 49.443, 1.099, 660),
    ("Toulon", "FR", "fr", 43.124, 5.928, 600),
    ("Saint-Étienne", "FR", "fr", 45.440, 4.387, 520),
    ("Tours", "FR", "fr", 47.394, 0.685, 500),
    ("Clermont-Ferrand", "FR", "fr", 45.778, 3.087, 500),
    ("Orléans", "FR", "fr", 47.902, 1.909, 450),
    ("Avignon", "FR", "fr", 43.949, 4.806, 450),
    ("Nancy", "FR", "fr", 48.692, 6.184, 430),
    ("Caen", "FR", "fr", 49.183, -0.371, 420),
    ("Angers", "FR", "fr", 47.478, -0.563, 420),
    ("Metz", "FR", "fr", 49.120, 6.176, 390),
    ("Dijon", "FR", "fr", 47.322, 5.041, 390),
    ("Le Mans", "FR", "fr", 48.006, 0.199, 350),
    ("Le Havre", "FR", "fr", 49.494, 0.108, 330),
    ("Reims", "FR", "fr", 49.258, 4.032, 320),
    ("Brest", "FR", "fr", 48.390, -4.486, 320),
    ("Perpignan", "FR", "fr", 42.699, 2.895, 320),
    ("Amiens", "FR", "fr", 49.894, 2.296, 300),
    ("Limoges", "FR", "fr", 45.834, 1.262, 300),
    ("Mulhouse", "FR", "fr", 47.750, 7.336, 280),
    ("Poitiers", "FR", "fr", 46.580, 0.340, 260),
    ("Pau", "FR", "fr", 43.295, -0.371, 240),
    ("Berlin", "DE", "de", 52.520, 13.405, 4500),
    ("Hamburg", "DE", "de", 53.551, 9.994, 2700),
    ("Munich", "DE", "de", 48.137, 11.576, 2900),
    ("Stuttgart", "DE", "de", 48.776, 9.183, 2700),
    ("Frankfurt", "DE", "de", 50.110, 8.682, 2300),
    ("Cologne", "DE", "de", 50.938, 6.960, 2000),
    ("Düsseldorf", "DE", "de", 51.228, 6.773, 1500),
    ("Nuremberg", "DE", "de", 49.452, 11.077, 1300),
    ("Dortmund", "DE", "de", 51.514, 7.466, 1200),
    ("Essen", "DE", "de", 51.456, 7.012, 1200),
    ("Hanover", "DE", "de", 52.376, 9.732, 1200),
    ("Leipzig", "DE", "de", 51.340, 12.375, 1000),
    ("Dresden", "DE", "de", 51.050, 13.738, 1000),
    ("Bremen", "DE", "de", 53.079, 8.802, 1000),
    ("Duisburg", "DE", "de", 51.434, 6.762, 900),
    ("Mannheim", "DE", "de", 49.487, 8.466, 800),
    ("Bochum", "DE", "de", 51.482, 7.216, 700),
    ("Karlsruhe", "DE", "de", 49.007, 8.404, 700),
    ("Bonn", "DE", "de", 50.737, 7.098, 600),
    ("Aachen", "DE", "de", 50.776, 6.084, 550),
    ("Bielefeld", "DE", "de", 52.021, 8.535, 500),
    ("Augsburg", "DE", "de", 48.370, 10.898, 500),
    ("Wiesbaden", "DE", "de", 50.078, 8.240, 500),
    ("Saarbrücken", "DE", "de", 49.240, 6.997, 450),
    ("Münster", "DE", "de", 51.961, 7.626, 400),
    ("Mönchengladbach", "DE", "de", 51.185, 6.442, 400),
    ("Kiel", "DE", "de", 54.323, 10.123, 400),
    ("Chemnitz", "DE", "de", 50.833, 12.925, 400),
    ("Braunschweig", "DE", "de", 52.269, 10.521, 400),
    ("Freiburg", "DE", "de", 47.999, 7.842, 400),
    ("Mainz", "DE", "de", 49.993, 8.247, 400),
    ("Kassel", "DE", "de", 51.312, 9.480, 400),
    ("Magdeburg", "DE", "de", 52.121, 11.628, 350),
    ("Erfurt", "DE", "de", 50.978, 11.029, 300),
    ("Würzburg", "DE", "de", 49.792, 9.954, 300),
    ("Regensburg", "DE", "de", 49.013, 12.102, 300),
    ("Ulm", "DE", "de", 48.401, 9.988, 300),
    ("Osnabrück", "DE", "de", 52.279, 8.047, 300),
    ("Heidelberg", "DE", "de", 49.398, 8.672, 300),
    ("Rostock", "DE", "de", 54.092, 12.099, 250),
)

# Countryside bounding boxes (lat min, lat max, lon min, lon max) and language.
COUNTRYSIDE: dict[str, tuple[float, float, float, float, str]] = {
    "NL": (51.4, 53.3, 4.5, 6.9, "nl"),
    "BE": (49.8, 51.2, 3.0, 5.9, "nl+fr"),
    "FR": (43.5, 50.5, -1.0, 6.5, "fr"),
    "DE": (48.0, 54.0, 7.0, 13.5, "de"),
}

# Home languages of each country's larger migrant communities: share of young people.
HOME_LANGUAGES: dict[str, dict[str, float]] = {
    "NL": {"tr": .05, "ar": .04, "ber": .03, "pl": .02, "en": .02, "pap": .01, "srn": .01,
           "ti": .01, "uk": .01, "so": .005, "fa": .005, "zh": .005},
    "BE": {"ar": .05, "ber": .03, "tr": .03, "it": .02, "ro": .02, "pl": .02, "es": .01,
           "pt": .01, "ln": .01, "en": .01, "ps": .005},
    "FR": {"ar": .07, "ber": .02, "pt": .02, "es": .01, "it": .01, "tr": .01, "wo": .01,
           "bm": .01, "ro": .01, "en": .01, "vi": .005, "zh": .005, "uk": .005},
    "DE": {"tr": .06, "ar": .04, "ru": .03, "pl": .02, "uk": .02, "ro": .015, "ku": .01,
           "fa": .01, "it": .01, "bs": .01, "sr": .01, "sq": .01, "en": .01, "el": .005,
           "prs": .005},
}

COMMUNITY: dict[str, str] = {
    "ar": "Arab", "ber": "Amazigh", "bm": "Malian", "bs": "Bosnian", "el": "Greek",
    "en": "English-speaking", "es": "Spanish", "fa": "Iranian", "it": "Italian", "ku": "Kurdish",
    "ln": "Congolese", "pap": "Antillean", "pl": "Polish", "prs": "Afghan", "ps": "Afghan",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian-speaking", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "srn": "Surinamese", "ti": "Eritrean", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "wo": "Senegalese", "zh": "Chinese",
}

# code, mentor label, learner label, learners' demand, mentors' supply
FIELDS: tuple[tuple[str, str, str, float, float], ...] = (
    ("electrical", "electrician", "wants an electrical apprenticeship", 6, 7),
    ("plumbing", "plumber and heating engineer", "wants a plumbing apprenticeship", 3, 3),
    ("automotive", "car mechanic", "wants to become a car mechanic", 7, 4),
    ("carpentry", "carpenter", "wants a carpentry apprenticeship", 3, 3),
    ("construction", "site manager", "wants to work in construction", 4, 5),
    ("metalwork", "metalworker", "wants a metalworking apprenticeship", 2, 4),
    ("hospitality", "works in hospitality", "wants to work in hotels and restaurants", 5, 3),
    ("cooking", "chef", "wants to become a cook", 4, 2),
    ("retail", "works in retail", "wants a retail apprenticeship", 5, 3),
    ("logistics", "logistics manager", "wants to work in logistics", 3, 3),
    ("care", "nurse", "wants to work in care", 6, 5),
    ("childcare", "teacher", "wants to work with children", 4, 6),
    ("hairdressing", "hairdresser", "wants to become a hairdresser", 4, 1),
    ("office", "accountant", "wants an office apprenticeship", 4, 8),
    ("it", "IT professional", "wants to work in IT", 8, 6),
    ("media", "designer", "wants to work in media and design", 4, 3),
    ("agriculture", "gardener", "wants to work in agriculture or gardening", 1, 2),
    ("engineering", "engineer", "wants to study engineering", 3, 7),
    ("maths", "good at maths", "needs help with maths", 8, 7),
    ("language", "language teacher", "needs help with the language of instruction", 7, 5),
    ("study-skills", "study coach", "needs help with study skills", 8, 6),
    ("science", "scientist", "needs help with sciences", 3, 4),
)

GENERATED_CRITERIA = Criteria()


@dataclass(frozen=True, slots=True)
class _Places:
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    country: NDArray[np.str_]
    base: NDArray[np.str_]  # "nl", "fr+nl", ...
    density: NDArray[np.float64]  # how big the place is: drives home-language shares


def _places(rng: np.random.Generator, n: int, rural_share: float = 0.08) -> _Places:
    pops = np.array([c[5] for c in CITIES], dtype=np.float64)
    city = rng.choice(len(CITIES), size=n, p=pops / pops.sum())
    # Metro areas spread with their size; a fifth of people live in the outer ring.
    sigma_km = 2.0 + np.sqrt(pops[city] / 100.0)
    sigma_km = sigma_km * np.where(rng.random(n) < 0.2, 2.0, 1.0)
    lat0 = np.array([c[3] for c in CITIES])[city]
    lon0 = np.array([c[4] for c in CITIES])[city]
    lat = lat0 + rng.normal(size=n) * sigma_km / 111.2
    lon = lon0 + rng.normal(size=n) * sigma_km / (111.2 * np.cos(np.radians(lat0)))
    country = np.array([c[1] for c in CITIES])[city]
    base = np.array([c[2] for c in CITIES])[city]
    density = np.clip(np.sqrt(pops[city] / 500.0), 0.5, 2.0)

    rural = rng.random(n) < rural_share
    names = sorted(COUNTRYSIDE)
    weights = np.array([sum(c[5] for c in CITIES if c[1] == name) for name in names], float)
    pick = rng.choice(len(names), size=n, p=weights / weights.sum())
    boxes = np.array([COUNTRYSIDE[name][:4] for name in names])[pick]
    lat = np.where(rural, boxes[:, 0] + rng.random(n) * (boxes[:, 1] - boxes[:, 0]), lat)
    lon = np.where(rural, boxes[:, 2] + rng.random(n) * (boxes[:, 3] - boxes[:, 2]), lon)
    country = np.where(rural, np.array(names)[pick], country)
    base = np.where(rural, np.array([COUNTRYSIDE[name][4] for name in names])[pick], base)
    density = np.where(rural, 0.5, density)
    return _Places(np.round(lat, 5), np.round(lon, 5), country, base, density)


def _base_languages(rng: np.random.Generator, base: NDArray[np.str_]) -> list[list[str]]:
    roll = rng.random(base.size)
    out: list[list[str]] = []
    for code, r in zip(base.tolist(), roll.tolist(), strict=True):
        if "+" not in code:
            out.append([code])
            continue
        first, second = code.split("+")
        # Bilingual areas: most people use one language, a fifth both.
        out.append([first, second] if r < 0.2 else [first] if r < 0.75 else [second])
    return out


def _home_languages(rng: np.random.Generator, places: _Places, factor: float) -> list[str | None]:
    """Each person's home language, or None, with the country's community shares."""
    roll = rng.random(places.lat.size) / (places.density * factor)
    out: list[str | None] = [None] * roll.size
    for country, table in HOME_LANGUAGES.items():
        rows = np.flatnonzero(places.country == country)
        codes = list(table)
        bounds = np.cumsum(list(table.values()))
        picked = np.searchsorted(bounds, roll[rows], side="right")
        for row, index in zip(rows.tolist(), picked.tolist(), strict=True):
            if index < len(codes):
                out[row] = codes[index]
    return out


def _pick_bits(rng: np.random.Generator, weights: NDArray[np.float64], counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Per row, a bit mask of ``count`` distinct items drawn by weight (Gumbel top-k)."""
    keys = np.log(weights)[None, :] + rng.gumbel(size=(counts.size, weights.size))
    order = np.argsort(-keys, axis=1)
    take = np.arange(weights.size)[None, :] < counts[:, None]
    bits = np.zeros((counts.size, weights.size), dtype=np.int64)
    np.put_along_axis(bits, order, take.astype(np.int64), axis=1)
    return bits @ (np.int64(1) << np.arange(weights.size, dtype=np.int64))


def _slot_masks(rng: np.random.Generator, profiles: NDArray[np.float64], at_least: int) -> NDArray[np.int64]:
    """Free slots per person from per-person slot probabilities (rows of ``profiles``)."""
    chosen = rng.random(profiles.shape) < profiles
    powers = np.int64(1) << np.arange(profiles.shape[1], dtype=np.int64)
    masks = chosen.astype(np.int64) @ powers
    # Everybody offers at least a couple of slots, drawn from the same profile.
    short = np.flatnonzero(chosen.sum(axis=1) < at_least)
    for row in short.tolist():
        extra = _pick_bits(rng, profiles[row], np.array([at_least]))
        masks[row] |= int(extra[0])
    return masks


class _Decoder:
    """Bit masks back to code tuples, each distinct mask decoded once."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = codes
        self.cache: dict[int, tuple[str, ...]] = {}

    def __call__(self, mask: int) -> tuple[str, ...]:
        found = self.cache.get(mask)
        if found is None:
            found = tuple(code for i, code in enumerate(self.codes) if mask >> i & 1)
            self.cache[mask] = found
        return found


def _slot_profile(weekday: tuple[float, float, float], weekend: tuple[float, float, float]) -> NDArray[np.float64]:
    return np.array([*(weekday * 5), *(weekend * 2)], dtype=np.float64)


PUPIL_SLOTS = _slot_profile((0.03, 0.35, 0.30), (0.20, 0.30, 0.10))
STUDENT_SLOTS = _slot_profile((0.10, 0.35, 0.30), (0.15, 0.20, 0.15))
SENIOR_SLOTS = _slot_profile((0.45, 0.40, 0.08), (0.10, 0.15, 0.05))
WORKING_SLOTS = _slot_profile((0.02, 0.05, 0.40), (0.35, 0.40, 0.15))

_SLOT_CODES = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)
_FIELD_CODES = tuple(f[0] for f in FIELDS)


def _learners(rng: np.random.Generator, n: int, width: int) -> list[Learner]:
    places = _places(rng, n)
    demand = np.array([f[3] for f in FIELDS], float)
    needs = _pick_bits(rng, demand / demand.sum(), rng.integers(1, 3, size=n))
    slots = _slot_masks(rng, np.broadcast_to(PUPIL_SLOTS, (n, PUPIL_SLOTS.size)), 2)
    homes = _home_languages(rng, places, 1.0)
    bases = _base_languages(rng, places.base)
    newcomer, english = rng.random(n) < 0.15, rng.random(n) < 0.4
    gender = rng.choice(np.array(["F", "M", "X"]), size=n, p=(0.48, 0.49, 0.03))
    asks = rng.random(n)
    preference = np.where((gender != "M") & (asks < 0.3), "F", np.where((gender == "M") & (asks < 0.1), "M", ""))
    ages = np.clip(rng.normal(17, 2.5, size=n), 12, 25).astype(int)
    waited = np.minimum(rng.exponential(120.0, size=n), 730).astype(int)
    slot_codes, field_codes = _Decoder(_SLOT_CODES), _Decoder(_FIELD_CODES)
    learners = []
    for i in range(n):
        home = homes[i]
        languages = bases[i]
        # Recent newcomers speak only their home language, some English too.
        if home is not None and newcomer[i]:
            languages = ["en"] if english[i] else []
        if home is not None:
            languages = [*languages, home]
        learners.append(
            Learner(
                id=f"L{i + 1:0{width}d}",
                latitude=float(places.lat[i]),
                longitude=float(places.lon[i]),
                languages=tuple(sorted(set(languages))),
                needs=field_codes(int(needs[i])),
                availability=slot_codes(int(slots[i])),
                gender_preference=str(preference[i]) or None,
                age=int(ages[i]),
                waiting_since=ROUND_DATE - timedelta(days=int(waited[i])),
                background=(COMMUNITY[home],) if home is not None and home != "en" else (),
            )
        )
    return learners


_PERSONAS = (
    # share, slot profile, age range
    (0.40, STUDENT_SLOTS, (19, 27)),
    (0.25, WORKING_SLOTS, (28, 59)),
    (0.35, SENIOR_SLOTS, (60, 76)),
)


def _mentors(rng: np.random.Generator, n: int, width: int, capacity: tuple[int, int]) -> list[Mentor]:
    places = _places(rng, n)
    supply = np.array([f[4] for f in FIELDS], float)
    expertise = _pick_bits(rng, supply / supply.sum(), rng.integers(1, 4, size=n))
    persona = rng.choice(len(_PERSONAS), size=n, p=[p[0] for p in _PERSONAS])
    profiles = np.stack([p[1] for p in _PERSONAS])[persona]
    slots = _slot_masks(rng, profiles, 2)
    low = np.array([p[2][0] for p in _PERSONAS])[persona]
    high = np.array([p[2][1] for p in _PERSONAS])[persona]
    ages = rng.integers(low, high + 1)
    bases = _base_languages(rng, places.base)
    english = rng.random(n) < 0.6
    # Volunteers with a migrant background are fewer than learners with one:
    # that scarcity is why home-language matches are worth points.
    homes = _home_languages(rng, places, 0.6)
    gender = rng.choice(np.array(["F", "M", "X"]), size=n, p=(0.55, 0.43, 0.02))
    capacities = rng.integers(capacity[0], capacity[1] + 1, size=n)
    slot_codes, field_codes = _Decoder(_SLOT_CODES), _Decoder(_FIELD_CODES)
    mentors = []
    for i in range(n):
        home = homes[i]
        languages = bases[i] + (["en"] if english[i] else []) + ([home] if home else [])
        mentors.append(
            Mentor(
                id=f"M{i + 1:0{width}d}",
                latitude=float(places.lat[i]),
                longitude=float(places.lon[i]),
                languages=tuple(sorted(set(languages))),
                expertise=field_codes(int(expertise[i])),
                availability=slot_codes(int(slots[i])),
                capacity=int(capacities[i]),
                gender=str(gender[i]),
                age=int(ages[i]),
                background=(COMMUNITY[home],) if home is not None and home != "en" else (),
            )
        )
    return mentors


def _exclusions(rng: np.random.Generator, learners: list[Learner], mentors: list[Mentor], share: float) -> tuple[Exclusion, ...]:
    """Declined pairs: a learner and one of their nearest mentors said no before."""
    if not learners or not mentors or share <= 0:
        return ()
    tree = cKDTree(unit_vectors(np.array([m.latitude for m in mentors]), np.array([m.longitude for m in mentors])))
    chosen = np.flatnonzero(rng.random(len(learners)) < share)
    if chosen.size == 0:
        return ()
    points = unit_vectors(
        np.array([learners[i].latitude for i in chosen]), np.array([learners[i].longitude for i in chosen])
    )
    _, near = tree.query(points, k=min(5, len(mentors)))
    near = np.asarray(near).reshape(len(chosen), -1)
    pick = near[np.arange(len(chosen)), rng.integers(0, near.shape[1], size=len(chosen))]
    return tuple(
        Exclusion(learner_id=learners[i].id, mentor_id=mentors[j].id, reason="declined before")
        for i, j in zip(chosen, pick, strict=True)
    )


def generate_problem(
    *,
    mentors: int,
    learners: int,
    seed: int = 0,
    capacity: tuple[int, int] = (1, 1),
    criteria: Criteria = GENERATED_CRITERIA,
    exclusion_share: float = 0.01,
) -> Problem:
    """A synthetic problem; the same arguments always give the same problem."""
    rng = np.random.default_rng(seed)
    width = len(str(max(mentors, learners, 1)))
    learner_list = _learners(rng, learners, width)
    mentor_list = _mentors(rng, mentors, width, capacity)
    return Problem(
        mentors=tuple(mentor_list),
        learners=tuple(learner_list),
        criteria=criteria,
        exclusions=_exclusions(rng, learner_list, mentor_list, exclusion_share),
        as_of=ROUND_DATE,
        fields={code: FieldLabel(mentor=m, learner=lrn) for code, m, lrn, _, _ in FIELDS},
    )


# Towns of the tie-heavy rounds: close enough that many pairs are within reach.
_TIED_TOWNS = ((50.850, 4.352), (50.880, 4.700), (51.026, 4.478), (50.935, 4.040), (51.054, 3.717))


def generate_tied_problem(
    *,
    mentors: int,
    learners: int,
    seed: int = 0,
    capacity: tuple[int, int] = (1, 3),
    towns: int = 4,
    languages: int = 2,
    isolated_share: float = 0.02,
    exclusion_share: float = 0.02,
) -> Problem:
    """A round full of ties, where a sparse candidate graph goes wrong most easily.

    Everybody lives at the centre of one of a few towns (so distances tie),
    speaks one or two of a few languages, needs or offers one or two of three
    fields, is free in one of a few weekly patterns, and signed up on one of a
    few dates. Mentors take 1–3 learners; some learners speak a language no
    mentor speaks, so nobody can take them; a few pairs are excluded.
    """
    rng = np.random.default_rng(seed)
    width = len(str(max(mentors, learners, 1)))
    places = _TIED_TOWNS[: max(1, min(towns, len(_TIED_TOWNS)))]
    codes = ("nl", "fr", "en", "de")[: max(1, min(languages, 4))]
    fields = ("electrical", "care", "maths")
    patterns = (("tue-evening", "thu-evening"), ("sat-morning",), ("mon-afternoon", "wed-afternoon", "fri-afternoon"))
    dates = (date(2025, 9, 1), date(2026, 1, 1), date(2026, 6, 1))

    def some(values: tuple[str, ...]) -> tuple[str, ...]:
        count = int(rng.integers(1, min(2, len(values)) + 1))
        return tuple(sorted(str(v) for v in rng.choice(values, size=count, replace=False)))

    mentor_list = []
    for i in range(mentors):
        lat, lon = places[int(rng.integers(len(places)))]
        mentor_list.append(Mentor(
            id=f"M{i + 1:0{width}d}", latitude=lat, longitude=lon, languages=some(codes), expertise=some(fields),
            availability=patterns[int(rng.integers(len(patterns)))],
            capacity=int(rng.integers(capacity[0], capacity[1] + 1)),
            gender=("female", "male")[int(rng.integers(2))], age=int(rng.choice((25, 40, 60))),
        ))
    learner_list = []
    for i in range(learners):
        lat, lon = places[int(rng.integers(len(places)))]
        isolated = rng.random() < isolated_share
        learner_list.append(Learner(
            id=f"L{i + 1:0{width}d}", latitude=lat, longitude=lon,
            languages=("xx",) if isolated else some(codes), needs=some(fields),
            availability=patterns[int(rng.integers(len(patterns)))],
            gender_preference=(None, None, "female")[int(rng.integers(3))], age=int(rng.choice((14, 17, 20))),
            waiting_since=dates[int(rng.integers(len(dates)))],
        ))
    return Problem(
        mentors=tuple(mentor_list), learners=tuple(learner_list), criteria=GENERATED_CRITERIA,
        exclusions=_exclusions(rng, learner_list, mentor_list, exclusion_share), as_of=ROUND_DATE,
        fields={code: FieldLabel(mentor=m, learner=lrn) for code, m, lrn, _, _ in FIELDS},
    )
