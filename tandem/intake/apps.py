from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tandem.intake"
    label = "intake"
    verbose_name = _("Learners: referrals, consent and the waiting list")
