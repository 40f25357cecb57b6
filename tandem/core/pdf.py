"""Text on PDFs in any script our people write their names in.

reportlab's built-in fonts know only Western European letters: "Işık Yılmaz" came out as
"Is?k Y?lmaz" and Arabic as "????". Every PDF therefore uses the vendored DejaVu Sans
(``tandem/core/fonts``: Latin with its extensions, Greek, Cyrillic, Arabic, Hebrew…), embedded
in the file. reportlab draws characters one after the other, left to right, so right-to-left
text is prepared first by :func:`pdf_text`: Arabic letters take their joined forms
(arabic-reshaper) and right-to-left runs are put in display order (python-bidi).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from arabic_reshaper import reshape
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> None:
    """Make :data:`FONT` and :data:`FONT_BOLD` known to reportlab (once per process)."""
    for name in (FONT, FONT_BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))


def _has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def pdf_text(text: str) -> str:
    """``text`` as reportlab must draw it: unchanged unless it holds right-to-left letters."""
    if not _has_right_to_left(text):
        return text
    return str(get_display(reshape(text)))
