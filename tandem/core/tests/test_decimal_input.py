"""Numbers with decimals are typed as the reader writes them, never misread (core.inputs.decimal_input).

The browser's <input type="number"> parses by the browser's language: a German reader on an
English browser typed "12,40" and claimed 1240. Every decimal field is a localized text input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from tandem.expenses.forms import ClaimForm
from tandem.intake.forms import LearnerForm
from tandem.onboarding.forms import LocationForm
from tandem.outcomes.forms import IndicatorForm

FIELDS = [(ClaimForm, "amount"), (ClaimForm, "kilometres"), (IndicatorForm, "number"),
          (LearnerForm, "latitude"), (LearnerForm, "longitude"), (LocationForm, "latitude"),
          (LocationForm, "longitude")]


@pytest.mark.parametrize(("form", "name"), FIELDS)
def test_a_decimal_field_is_a_localized_text_input(form: type[forms.Form], name: str) -> None:
    field = form.base_fields[name]
    assert field.localize
    assert type(field.widget) is forms.TextInput
    assert field.widget.attrs["inputmode"] == "decimal"


@pytest.mark.parametrize(("form", "name"), FIELDS)
@pytest.mark.parametrize("language", ["de", "fr", "nl"])
def test_a_decimal_comma_is_read_as_the_reader_means_it(form: type[forms.Form], name: str, language: str) -> None:
    field = form.base_fields[name]
    with translation.override(language):
        assert Decimal(str(field.clean("12,4"))) == Decimal("12.4")
        assert Decimal(str(field.clean("12.4"))) == Decimal("12.4")  # a point is accepted too
        with pytest.raises(ValidationError):
            field.clean("1.240,00")  # a thousands point: refused, not read as 1.24 or 124000


def test_english_reads_a_point_and_refuses_a_comma() -> None:
    field = ClaimForm.base_fields["amount"]
    with translation.override("en"):
        assert field.clean("12.40") == Decimal("12.40")
        with pytest.raises(ValidationError):
            field.clean("12,40")


def test_the_stored_value_is_shown_as_the_reader_writes_it() -> None:
    field = ClaimForm.base_fields["amount"]
    with translation.override("de"):
        assert 'value="12,40"' in field.widget.render("amount", Decimal("12.40"))
    with translation.override("en"):
        assert 'value="12.40"' in field.widget.render("amount", Decimal("12.40"))
