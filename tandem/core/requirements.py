"""The requirements and criteria a programme sets, with their defaults.

Stored as JSON on ``Programme.requirements`` so later capabilities (screening, training, consent,
matching) can read them without a migration per option. Unknown keys are rejected by
:func:`validate_requirements` so a typo cannot silently switch a safeguard off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from tandem.core.models import Programme

# Age under which a guardian must consent (GDPR art. 8 as each country implemented it).
DIGITAL_CONSENT_AGE = {"BE": 13, "FR": 15, "NL": 16, "DE": 16}

# The safeguarding certificate each country's volunteers show (recorded as seen, never copied).
SAFEGUARDING_CERTIFICATE = {
    "NL": "VOG (Verklaring Omtrent het Gedrag)",
    "BE": "Uittreksel strafregister model 2 / Extrait de casier judiciaire modèle 2",
    "FR": "bulletin n°\u00a03 du casier judiciaire",  # read after "votre": lower case, n° 3
    "DE": "erweitertes Führungszeugnis",  # read after "ein aktuelles", "dein": lower case
}

DEFAULTS: dict[str, Any] = {
    "digital_consent_age": None,  # None: the country's age from DIGITAL_CONSENT_AGE
    "certificate_valid_months": 36,
    "training_hours_required": 2,  # MENTOR's Elements ask for at least two hours
    "interview_required": True,
    "references_required": 1,
    "safeguarding_certificate_required": True,
    "self_registration": False,  # may learners register themselves (adults, students)?
    "meet_at_school": False,  # first meeting and sessions at school during school time
    "supervisor_feedback_per_session": False,
    "max_distance_km": 25,
    "mentor_capacity": 1,  # learners per mentor; > 1 for learning communities
    "role_model_matching": False,
    # Retention periods in months (tandem.core.privacy.Period; docs/privacy.md).
    "retention_applicants_months": 6,
    "retention_volunteers_months": 24,
    "retention_learners_months": 24,
    "retention_certificate_months": 0,
    "retention_special_category_months": 0,
    "retention_free_text_months": 12,
    "retention_access_log_months": 24,
}
RETENTION_KEYS = tuple(key for key in DEFAULTS if key.startswith("retention_"))

_TYPES: dict[str, tuple[type, ...]] = {
    "digital_consent_age": (int, type(None)),
    "certificate_valid_months": (int,),
    "training_hours_required": (int, float),
    "interview_required": (bool,),
    "references_required": (int,),
    "safeguarding_certificate_required": (bool,),
    "self_registration": (bool,),
    "meet_at_school": (bool,),
    "supervisor_feedback_per_session": (bool,),
    "max_distance_km": (int, float),
    "mentor_capacity": (int,),
    "role_model_matching": (bool,),
    **dict.fromkeys(RETENTION_KEYS, (int,)),
}


# Sensible ranges for the numbers (inclusive), so a typo cannot give every mentor 5,000 places.
_RANGES: dict[str, tuple[float, float]] = {
    "digital_consent_age": (0, 21),
    "certificate_valid_months": (1, 240),
    "training_hours_required": (0, 1000),
    "references_required": (0, 20),
    "max_distance_km": (0, 2000),
    "mentor_capacity": (1, 50),  # tandem.core.inputs.MENTOR_CAPACITY_MAX
    **dict.fromkeys(RETENTION_KEYS, (0, 120)),
}


LABELS = {
    "digital_consent_age": gettext_lazy("age of digital consent"),
    "certificate_valid_months": gettext_lazy("months a safeguarding certificate stays valid"),
    "training_hours_required": gettext_lazy("hours of training required"),
    "interview_required": gettext_lazy("interview required"),
    "references_required": gettext_lazy("references required"),
    "safeguarding_certificate_required": gettext_lazy("safeguarding certificate required"),
    "self_registration": gettext_lazy("learners may register themselves"),
    "meet_at_school": gettext_lazy("meetings at school, during school time"),
    "supervisor_feedback_per_session": gettext_lazy("supervisor's feedback after each session"),
    "max_distance_km": gettext_lazy("greatest distance in km"),
    "mentor_capacity": gettext_lazy("learners per mentor"),
    "role_model_matching": gettext_lazy("role-model matching"),
    "retention_applicants_months": gettext_lazy("months applicants not accepted are kept"),
    "retention_volunteers_months": gettext_lazy("months former volunteers are kept"),
    "retention_learners_months": gettext_lazy("months former learners are kept"),
    "retention_certificate_months": gettext_lazy(
        "months the criminal-record check is kept after the engagement"),
    "retention_special_category_months": gettext_lazy(
        "months special-category data is kept after the participation"),
    "retention_free_text_months": gettext_lazy("months notes are kept after the participation"),
    "retention_access_log_months": gettext_lazy("months the record of who opened a record is kept"),
}


def requirements_text(value: Any) -> str:
    """A stored set of requirements as words, for the audit log: "interview required: yes; …"."""
    from tandem.core.history import number
    from tandem.core.text import label_value, semicolons

    if not isinstance(value, dict):
        return str(value)
    if not value:
        return "—"
    default = _("the country's default")
    return semicolons(
        label_value(LABELS.get(key, key), default if item is None else number(item))
        for key, item in value.items()
    )


def requirement(programme: Programme, key: str) -> Any:
    """The programme's value for ``key``, falling back to the default for its country."""
    if key not in DEFAULTS:
        raise KeyError(key)
    value = (programme.requirements or {}).get(key, DEFAULTS[key])
    if key == "digital_consent_age" and value is None:
        return DIGITAL_CONSENT_AGE.get(programme.country, 16)
    return value


# Where a country's certificate has a name in the reader's language, that name alone: a Flemish
# volunteer read "Uittreksel strafregister model 2 / Extrait de casier judiciaire modèle 2" (the
# French half meant nothing to them). Written to be read inside a sentence ("je …", "votre …").
SAFEGUARDING_CERTIFICATE_IN = {
    "BE": {"nl": "uittreksel uit het strafregister (model 2)",
           "fr": "extrait de casier judiciaire (modèle 2)"},
}


def safeguarding_certificate_name(country: str) -> str:
    """The certificate's name in the active language where the country has one, else its name."""
    language = (get_language() or "").split("-")[0]
    return SAFEGUARDING_CERTIFICATE_IN.get(country, {}).get(language) or SAFEGUARDING_CERTIFICATE.get(country, "")


def validate_requirements(data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in DEFAULTS:
            raise ValidationError(_("Unknown programme requirement “%(key)s”.") % {"key": key})
        # bool is a subclass of int: refuse True where a number is expected.
        if not isinstance(value, _TYPES[key]) or (
            isinstance(value, bool) and bool not in _TYPES[key]
        ):
            raise ValidationError(
                _("Programme requirement “%(key)s” has the wrong type.") % {"key": key}
            )
        bounds = _RANGES.get(key)
        if bounds is not None and isinstance(value, int | float) and not bounds[0] <= value <= bounds[1]:
            low, high = bounds
            raise ValidationError(
                _("Programme requirement “%(key)s” must be between %(low)s and %(high)s.")
                % {"key": key, "low": f"{low:g}", "high": f"{high:g}"}
            )
