"""Demo expenses: every programme gets its country's policy; VerA (DE) and AFEV (FR) get bank
details for their mentors (valid IBANs, made with ``schwifty``) and claims in every state —
waiting (some flagged), approved, rejected with a reason, in a payment file, paid — typed in the
programme's language, with a receipt photo where a ticket was bought. The demo mentor has one of
each. Deterministic (``ctx.rng`` only)."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from tandem.core.demo import DemoContext, next_working_day, working_day
from tandem.expenses import money, services
from tandem.expenses.models import BankDetails, Claim, Kind, PaymentBatch
from tandem.journal.models import Meeting
from tandem.matching.models import Match

WITH_CLAIMS = {"vera": "de", "accompagnement-vet": "fr"}

TEXTS = {
    "de": {"transport": ["Bahnfahrt zum Betrieb", "Busticket zur Berufsschule", "Deutschlandticket-Anteil"],
           "activity": ["Lernmaterial für die Prüfung", "Eintritt Berufsinformationsmesse"],
           "km": ["Fahrt zum Ausbildungsbetrieb"],
           "reject": "Bitte den Beleg nachreichen; ohne Beleg können wir nicht erstatten."},
    "fr": {"transport": ["Ticket de tram pour le CFA", "Billet TER pour l'entreprise"],
           "activity": ["Manuel de révision du CAP", "Entrée au salon de l'apprentissage"],
           "km": ["Trajet jusqu'à l'entreprise"],
           "reject": "Merci de joindre le justificatif\u00a0; sans lui nous ne pouvons pas rembourser."},
}
BANKS = {"de": ("DE", "37040044"), "fr": ("FR", "2004101005")}


# A small photo of a ticket (JPEG), so the demo's receipts open as pictures.
TICKET_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCABAAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDtdZ1a40+7srW0sPtk13v2r5wjxtAJ5Ix0P6VX/tTxB/0LX/k9H/hRq3/I2eH/APt5/wDRYrdpAYX9qeIP+ha/8no/8KP7U8Qf9C1/5PR/4Vu0UgML+1PEH/Qtf+T0f+FH9qeIP+ha/wDJ6P8AwrdooAwv7U8Qf9C1/wCT0f8AhR/aniD/AKFr/wAno/8ACt2igDC/tTxB/wBC1/5PR/4Uf2p4g/6Fr/yej/wrdooAwv7U8Qf9C1/5PR/4VY0bVrjULu9tbuw+xzWmzcvnCTO4EjkDHQfrWrWFpP8AyNniD/t2/wDRZpgGrf8AI2eH/wDt5/8ARYrdrC1b/kbPD/8A28/+ixV3Xnnh0a7uba5kglt4JJVKKpyQpIB3A8UAaFFYU9zeQat/Zy3kjCUQhZXRNybvOLEYUDJEYAyKNT1G50iKF5JzdKLpkbao3snkuwDYGBhgDkAcAH1pAbtFYKXF0NV+zXGoXJAt4pAba3DIzO8mcnY2FwqgZI4H1NWoBdf27cQvqFw8MUMUojKx4JZpAQSFzj5B3oA1KKKKACiiigArC0n/AJGzxB/27f8Aos1u1haT/wAjZ4g/7dv/AEWaADVv+Rs8P/8Abz/6LFbNxBFdW0tvOu6KVCjrkjKkYI4rG1b/AJGzw/8A9vP/AKLFbtMCtcafa3LyPNFl5FRSwYg4Qkrgg8EFjyOeaI9PtYxFtiJMUhlUs7Md5UqSSTk8MRzn9Ks0UgKCaNYxsrRJNGVQRjy7iRRtBJAwG6AscemcdKtrBEty9wF/eyIqM2TyqliB/wCPN+dSUUAFFFFABRRRQAVhaT/yNniD/t2/9Fmt2sLSf+Rs8Qf9u3/os0AGrf8AI2eH/wDt5/8ARYrdrK1nSbjULuyurS/+xzWm/a3kiTO4AHgnHQfrVf8AsvxB/wBDL/5Ix/40wN2isL+y/EH/AEMv/kjH/jR/ZfiD/oZf/JGP/GkBu0Vhf2X4g/6GX/yRj/xo/svxB/0Mv/kjH/jQBu0Vhf2X4g/6GX/yRj/xo/svxB/0Mv8A5Ix/40AbtFYX9l+IP+hl/wDJGP8Axo/svxB/0Mv/AJIx/wCNAG7WFpP/ACNniD/t2/8ARZo/svxB/wBDL/5Ix/41Y0bSbjT7u9uru/8Atk13s3N5IjxtBA4Bx0P6UwP/2Q==")


def _photo() -> ContentFile[bytes]:
    return ContentFile(TICKET_JPEG, name="ticket.jpg")


def _account(language: str, n: int) -> str:
    country, bank_code = BANKS[language]
    account = f"{5320130 + n:010d}" if country == "DE" else f"{500001 + n:08d}M02"
    return IBAN.generate(country, bank_code=bank_code, account_code=account).compact


def seed_demo(ctx: DemoContext) -> None:
    programme = ctx.programme
    policy = services.policy_for(programme)
    language = WITH_CLAIMS.get(programme.slug)
    if language is None:
        return
    policy.budget = Decimal("4000.00")
    policy.limit_claim = Decimal("150.00")
    policy.limit_month = Decimal("250.00")
    policy.debtor_name = programme.organisation.name[:70]
    policy.debtor_iban = _account(language, 999)
    policy.debtor_bic = ""
    if language == "de":
        policy.flat_per_meeting = Decimal("5.00")
        policy.km_rate = Decimal("0.30")
    policy.save()
    matches = list(Match.objects.filter(programme=programme, state=Match.State.ACTIVE)
                   .select_related("volunteer__person").order_by("pk")[:10])
    demo_mentor = ctx.mentors[0] if ctx.mentors else None
    volunteers = {m.volunteer_id: m.volunteer for m in matches}
    demo_match = Match.objects.filter(programme=programme, volunteer__person=demo_mentor).first()
    if demo_match is not None:
        volunteers[demo_match.volunteer_id] = demo_match.volunteer
    rng, today, texts = ctx.rng, ctx.today, TEXTS[language]
    with transaction.atomic():
        BankDetails.objects.bulk_create([
            BankDetails(person=v.person, holder=v.person.full_name[:70], iban=_account(language, i))
            for i, v in enumerate(volunteers.values())], ignore_conflicts=True)
        to_pay: list[Claim] = []
        paid: list[Claim] = []
        for index, volunteer in enumerate(volunteers.values()):
            mine = volunteer.person == demo_mentor
            states = ["submitted", "approved", "rejected", "in_payment", "paid"] if mine or index % 2 == 0 else \
                [rng.choice(["submitted", "approved", "paid"])]
            for number, state in enumerate(states):
                kind = rng.choice([Kind.TRANSPORT, Kind.TRANSPORT, Kind.ACTIVITY, Kind.KILOMETRES])
                day = today - timedelta(days=3 + number * 9 + rng.randrange(4))
                km = Decimal(rng.randrange(80, 420)) / 10 if kind == Kind.KILOMETRES else None
                amount = money.km_amount(km, policy.km_rate) if km else money.cents(
                    Decimal(rng.randrange(280, 4800)) / 100)
                claim = Claim(programme=programme, volunteer=volunteer, kind=kind, spent_on=day, amount=amount,
                              kilometres=km, description=rng.choice(texts[str(kind)]),
                              state="approved" if state in ("in_payment", "paid") else state,
                              created=timezone.now() - timedelta(days=number * 9 + 2))
                if state == "submitted" and number == 0 and mine:
                    # over the limit per claim: the coordinator decides
                    claim.kind, claim.kilometres, claim.amount = Kind.ACTIVITY, None, Decimal("185.00")
                    claim.description, claim.flags = str(texts["activity"][0]), ["over_claim"]
                if state != "submitted":
                    claim.decided_at = timezone.now() - timedelta(days=number * 7)
                    claim.decided_by = ctx.coordinator_user
                if state == "rejected":
                    claim.reason = str(texts["reject"])
                if kind in (Kind.TRANSPORT, Kind.ACTIVITY) and state != "rejected":
                    claim.receipt_type = "image/jpeg"
                    claim.receipt.save("ticket.jpg", _photo(), save=False)
                claim.save()
                if state == "in_payment":
                    to_pay.append(claim)
                elif state == "paid":
                    paid.append(claim)
        held = Meeting.objects.filter(match__in=matches[:3], state=Meeting.State.HELD).order_by("-starts_at")[:3]
        if policy.flat_per_meeting:
            for meeting in held:
                Claim.objects.create(programme=programme, volunteer=meeting.match.volunteer, kind=Kind.FLAT_MEETING,
                                     meeting=meeting, spent_on=timezone.localdate(meeting.starts_at),
                                     amount=policy.flat_per_meeting, state="submitted")
        for claims, is_paid in ((paid, True), (to_pay, False)):
            if not claims:
                continue
            # Banks execute, and the coordinator marks a batch paid, on working days.
            executed = working_day(today - timedelta(days=10)) if is_paid else next_working_day(today + timedelta(days=1))
            batch = PaymentBatch.objects.create(
                programme=programme, created_by=ctx.coordinator_user, count=len(claims),
                execution_date=executed,
                total=money.total(c.amount for c in claims), message_id=f"TANDEM-DEMO-{programme.pk}-{int(is_paid)}",
                paid_at=timezone.make_aware(datetime.combine(next_working_day(executed + timedelta(days=2)), time(11)))
                if is_paid else None,
                paid_by=ctx.coordinator_user if is_paid else None)
            Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
                batch=batch, paid_at=batch.paid_at if is_paid else None, state="paid" if is_paid else "approved")
