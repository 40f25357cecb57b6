"""School levels per country: a German programme offers Hauptschule to Hochschule, a Dutch one
vmbo to wo, a Belgian one the secondary streams (ASO, TSO, BSO, KSO), a French one collège to
université. Codes are stored; people read each level's name in their language (a Dutch reader
sees "vmbo", a French one "vmbo (secondaire préprofessionnel)").

The generic levels (secondary school, vocational school, apprenticeship, bachelor, master) come
from before levels were per country: records keep them valid, and forms still show such a value
until someone picks a level of the country.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tandem.core.text import fold


class Level(models.TextChoices):
    PRIMARY = "primary", gettext_lazy("Primary school")
    # The Netherlands
    VMBO = "vmbo", gettext_lazy("vmbo (pre-vocational secondary)")
    HAVO = "havo", gettext_lazy("havo (senior general secondary)")
    VWO = "vwo", gettext_lazy("vwo (pre-university secondary)")
    MBO = "mbo", gettext_lazy("mbo (vocational education)")
    HBO = "hbo", gettext_lazy("hbo (university of applied sciences)")
    WO = "wo", gettext_lazy("wo (research university)")
    # Belgium
    ASO = "aso", gettext_lazy("Secondary: general (ASO)")
    TSO = "tso", gettext_lazy("Secondary: technical (TSO)")
    BSO = "bso", gettext_lazy("Secondary: vocational (BSO)")
    KSO = "kso", gettext_lazy("Secondary: arts (KSO)")
    # Germany
    HAUPTSCHULE = "hauptschule", gettext_lazy("Hauptschule (lower secondary)")
    REALSCHULE = "realschule", gettext_lazy("Realschule (intermediate secondary)")
    GYMNASIUM = "gymnasium", gettext_lazy("Gymnasium (academic secondary)")
    GESAMTSCHULE = "gesamtschule", gettext_lazy("Gesamtschule (comprehensive secondary)")
    BERUFSSCHULE = "berufsschule", gettext_lazy("Berufsschule (apprenticeship)")
    HOCHSCHULE = "hochschule", gettext_lazy("Hochschule (university)")
    # France
    COLLEGE = "college", gettext_lazy("collège (lower secondary)")
    LYCEE_GENERAL = "lycee_general", gettext_lazy("lycée général (general upper secondary)")
    LYCEE_PRO = "lycee_pro", gettext_lazy("lycée professionnel (vocational upper secondary)")
    CAP = "cap", gettext_lazy("CAP (vocational certificate)")
    BTS = "bts", gettext_lazy("BTS (higher technician diploma)")
    UNIVERSITE = "universite", gettext_lazy("université (university)")
    # Generic
    SECONDARY = "secondary", pgettext_lazy("a level of education", "Secondary school")
    VOCATIONAL = "vocational", gettext_lazy("Vocational school")
    APPRENTICESHIP = "apprenticeship", gettext_lazy("Apprenticeship")
    BACHELOR = "bachelor", gettext_lazy("Bachelor")
    MASTER = "master", gettext_lazy("Master")
    OTHER = "other", gettext_lazy("Other")


COUNTRY_LEVELS: dict[str, tuple[Level, ...]] = {
    "NL": (Level.PRIMARY, Level.VMBO, Level.HAVO, Level.VWO, Level.MBO, Level.HBO, Level.WO, Level.OTHER),
    "BE": (Level.PRIMARY, Level.ASO, Level.TSO, Level.BSO, Level.KSO, Level.APPRENTICESHIP, Level.BACHELOR,
           Level.MASTER, Level.OTHER),
    "DE": (Level.PRIMARY, Level.HAUPTSCHULE, Level.REALSCHULE, Level.GYMNASIUM, Level.GESAMTSCHULE,
           Level.BERUFSSCHULE, Level.HOCHSCHULE, Level.OTHER),
    "FR": (Level.PRIMARY, Level.COLLEGE, Level.LYCEE_GENERAL, Level.LYCEE_PRO, Level.CAP, Level.BTS,
           Level.UNIVERSITE, Level.OTHER),
}
# Levels learners do as apprentices (the form asks for an employer).
WORK_BASED = frozenset({Level.APPRENTICESHIP, Level.BERUFSSCHULE, Level.CAP, Level.MBO})
# Generic levels recorded before levels were per country → the country's level they meant, where
# that is unambiguous (used by the data migration).
LEGACY: dict[str, dict[str, str]] = {
    "NL": {"vocational": "mbo", "apprenticeship": "mbo", "master": "wo"},
    "BE": {"vocational": "bso"},
    "DE": {"vocational": "berufsschule", "apprenticeship": "berufsschule", "bachelor": "hochschule",
           "master": "hochschule"},
    "FR": {"vocational": "lycee_pro", "apprenticeship": "cap", "bachelor": "universite",
           "master": "universite"},
}


def country_levels(country: str) -> tuple[str, ...]:
    return tuple(str(level) for level in COUNTRY_LEVELS.get(country, tuple(Level)))


def level_choices(country: str, current: str = "") -> list[tuple[str, str]]:
    """The levels of ``country`` for a form, plus the record's ``current`` level if it is
    another one (an old generic level stays selectable until someone changes it)."""
    codes = list(country_levels(country))
    if current and current not in codes and current in Level.values:
        codes.append(current)
    labels = dict(Level.choices)
    return [("", "—"), *[(code, str(labels[code])) for code in codes]]


def _index(codes: Iterable[str]) -> dict[str, str]:
    labels = dict(Level.choices)
    index = {}
    for language in ("en", "nl", "fr", "de"):
        with translation.override(language):
            for code in codes:
                label = str(labels[code])
                index[fold(label)] = code
                index[fold(label.split(" (")[0])] = code  # "vmbo", "Berufsschule"
    index.update({fold(code): code for code in codes})
    return index


def parse_level(country: str) -> Callable[[str], str]:
    """An import column parser: a level of ``country`` by code or by name in any language."""
    codes = country_levels(country)

    def parse(value: str) -> str:
        if not value.strip():
            return ""
        code = _index(codes).get(fold(value))
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a school level here; use one of: %(allowed)s.")
                % {"value": value.strip(), "allowed": ", ".join(codes)}
            )
        return code

    return parse
