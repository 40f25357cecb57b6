"""Rules that must hold under concurrency, answered in words.

Unique and check constraints live in the database (``Meta.constraints``) and each carries a
translated ``violation_error_message``, so ``full_clean()`` refuses a duplicate with a sentence a
coordinator reads — never with the constraint's name. Two requests at the same moment can both
pass ``full_clean()``; the database then refuses the second ``INSERT`` with an ``IntegrityError``.
:func:`save_checked` turns that into the same ``ValidationError`` the first check would have
given, now that the competing row is committed and visible.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _


def concurrent_change_error() -> ValidationError:
    return ValidationError(
        _("Someone else saved the same thing at the same moment. Reload the page and check."),
        code="concurrent",
    )


def save_checked(instance: models.Model, **save_kwargs: Any) -> None:
    """``instance.save()`` in a savepoint; a constraint violated meanwhile by another
    transaction becomes the ``ValidationError`` that ``full_clean()`` gives for it."""
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:
        try:
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as error:
            raise error from exc
        raise concurrent_change_error() from exc
