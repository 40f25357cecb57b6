"""docs/privacy.md shows the registry as the code declares it."""

from __future__ import annotations

from pathlib import Path

from tandem.privacy.docs import in_document, table

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def test_the_registry_table_in_the_docs_is_the_code_s() -> None:
    current = in_document(DOCUMENT.read_text(encoding="utf-8"))
    assert current == table(), (
        "docs/privacy.md is out of date: run .venv/bin/python manage.py privacy_table --write")


def test_the_table_names_every_registered_model() -> None:
    from tandem.core.privacy import registry

    generated = table()
    assert all(f"`{model._meta.label}`" in generated for model, _declared in registry())
