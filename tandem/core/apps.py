from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from django.db.models import fields

        # The empty choice of every select list. Django's own catalogues lack it in Dutch and
        # German; ours has it in every language (Django 6.1 asks apps to override it here).
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

        # Connects the log-in history's signal receivers.
        from tandem.core import accounts  # noqa: F401

        # Worker log lines name the task they run (tandem/core/observability.py).
        from tandem.core.observability import connect_task_signals

        connect_task_signals()

        # French dates in words read "1er août" on the first of a month (tandem/core/dates.py).
        from tandem.core import dates

        dates.install()
