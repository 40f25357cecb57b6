from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    # Support and safeguarding: check-ins, the one "needs attention" rule set, pulse ratings,
    # concerns and mentors' exchange meetings. Reads the journal's meetings and ratings.
    name = "tandem.support"
    label = "support"
    verbose_name = _("Support and safeguarding")
