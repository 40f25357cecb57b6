from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    # The weeks together: goals, meetings and their logs, preparation and the supervisor's
    # notes, the learner's rating, reminders. Hangs on ``matching.Match``.
    name = "tandem.journal"
    label = "journal"
    verbose_name = _("The weeks together")
