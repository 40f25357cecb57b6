"""The training certificate as a PDF, in the volunteer's language.

Written in core's embedded Unicode font, so every name prints as it is written (Işık Yılmaz,
Łukasz, Ελένη, Дмитрий, محمد); see :mod:`tandem.core.pdf`.
"""

from __future__ import annotations

import io

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from tandem.core.notify import site_url
from tandem.core.pdf import FONT, FONT_BOLD, pdf_text, register_fonts
from tandem.onboarding.models import TrainingCertificate


def certificate_pdf(certificate: TrainingCertificate) -> bytes:
    volunteer = certificate.volunteer
    person = volunteer.person
    programme = volunteer.programme
    verify_url = site_url(reverse(
        "onboarding:certificate_verify_code", kwargs={"code": certificate.code}
    ))
    register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=FONT)
    with translation.override(person.language):
        hours = f"{certificate.hours.normalize():f}"
        lines = [
            (FONT_BOLD, 30, _("Certificate of training")),
            (FONT, 14, _("This certifies that")),
            (FONT_BOLD, 24, person.full_name),
            (FONT, 14, _("completed %(hours)s hours of volunteer training in")
             % {"hours": hours}),
            (FONT_BOLD, 16, programme.name),
            (FONT, 14, programme.organisation.name),
            (FONT, 12, _("Issued on %(date)s")
             % {"date": formats.date_format(certificate.issued_on, "DATE_FORMAT")}),
        ]
        pdf.setTitle(_("Certificate of training") + " · " + person.full_name)
        y = height - 110
        for font, size, text in lines:
            pdf.setFont(font, size)
            pdf.drawCentredString(width / 2, y, pdf_text(text))
            y -= size * 2.2
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(
            width / 2, 70,
            pdf_text(_("Verification code: %(code)s") % {"code": certificate.code}),
        )
        pdf.drawCentredString(
            width / 2, 55, pdf_text(_("Check it is genuine at %(url)s") % {"url": verify_url})
        )
    pdf.setLineWidth(2)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
