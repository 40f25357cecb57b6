"""What is kept of an erasure: that it happened, to which record, why and by whom — nothing
about the person but the anonymised row the other tables still point at."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.history import reasons
from tandem.core.models import Organisation, Person, Programme
from tandem.core.privacy import Basis, Category, Keep, Kept, Link, Personal


@reasons
class PrivacyReason(models.TextChoices):
    """Why the system erased someone (stored as the code in the audit log's note)."""

    RETENTION_OVER = "retention_period_over", _("The retention period was over")


class Erasure(models.Model):
    class Reason(models.TextChoices):
        REQUEST = "request", _("On request")
        RETENTION = "retention", _("The retention period was over")

    class Scope(models.TextChoices):
        PERSON = "person", _("The person and everything about them")
        RECORD = "record", _("One participation in a programme")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="erasures",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures",
        verbose_name=_("programme"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="erasures", verbose_name=_("person")
    )
    scope = models.CharField(_("what"), max_length=10, choices=Scope.choices)
    # "onboarding.volunteer:12" for a participation record; empty for the whole person.
    record = models.CharField(max_length=80, blank=True, db_index=True)
    reason = models.CharField(_("why"), max_length=10, choices=Reason.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    privacy = Personal(
        whose=("person", Link("by", label=_("done by them"), erase=Keep())),
        categories=Category.ACTIVITY, basis=Basis.LEGAL_OBLIGATION,
        purpose=_("Proof that an erasure was done (GDPR art. 5(2) and 17): when, why and by "
                  "whom, with nothing left about the person."),
        retention=Kept(), export=("at", "scope", "reason", "programme"), erase=Keep(),
        organisation="organisation",
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.scope} {self.record or self.person_id} {self.at:%Y-%m-%d}"
