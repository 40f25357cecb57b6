from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    # Results: survey instruments and waves, school indicators, dashboards, the equal-participation
    # monitor and funder reports. Reads the journal and matching; writes only its own tables.
    name = "tandem.outcomes"
    label = "outcomes"
    verbose_name = _("Results")
