"""The attestation of engagement as a PDF, in the volunteer's language (core's embedded font)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tandem.core.notify import site_url
from tandem.core.pdf import FONT, FONT_BOLD, pdf_text, register_fonts
from tandem.expenses.models import Attestation


def _hours(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=1)


def attestation_pdf(attestation: Attestation) -> bytes:
    volunteer = attestation.volunteer
    person = volunteer.person
    programme = volunteer.programme
    verify_url = site_url(reverse("onboarding:certificate_verify_code", kwargs={"code": attestation.code}))
    register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=FONT)
    with translation.override(person.language or (programme.languages[0] if programme.languages else "en")):
        period = _("from %(start)s to %(end)s") % {
            "start": formats.date_format(attestation.period_start, "DATE_FORMAT"),
            "end": formats.date_format(attestation.period_end, "DATE_FORMAT")}
        lines = [
            (FONT_BOLD, 24, _("Attestation of volunteering")),
            (FONT, 12, _("This attests that")),
            (FONT_BOLD, 20, person.full_name),
            (FONT, 12, _("volunteered as a mentor in")),
            (FONT_BOLD, 15, programme.name),
            (FONT, 12, programme.organisation.name),
            (FONT, 12, period),
            (FONT, 12, _("Hours of mentoring: %(hours)s (%(n)s meetings)") % {
                "hours": _hours(attestation.mentoring_hours), "n": attestation.meetings}),
            (FONT, 12, _("Hours of training: %(hours)s (%(n)s workshops)") % {
                "hours": _hours(attestation.training_hours), "n": attestation.workshops}),
            (FONT, 12, _("Hours of exchange meetings: %(hours)s (%(n)s meetings)") % {
                "hours": _hours(attestation.exchange_hours), "n": attestation.exchange_meetings}),
            (FONT, 11, pgettext("an attestation", "Issued on %(date)s") % {
                "date": formats.date_format(attestation.issued_on, "DATE_FORMAT")}),
        ]
        pdf.setTitle(_("Attestation of volunteering") + " · " + person.full_name)
        y = height - 120
        for font, size, text in lines:
            pdf.setFont(font, size)
            pdf.drawCentredString(width / 2, y, pdf_text(text))
            y -= size * 2.3
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(width / 2, 80, pdf_text(_("Verification code: %(code)s") % {"code": attestation.code}))
        pdf.drawCentredString(width / 2, 64, pdf_text(_("Check it is genuine at %(url)s") % {"url": verify_url}))
    pdf.setLineWidth(2)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
