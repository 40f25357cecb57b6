"""Writing many new rows at once: one ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` on PostgreSQL sends a batch as arrays (``UNNEST``) whose every element is quoted
in Python: for a matching round's 10,000s of proposals with JSON explanations that costs more
than solving the round. ``COPY ... FROM STDIN`` streams the rows as they are, and JSON that is
already serialised (:class:`JsonText`) is written as it is.

Rows are dicts of field attnames (``round_id``, ``items``) to values; fields left out take their
model default. Model ``save()`` and signals are not run, exactly as with ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models
from django.utils import timezone


class JsonText(str):
    """JSON already serialised: written to a JSON field without encoding it again."""


class StoredJSONField(models.JSONField):
    """A JSON field that is written and read whole and never queried inside (no key lookups):
    ``text`` on PostgreSQL instead of ``jsonb``.

    PostgreSQL parses every ``jsonb`` value it stores into its binary form; for a matching
    round's explanations and alternatives (1–2 KB a proposal) that parsing cost more than
    encoding them (2.5 of a small round's 40 ms), for nothing, as nothing reads inside them.
    Elsewhere (SQLite stores JSON as text anyway) it is an ordinary ``JSONField``."""

    def db_type(self, connection: Any) -> str | None:
        return "text" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        return None if value is None else json.dumps(value, cls=self.encoder)


def _default(field: models.Field[Any, Any]) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert new rows of ``model``; returns how many. Call inside the caller's transaction."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    if connection.vendor != "postgresql":
        objects = [model(**{name: json.loads(value) if isinstance(value, JsonText) else value
                            for name, value in row.items()}) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    defaults = {f.attname: _default(f) for f in fields}
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if f.attname in json_fields and not isinstance(value, JsonText):
                    value = json.dumps(value, cls=f.encoder)  # type: ignore[attr-defined]
                values.append(value)
            copy.write_row(values)
            count += 1
    return count
