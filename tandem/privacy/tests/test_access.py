"""Who saw what: opening a minor's, a special-category or a safeguarding record is logged, the
record shows it, the person's export holds it, and an organisation admin audits it all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import AuditEvent
from tandem.intake.models import Learner
from tandem.matching.tests.factories import persona_pair
from tandem.onboarding.models import Volunteer
from tandem.privacy import exports


def _views(person: Any) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(person=person, action="viewed").values_list(
        "actor__email", "subject"))


def _kw(world: World, **extra: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, **extra}


def test_opening_a_learner_volunteer_referral_or_match_is_logged(world: World) -> None:
    volunteer, learner = persona_pair(world)
    Learner.objects.filter(pk=learner.pk).update(referred_by=world.people["partner_contact"])
    from tandem.matching import services

    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                  actor=world.users["coordinator"])
    coordinator = world.client_for("coordinator")
    page = coordinator.get(reverse("intake:learner", kwargs=_kw(world, pk=learner.pk)))
    assert "Who opened this record" in page.content.decode()
    coordinator.get(reverse("intake:learner", kwargs=_kw(world, pk=learner.pk)))  # once an hour
    coordinator.get(reverse("onboarding:volunteer", kwargs=_kw(world, pk=volunteer.pk)))
    world.client_for("partner_contact").get(
        reverse("intake:referral", kwargs=_kw(world, pk=learner.pk)))
    world.client_for("guardian").get(reverse("matching:match", kwargs=_kw(world, pk=match.pk)))
    assert sorted(_views(learner.person)) == sorted([
        ("coordinator@zuid.example", f"learner:{learner.pk}"),
        ("partner-contact@zuid.example", f"learner:{learner.pk}"),
        ("guardian@zuid.example", f"match:{match.pk}"),
    ])
    assert _views(volunteer.person) == [("coordinator@zuid.example", f"volunteer:{volunteer.pk}")]
    # Shown on the record, and in the person's export.
    html = coordinator.get(reverse("core:person", kwargs=_kw(world, pk=learner.person_id))).content.decode()
    seen_by = html[html.index("Who opened this record"):]
    assert "Partner-Contact" in seen_by and "Guardian" in seen_by and "Coordinator" in seen_by
    seen = [s for s in exports.person_export(learner.person).sections
            if s.model == "core.auditevent" and any(r["action"] == "viewed" for r in s.rows)]
    assert seen and len(seen[0].rows) >= 3


def test_the_organisation_admin_audits_access_across_the_organisation(world: World) -> None:
    _volunteer, learner = persona_pair(world)
    coordinator = world.client_for("coordinator")
    coordinator.get(reverse("intake:learner", kwargs=_kw(world, pk=learner.pk)))
    mentor = world.people["mentor"]
    Volunteer.objects.filter(person=mentor).update(state="ready")
    for i in range(60):  # a busy year: more than one page
        event = AuditEvent.objects.create(
            organisation=world.organisation, programme=world.programme,
            actor=world.users["supervisor"], person=mentor, action="viewed",
            subject=f"person:{mentor.pk}")
        AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=400 + i))
    admin = world.client_for("org_admin")
    url = reverse("privacy:access_log", kwargs={"org": world.organisation.slug})
    first = admin.get(url).content.decode()
    assert "Page 1 of 2" in first and "Learner Tester" in first
    filtered = admin.get(url, {"person": "learner tester"}).content.decode()
    assert "Learner Tester" in filtered and "Mentor Tester" not in filtered
    by_user = admin.get(url, {"user": "supervisor"}).content.decode()
    assert "Mentor Tester" in by_user and "Learner Tester" not in by_user and "Page 1 of 2" in by_user
    second = admin.get(url, {"user": "supervisor", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and "user=supervisor" in second
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    recent = admin.get(url, {"since": since}).content.decode()
    assert "Learner Tester" in recent and "Mentor Tester" not in recent
    bad = admin.get(url, {"since": "not a date", "page": "x"})
    assert bad.status_code == 200
    # Another organisation's admin finds nothing here; coordinators are refused.
    assert world.client_for("outsider").get(url).status_code == 404
    assert world.client_for("coordinator").get(url).status_code == 403
