"""The training certificate as a PDF, in the volunteer's language.

reportlab's built-in Helvetica needs no font files; it covers Western European letters (é, ü,
ë, ß). Letters outside its encoding (ş, ı, ł…) are reduced to their base letter rather than
printed as empty boxes.
"""

from __future__ import annotations

import io
import unicodedata

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from tandem.core.notify import site_url
from tandem.onboarding.models import TrainingCertificate


def pdf_safe(text: str) -> str:
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def certificate_pdf(certificate: TrainingCertificate) -> bytes:
    volunteer = certificate.volunteer
    person = volunteer.person
    programme = volunteer.programme
    verify_url = site_url(reverse(
        "onboarding:certificate_verify_code", kwargs={"code": certificate.code}
    ))
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    with translation.override(person.language):
        hours = f"{certificate.hours.normalize():f}"
        lines = [
            ("Helvetica-Bold", 30, _("Certificate of training")),
            ("Helvetica", 14, _("This certifies that")),
            ("Helvetica-Bold", 24, person.full_name),
            ("Helvetica", 14, _("completed %(hours)s hours of volunteer training in")
             % {"hours": hours}),
            ("Helvetica-Bold", 16, programme.name),
            ("Helvetica", 14, programme.organisation.name),
            ("Helvetica", 12, _("Issued on %(date)s")
             % {"date": formats.date_format(certificate.issued_on, "DATE_FORMAT")}),
        ]
        pdf.setTitle(pdf_safe(_("Certificate of training") + " · " + person.full_name))
        y = height - 110
        for font, size, text in lines:
            pdf.setFont(font, size)
            pdf.drawCentredString(width / 2, y, pdf_safe(text))
            y -= size * 2.2
        pdf.setFont("Helvetica", 10)
        pdf.drawCentredString(
            width / 2, 70,
            pdf_safe(_("Verification code: %(code)s") % {"code": certificate.code}),
        )
        pdf.drawCentredString(
            width / 2, 55, pdf_safe(_("Check it is genuine at %(url)s") % {"url": verify_url})
        )
    pdf.setLineWidth(2)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
