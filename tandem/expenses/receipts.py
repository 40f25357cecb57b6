"""Receipts: checked by their content, kept outside the web root, served only by a scoped view.

The type is read from the file's first bytes (``filetype``), never from its name or the browser's
claim; a JPEG, PNG, WebP or HEIC photo or a PDF is accepted, up to ``EXPENSES_RECEIPT_MAX_BYTES``.
Files live in ``PRIVATE_MEDIA_ROOT`` (by default ``MEDIA_ROOT/private``), which no URL serves:
``views.claims.receipt`` hands a file to the claim's volunteer and the programme's coordinators.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ACCEPTED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "EXPENSES_RECEIPT_MAX_BYTES", DEFAULT_MAX_BYTES))


class PrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT`` (read at each use, so tests may move it) with no URL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
        return str(configured or Path(settings.MEDIA_ROOT or ".") / "private")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; they are served by a scoped view")


private_storage = PrivateStorage()


def receipt_path(instance: Any, filename: str) -> str:
    """A random name (the uploaded name may identify someone) with the type's extension."""
    extension = ACCEPTED.get(getattr(instance, "receipt_type", ""), "bin")
    return f"receipts/{secrets.token_hex(16)}.{extension}"


def check_receipt(upload: Any) -> str:
    """The receipt's content type, or a ``ValidationError`` the volunteer understands."""
    size = getattr(upload, "size", 0) or 0
    if size > max_bytes():
        raise ValidationError(
            _("The receipt is too large (%(size)s); at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}, code="too_large")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise ValidationError(
            _("The receipt must be a photo (JPEG, PNG, WebP, HEIC) or a PDF."), code="wrong_type")
    return str(kind.mime)
