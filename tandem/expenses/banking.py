"""An account as Tandem stores it: the IBAN compact, and the BIC as typed or, left empty, the one
the IBAN's bank has (``schwifty``'s bank registry).

The forms complete an account with it in their ``clean`` (so what the form holds is what is
stored: a Save sent twice compares the derived BIC with the derived BIC, not with the empty field
it was typed as), and the services check it again for every writer that is not a form.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException


def completed_account(iban: str, bic: str, *, field_iban: str = "iban",
                      field_bic: str = "bic") -> tuple[str, str]:
    """The IBAN (compact) and BIC (or the one the IBAN's bank has) or a ``ValidationError`` on
    ``field_iban`` / ``field_bic``."""
    errors: dict[str, str] = {}
    compact = ""
    try:
        parsed = IBAN(iban)
        compact = parsed.compact
    except SchwiftyException:
        errors[field_iban] = _("This is not a valid IBAN. Check it on your bank card or statement.")
        parsed = None
    if bic:
        try:
            bic = BIC(bic).compact
        except SchwiftyException:
            errors[field_bic] = _("This is not a valid BIC.")
    elif parsed is not None and parsed.bic is not None:
        bic = parsed.bic.compact
    if errors:
        raise ValidationError(errors)
    return compact, bic
