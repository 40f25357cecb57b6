"""A safeguarding concern is read only by the programme's safeguarding leads: every page another
role can reach (and the digest, the audit log, the exports) shows at most that a concern is open,
never what it says; every opening of it by a lead is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent
from tandem.core.testing import PERSONAS
from tandem.support import services
from tandem.support.models import MatchPause
from tandem.support.tests.factories import concern, make_lead, pair
from tandem.support.tests.url_matrix import MATRIX

pytestmark = pytest.mark.django_db
SECRET = "Zorg-over-thuissituatie-7Q"


@pytest.fixture
def item(world: World) -> Any:
    make_lead(world)
    return concern(world, match=pair(world), kind="safeguarding", description=SECRET)


def _pages(world: World, item: Any) -> list[str]:
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    pk = {**kw, "pk": item.match_id}
    return [
        reverse("core:programme", kwargs=kw), reverse("matching:match", kwargs=pk),
        reverse("journal:pair", kwargs=pk), reverse("support:pair", kwargs=pk), reverse("support:risks", kwargs=kw),
        reverse("support:concerns", kwargs=kw) + "?state=all", reverse("support:mine", kwargs=kw),
        reverse("support:overview", kwargs=kw), reverse("support:concern", kwargs={**kw, "pk": item.pk}),
        reverse("core:audit", kwargs=kw),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_lead_reads_it(world: World, item: Any, persona: str) -> None:
    client = world.client_for(persona)
    reached = 0
    for url in _pages(world, item):
        response = client.get(url)
        body = response.content.decode()
        if response.status_code == 200:
            reached += 1
        assert (SECRET in body) is (persona == "coordinator" and "/concerns/" in url and "state" not in url), (
            persona, url)
    assert reached  # everyone reaches some page


def test_a_coordinator_who_is_not_a_lead_sees_that_a_concern_is_open(world: World, item: Any) -> None:
    client = world.client_for("org_admin")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    assert client.get(reverse("support:concern", kwargs={**kw, "pk": item.pk})).status_code == 403
    pair_page = client.get(reverse("support:pair", kwargs={**kw, "pk": item.match_id})).content.decode()
    assert 'id="hidden-concerns"' in pair_page and SECRET not in pair_page
    inbox = client.get(reverse("support:concerns", kwargs=kw)).content.decode()
    assert f"/concerns/{item.pk}/" not in inbox


def test_every_opening_by_a_lead_is_audited(world: World, item: Any) -> None:
    client = world.client_for("coordinator")
    url = reverse("support:concern", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                             "pk": item.pk})
    for _ in range(3):
        assert client.get(url).status_code == 200
    views = AuditEvent.objects.filter(action="viewed", subject=f"concern:{item.pk}", actor=world.users["coordinator"])
    assert views.count() == 3
    world.client_for("org_admin").get(url)  # refused: nothing read, nothing to record
    assert AuditEvent.objects.filter(action="viewed", subject=f"concern:{item.pk}").count() == 3


def test_no_words_of_it_in_the_audit_log_the_e_mails_or_the_export(world: World, run_tasks: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    make_lead(world)
    match = pair(world)
    with django_capture_on_commit_callbacks(execute=True):
        raised = services.concern_raise(programme=world.programme, match=match, kind="safeguarding",
                                        description=SECRET, raised_by=world.people["guardian"],
                                        raised_as="guardian", actor=world.users["guardian"])
        services.concern_move(concern=raised, to_state="triaged", actor=world.users["coordinator"],
                              expected_version=raised.version, what=SECRET + " gebeld")
        services.send_digest()
    run_tasks()
    assert mail.outbox and all(SECRET not in m.body and SECRET not in m.subject for m in mail.outbox)
    told = {address for m in mail.outbox if "safeguarding" in m.subject.lower() or "veilig" in m.body
            for address in m.to}
    assert world.people["org_admin"].email not in told  # only the lead is told
    assert not any(SECRET in str(e.changes) or SECRET in e.note for e in AuditEvent.objects.all())
    import json

    from tandem.privacy import exports

    for persona in ("guardian", "learner", "mentor"):
        data = json.dumps(exports.person_export(world.people[persona]).as_json(), ensure_ascii=False)
        assert (SECRET not in data and "safeguarding" in data) or persona == "mentor", persona


def test_the_lead_pauses_the_pair_at_once(world: World, item: Any) -> None:
    client = world.client_for("coordinator")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    response = client.post(reverse("support:pause", kwargs={**kw, "pk": item.match_id}),
                           {"concern": item.pk, "back": item.pk})
    assert response.status_code == 302
    assert MatchPause.objects.filter(match_id=item.match_id, lifted_at__isnull=True, concern=item).exists()


def test_the_matrix_lets_only_the_lead_open_it() -> None:
    assert MATRIX["support:concern"].allowed == frozenset({"coordinator"})


def test_a_supervisor_is_told_the_open_concerns_are_with_the_coordinators(world: World) -> None:
    """The pair page lists "open concern" as a reason for attention: its concerns card must not
    then say there are none to a supervisor, who may not read them."""
    open_one = concern(world, description=SECRET)
    concern(world, match=open_one.match, state="resolved")
    url = reverse("support:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                          "pk": open_one.match_id})
    response = world.client_for("supervisor").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="concerns-with-coordinators"' in page and "1 open concern is handled by the coordinators." in page
    assert "No concerns." not in page and SECRET not in page
    assert 'id="concerns-with-coordinators"' not in world.client_for("coordinator").get(url).content.decode()
