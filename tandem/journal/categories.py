"""The goal categories every programme starts with (issue 12), named in the four languages.

Stored per programme (``GoalCategory``), so a coordinator can rename them, add their own or put
one out of use; the names come from the catalogues once, when the programme's list is seeded.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Programme
from tandem.journal.models import GoalCategory

DEFAULTS = (
    ("homework", _("Homework and study skills")),
    ("language", _("Language of instruction")),
    ("career", _("Career orientation")),
    ("talent", _("Talent development")),
    ("further_education", _("Further education")),
    ("apprenticeship_exam", _("Apprenticeship exam")),
    ("motivation", _("Motivation")),
    ("social_skills", _("Social skills")),
)


def default_categories(programme: Programme) -> list[GoalCategory]:
    rows = []
    for position, (code, label) in enumerate(DEFAULTS):
        labels = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                labels[f"label_{language}"] = str(label)
        rows.append(GoalCategory(programme=programme, code=code, position=position * 10, **labels))
    return rows


def categories_seed(*, programme: Programme) -> None:
    """Give a programme the default categories once (programmes made before the journal, or
    outside the services, have none yet). Safe to call on every request."""
    if not GoalCategory.objects.filter(programme=programme).exists():
        GoalCategory.objects.bulk_create(default_categories(programme), ignore_conflicts=True)
