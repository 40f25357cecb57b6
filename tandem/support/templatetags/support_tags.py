"""Template filters of support."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from tandem.core import history
from tandem.support.attention import Risk

register = template.Library()


def _value(n: Any) -> Any:
    if isinstance(n, str) and len(n) == 10 and n[4] == "-":
        try:
            return date.fromisoformat(n)
        except ValueError:
            return n
    return n


@register.filter
def risk_words(item: Any) -> str:
    """A risk carried by an e-mail as ``[code, numbers]``, in the reader's words."""
    code, numbers = item
    return Risk(code, tuple(_value(n) for n in numbers)).words


@register.filter
def moment(value: Any) -> str:
    return history.as_datetime(value)
