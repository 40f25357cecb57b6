"""Exchange meetings: invitations, answers within the places, attendance and hours on the
volunteer's record, and the meeting in the mentor's calendar feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import World
from tandem.core.models import Person, Role
from tandem.matching.tests.factories import mentor
from tandem.support import calendar, services
from tandem.support.models import ExchangeInvitation, ExchangeMeeting
from tandem.support.tests.factories import exchange, pair

pytestmark = pytest.mark.django_db


def test_places_are_kept_and_only_mentors_are_invited(world: World) -> None:
    pair(world)
    meeting = exchange(world, invite=())
    ExchangeMeeting.objects.filter(pk=meeting.pk).update(places=1)
    meeting.refresh_from_db()
    other = mentor(world, "Second").person
    from tandem.core.models import Membership

    Membership.objects.get_or_create(person=other, organisation=world.organisation, programme=world.programme,
                                     role=Role.MENTOR)
    assert services.exchange_invite(meeting=meeting, people=[world.people["mentor"], other],
                                    actor=world.users["coordinator"]) == 2
    with pytest.raises(ValidationError):
        services.exchange_invite(meeting=meeting, people=[world.people["learner"]], actor=world.users["coordinator"])
    services.exchange_answer(meeting=meeting, person=world.people["mentor"], answer="yes", actor=None)
    with pytest.raises(ValidationError, match="places"):
        services.exchange_answer(meeting=meeting, person=other, answer="yes", actor=None)
    services.exchange_answer(meeting=meeting, person=other, answer="no", actor=None)


def test_attendance_counts_on_the_volunteers_record(world: World) -> None:
    pair(world)
    meeting = exchange(world, days=-1)
    with pytest.raises(ValidationError):
        services.exchange_attendance(meeting=exchange(world, days=3), attended=[], actor=None)
    invitation = ExchangeInvitation.objects.get(meeting=meeting)
    services.exchange_attendance(meeting=meeting, attended=[invitation.pk], actor=world.users["coordinator"])
    volunteer = world.people["mentor"].volunteering.get()
    page = world.client_for("coordinator").get(f"/o/zuid/p/moz/volunteers/{volunteer.pk}/").content.decode()
    assert 'id="person-exchanges"' in page and "Lastige gesprekken" in page and "1.5 hours" in page


def test_the_mentors_calendar_feed_carries_it_unless_declined(world: World) -> None:
    pair(world)
    meeting = exchange(world, days=5)
    since, until = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=30)
    events = list(calendar.events_for(world.users["mentor"], since=since, until=until))
    assert [e.uid for e in events] == [calendar.exchange_event(meeting).uid]
    assert "Lastige gesprekken" in events[0].title
    ExchangeInvitation.objects.update(answer="no")
    assert list(calendar.events_for(world.users["mentor"], since=since, until=until)) == []
    assert list(calendar.events_for(world.users["learner"], since=since, until=until)) == []


def test_a_mentor_not_invited_cannot_open_it(world: World) -> None:
    pair(world)
    meeting = exchange(world, invite=())
    url = f"/o/zuid/p/moz/support/exchange/{meeting.pk}/"
    assert world.client_for("mentor").get(url).status_code == 403
    assert Person.objects.filter(exchange_invitations__meeting=meeting).count() == 0


def test_a_meeting_for_a_site_is_for_the_mentors_of_that_site(world: World) -> None:
    """AFEV's demo invited a Grenoble mentor to a Paris meeting. A meeting for a site is for the
    mentors who live in its city: the service invites them when given nobody, the coordinator's
    form lists them ticked (the programme's other mentors on request, not ticked); naming a mentor
    of another site stays possible."""
    from django.urls import reverse

    from tandem.core.models import Membership

    pair(world)
    Person.objects.filter(pk=world.people["mentor"].pk).update(city="Rotterdam")
    away = mentor(world, "Verweg").person
    Person.objects.filter(pk=away.pk).update(city="Utrecht")
    Membership.objects.get_or_create(person=away, organisation=world.organisation, programme=world.programme,
                                     role=Role.MENTOR)
    meeting = exchange(world, invite=())
    assert meeting.site is not None and meeting.site.city == "Rotterdam"
    url = reverse("support:exchange", kwargs={"org": "zuid", "prog": "moz", "pk": meeting.pk})
    client = world.client_for("coordinator")
    page = client.get(url).content.decode()
    assert f'name="person" value="{world.people["mentor"].pk}" checked' in page
    assert f'value="{away.pk}"' not in page and 'id="invite-everywhere"' in page
    everywhere = client.get(url + "?everywhere=1").content.decode()
    assert f'name="person" value="{away.pk}">' in everywhere  # listed, not ticked
    assert f'name="person" value="{world.people["mentor"].pk}" checked' in everywhere

    coordinator = world.users["coordinator"]
    assert services.exchange_invite(meeting=meeting, actor=coordinator) == 1
    assert set(meeting.invitations.values_list("person_id", flat=True)) == {world.people["mentor"].pk}
    assert services.exchange_invite(meeting=meeting, people=[away], actor=coordinator) == 1
    # A meeting for no site is for every mentor of the programme.
    anywhere = exchange(world, invite=())
    ExchangeMeeting.objects.filter(pk=anywhere.pk).update(site=None)
    anywhere.refresh_from_db()
    assert services.exchange_invite(meeting=anywhere, actor=coordinator) == 2


def test_in_french_a_mentor_s_answer_does_not_read_as_attendance() -> None:
    """On a held meeting's page a mentor who had said "coming" but did not come read "Présent"
    beside an unticked attendance box (the answer and "attended" were both "présent")."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("fr"):
        coming, not_coming = str(ExchangeInvitation.Answer.YES.label), str(ExchangeInvitation.Answer.NO.label)
        attended = gettext("Attended")
    assert coming.casefold()[:6] not in attended.casefold() and not_coming != "Absent", (coming, attended)
