"""Core's list pages make the same number of queries for 3 rows as for 9: no query per row."""

from __future__ import annotations

from django.urls import reverse

from conftest import World, make_member
from tandem.core import selectors
from tandem.core.audit import audit_record
from tandem.core.models import (
    AuditEvent,
    GuardianLink,
    Invitation,
    Membership,
    PartnerInstitution,
    Programme,
    Role,
    Site,
)
from tandem.core.roles import roles_for
from tandem.core.testing import assert_list_page_queries_do_not_grow


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def test_people(world: World) -> None:
    roles = [Role.MENTOR, Role.LEARNER, Role.PARTNER_CONTACT, Role.GUARDIAN]

    def add(i: int) -> str:
        role = roles[i % len(roles)]
        _user, person = make_member(
            world.organisation, world.programme, role, f"person{i}@zuid.example",
            institution=world.school if role == Role.PARTNER_CONTACT else None,
            with_user=i % 2 == 0, given_name=f"Given{i}", family_name="Listed",
        )
        # A second role in the same programme and one in another: only this programme's show.
        Membership.objects.create(person=person, organisation=world.organisation,
                                  programme=world.other_programme, role=Role.MENTOR)
        return person.full_name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "core:people"), add)


def test_sites(world: World) -> None:
    def add(i: int) -> str:
        return Site.objects.create(programme=world.programme, name=f"Site{i}", city="Rotterdam").name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "core:sites"), add)


def test_partners_with_their_contact_people(world: World) -> None:
    def add(i: int) -> str:
        partner = PartnerInstitution.objects.create(
            programme=world.programme, site=world.site, name=f"School{i}", kind="primary_school",
        )
        _user, contact = make_member(
            world.organisation, world.programme, Role.PARTNER_CONTACT, f"contact{i}@school.example",
            institution=partner, given_name=f"Contact{i}",
        )
        return contact.full_name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "core:partners"), add)


def test_invitations_pending_and_answered(world: World) -> None:
    def add(i: int) -> str:
        invitation = Invitation.objects.create(
            programme=world.programme, email=f"invited{i}@y.example", role=Role.MENTOR,
            invited_by=world.users["coordinator"],
        )
        if i % 3 == 0:
            Invitation.objects.filter(pk=invitation.pk).update(revoked=invitation.created)
        return invitation.email

    assert_list_page_queries_do_not_grow(
        world.client_for("coordinator"), _url(world, "core:invitations"), add
    )


def test_audit_log(world: World) -> None:
    def add(i: int) -> str:
        _user, person = make_member(world.organisation, world.programme, Role.MENTOR,
                                    f"audited{i}@zuid.example", given_name=f"Audited{i}")
        audit_record(organisation=world.organisation, programme=world.programme,
                     actor=world.users["coordinator"], person=person,
                     action=AuditEvent.Action.UPDATED, subject=f"person:{person.pk}",
                     changes={"city": ["", f"City{i}"]})
        return f"City{i}"

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "core:audit"), add)


def test_organisation_page_lists_programmes_with_their_counts(world: World) -> None:
    def add(i: int) -> str:
        programme = Programme.objects.create(organisation=world.organisation, name=f"Programme{i}",
                                             slug=f"p{i}", country="NL")
        make_member(world.organisation, programme, Role.MENTOR, f"m{i}@zuid.example")
        return programme.name

    url = reverse("core:organisation", kwargs={"org": world.organisation.slug})
    assert_list_page_queries_do_not_grow(world.client_for("org_admin"), url, add)


def test_home_lists_an_admins_programmes(world: World) -> None:
    def add(i: int) -> str:
        programme = Programme.objects.create(organisation=world.organisation, name=f"Programme{i}",
                                             slug=f"p{i}", country="NL")
        return programme.name

    assert_list_page_queries_do_not_grow(world.client_for("org_admin"), reverse("core:home"), add)


def test_the_programme_list_gives_each_programme_the_roles_checked_everywhere_else(world: World) -> None:
    """``programmes_for_user`` works the roles out of two queries; they must be those
    ``roles_for`` (what every permission asks) gives."""
    Membership.objects.create(person=world.people["mentor"], organisation=world.organisation,
                              programme=world.other_programme, role=Role.COORDINATOR)
    for persona in ("org_admin", "coordinator", "mentor", "guardian"):
        user = world.users[persona]
        listed = selectors.programmes_for_user(user)
        assert listed, persona
        assert listed == [(programme, roles_for(user, programme)) for programme, _roles in listed], persona
    assert {p for p, _roles in selectors.programmes_for_user(world.users["org_admin"])} == {
        world.programme, world.other_programme}


def test_a_guardians_dashboard_lists_their_children(world: World) -> None:
    def add(i: int) -> str:
        _user, child = make_member(world.organisation, world.programme, Role.LEARNER,
                                   f"child{i}@zuid.example", with_user=False, given_name=f"Child{i}")
        GuardianLink.objects.create(learner=child, guardian=world.people["guardian"])
        return child.full_name

    assert_list_page_queries_do_not_grow(
        world.client_for("guardian"), world.programme.get_absolute_url(), add
    )
