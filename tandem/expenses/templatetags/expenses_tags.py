"""Amounts as the reader writes them: "12,50 €" in nl/fr/de, "€12.50" in English (Babel)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    if value is None or value == "":
        return "—"
    locale = to_locale(get_language() or "en")
    return format_currency(Decimal(value), currency or "EUR", locale=locale)


def rate(value: Decimal, currency: str = "EUR") -> str:
    """A rate per kilometre with all its decimals ("0,4269 €")."""
    locale = to_locale(get_language() or "en")
    return format_currency(value.normalize(), currency, locale=locale, decimal_quantization=False)


@register.filter
def kind_label(value: str) -> str:
    from tandem.expenses.models import Kind

    return str(Kind(value).label) if value in Kind.values else value
