"""Spam protection for public forms, without third-party services.

Two traps: a field people never see (``website``: bots fill every field in) and a signed time
stamp (``ts``: bots post instantly, or replay a form fetched long ago). A filled-in trap is
answered as if the form worked (``is_spam``: the bot learns nothing, nothing is stored); a form
sent too fast, too late or with a forged stamp is shown again with a polite request to send it
again, keeping everything the person typed (``refresh_timestamp`` gives it a new stamp).
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "tandem.public-form"
MAX_AGE = 24 * 3600


def stamp(at: float | None = None) -> str:
    """A signed time stamp, as the form carries it (tests use this to post a form)."""
    return signing.dumps(time.time() if at is None else at, salt=SALT)


def min_seconds() -> float:
    # Tests set TANDEM_APPLICATION_MIN_SECONDS = 0; people need at least a few seconds.
    return float(getattr(settings, "TANDEM_APPLICATION_MIN_SECONDS", 3))


class HumanCheckMixin(forms.Form):
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    ts = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.fields["ts"].initial = stamp()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_ts(self) -> float:
        try:
            started = float(signing.loads(self.cleaned_data["ts"], salt=SALT))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Please send the form again.")) from exc
        elapsed = time.time() - started
        if elapsed > MAX_AGE:
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please check your answers and send it again.")
            )
        if elapsed < min_seconds():
            raise forms.ValidationError(
                _("That was very fast. Please check your answers and send the form again.")
            )
        return started

    def refresh_timestamp(self) -> None:
        """After a refused submission, give the form a new stamp for the next try."""
        data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
        data["ts"] = stamp()
        self.data = data
