"""Demo expenses: every programme gets its country's policy; VerA (DE) and AFEV (FR) get bank
details for their mentors (valid IBANs, made with ``schwifty``) and claims in every state —
waiting (some flagged), approved, rejected with a reason, in a payment file, paid — typed in the
programme's language, with a receipt photo where a ticket was bought. The demo mentor has one of
each. Deterministic (``ctx.rng`` only)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from tandem.core.demo import DemoContext
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
           "reject": "Merci de joindre le justificatif ; sans lui nous ne pouvons pas rembourser."},
}
BANKS = {"de": ("DE", "37040044"), "fr": ("FR", "2004101005")}


def _photo(rng_value: int) -> ContentFile[bytes]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline=(60, 60, 60), width=3)
    draw.text((24, 30), f"TICKET  {rng_value:06d}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="ticket.jpg")


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
                    claim.description, claim.flags = texts["activity"][0], ["over_claim"]
                if state != "submitted":
                    claim.decided_at = timezone.now() - timedelta(days=number * 7)
                    claim.decided_by = ctx.coordinator_user
                if state == "rejected":
                    claim.reason = texts["reject"]
                if kind in (Kind.TRANSPORT, Kind.ACTIVITY) and state != "rejected":
                    claim.receipt_type = "image/jpeg"
                    claim.receipt.save("ticket.jpg", _photo(rng.randrange(10**6)), save=False)
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
            batch = PaymentBatch.objects.create(
                programme=programme, created_by=ctx.coordinator_user, count=len(claims),
                execution_date=today - timedelta(days=10 if is_paid else -1),
                total=money.total(c.amount for c in claims), message_id=f"TANDEM-DEMO-{programme.pk}-{int(is_paid)}",
                paid_at=timezone.now() - timedelta(days=8) if is_paid else None,
                paid_by=ctx.coordinator_user if is_paid else None)
            Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
                batch=batch, paid_at=batch.paid_at if is_paid else None, state="paid" if is_paid else "approved")
