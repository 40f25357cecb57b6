from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        # Connects the log-in history's signal receivers.
        from tandem.core import accounts  # noqa: F401

