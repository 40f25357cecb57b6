from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "tandem.onboarding"
    label = "onboarding"
    verbose_name = _("Volunteers: recruitment, screening and training")
