from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    # The Django side of matching (rounds, proposals, matches). The engine in ``engine/`` is pure
    # Python and imports nothing from here or from Django.
    name = "tandem.matching"
    label = "matching"
    verbose_name = _("Matching and matches")
