"""The access request's answer as a PDF a person can read: in their language, every section
with why it is kept, on what basis and for how long, then each row as label and value in words.

Written in core's embedded DejaVu Sans, so every name prints as it is written
(:mod:`tandem.core.pdf`).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tandem.core.pdf import FONT, FONT_BOLD, pdf_text, register_fonts
from tandem.privacy.exports import Export

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, textColor=colors.grey)
LABEL = ParagraphStyle("label", fontName=FONT_BOLD, fontSize=8.5, leading=11)
HEADING = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=10,
                         spaceAfter=3)
TITLE = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=6)


# A cell longer than this would not fit on a page; the JSON file has the whole text.
LONGEST = 2500


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    if len(text) > LONGEST:
        text = text[:LONGEST] + " […]"
    return Paragraph(escape(pdf_text(text)).replace("\n", "<br/>"), style)


def export_pdf(export: Export) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    with translation.override(export.language):
        title = _("Personal data held about %(name)s") % {"name": export.name}
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm,
                                topMargin=16 * mm, bottomMargin=16 * mm, title=title,
                                author="Tandem")
        made = formats.date_format(timezone.localtime(export.made_at), "DATETIME_FORMAT")
        story: list = [
            _p(title, TITLE),
            _p(_("Made on %(date)s. Each part says why the data is kept, on what legal basis "
                 "and for how long; the JSON file holds the same data for a computer.")
               % {"date": made}, BODY),
        ]
        if not export.sections:
            story.append(_p(_("Nothing is held about this person."), BODY))
        organisation = None
        for section in export.sections:
            if section.organisation != organisation:
                organisation = section.organisation
                story.append(_p(organisation or _("Your log-in"), TITLE))
            story.append(_p(section.title, HEADING))
            story.append(_p(_("Why: %(purpose)s") % {"purpose": section.purpose}, SMALL))
            story.append(_p(_("Legal basis: %(basis)s. Kept: %(kept)s.")
                            % {"basis": section.basis, "kept": section.retention}, SMALL))
            for row in section.words:
                table = Table(
                    [[_p(label, LABEL), _p(value, BODY)] for label, value in row],
                    colWidths=[52 * mm, None],
                )
                table.setStyle(TableStyle([
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.lightgrey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]))
                story.append(KeepTogether([table, Spacer(1, 3)]))
        doc.build(story)
    return buffer.getvalue()
