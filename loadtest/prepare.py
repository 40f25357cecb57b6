"""Log-ins for the load test, on a database seeded with ``seed_demo --scale N``.

    python loadtest/prepare.py accounts.json [--coordinators 150] [--mentors 60] [--learners 60]

Writes ``accounts.json``: for each role a list of accounts (e-mail, password, the authenticator
secret of coordinators, who must use a second factor) and the addresses of the pages that person
would open. Coordinators are extra coordinator log-ins of the demo programmes (the demo has one
per programme, and a second-factor code works once, so each simulated coordinator needs their
own); mentors and learners are demo mentors and learners of the biggest programmes, with a match,
given a log-in. Password: the demo's (``tandem-demo``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--coordinators", type=int, default=150)
    parser.add_argument("--mentors", type=int, default=60)
    parser.add_argument("--learners", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.db import transaction
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.models import Membership, Person, Programme, Role, User
    from tandem.intake.models import Learner
    from tandem.matching.models import Match
    from tandem.onboarding.models import Volunteer

    password = User.objects.get(email=demo.MAIN_COORDINATOR).password  # the demo's hash
    programmes = list(Programme.objects.filter(organisation__slug__in=[s.org_slug for s in demo.SPECS])
                      .select_related("organisation").order_by("pk"))

    def kw(programme: Programme) -> dict[str, str]:
        return {"org": programme.organisation.slug, "prog": programme.slug}

    def login_for(person: Person, email: str) -> User:
        user = person.user or User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, full_name=f"{person.given_name} {person.family_name}",
                                       language=person.language or "en", password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user"])
        return user

    pages: dict[int, dict[str, Any]] = {}
    for programme in programmes:
        k = kw(programme)
        people = list(Membership.objects.filter(programme=programme).order_by("pk")
                      .values_list("person_id", flat=True)[:400:20])
        volunteers = list(Volunteer.objects.filter(programme=programme).order_by("pk")
                          .values_list("pk", flat=True)[:400:20])
        learners = list(Learner.objects.filter(programme=programme).order_by("pk")
                        .values_list("pk", flat=True)[:400:20])
        matches = list(Match.objects.filter(programme=programme).order_by("pk")
                       .values_list("pk", flat=True)[:200:10])
        pages[programme.pk] = {
            "overview": reverse("core:programme", kwargs=k),
            "people": reverse("core:people", kwargs=k),
            "people search": reverse("core:people", kwargs=k) + "?q=an",
            "volunteers": reverse("onboarding:board", kwargs=k),
            "learners": reverse("intake:learners", kwargs=k),
            "waiting list": reverse("intake:waiting_list", kwargs=k),
            "matching": reverse("matching:home", kwargs=k),
            "matches": reverse("matching:matches", kwargs=k),
            "audit log": reverse("core:audit", kwargs=k),
            "invitations": reverse("core:invitations", kwargs=k),
            "person": [reverse("core:person", kwargs={**k, "pk": pk}) for pk in people],
            "volunteer": [reverse("onboarding:volunteer", kwargs={**k, "pk": pk}) for pk in volunteers],
            "learner": [reverse("intake:learner", kwargs={**k, "pk": pk}) for pk in learners],
            "match": [reverse("matching:match", kwargs={**k, "pk": pk}) for pk in matches],
        }

    accounts: dict[str, list[dict[str, Any]]] = {"coordinator": [], "mentor": [], "learner": []}
    with transaction.atomic():
        for i in range(args.coordinators):
            programme = programmes[i % len(programmes)]
            email = f"loadtest-coordinator-{i}@{programme.slug}.example"
            person = Person.objects.filter(email=email, organisation=programme.organisation).first()
            if person is None:
                person = Person.objects.create(organisation=programme.organisation, given_name="Load",
                                               family_name=f"Coordinator {i}", email=email)
                Membership.objects.create(person=person, organisation=programme.organisation,
                                          programme=programme, role=Role.COORDINATOR)
            user = login_for(person, email)
            Authenticator.objects.filter(user=user).delete()
            secret = base64.b32encode(secrets.token_bytes(20)).decode()
            Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
            p = pages[programme.pk]
            accounts["coordinator"].append({"email": email, "totp": secret, "start": reverse("core:home"),
                                            "pages": dict(p)})
        for role, count in (("mentor", args.mentors), ("learner", args.learners)):
            field = "volunteer" if role == "mentor" else "learner"
            open_matches = (Match.objects.filter(**{f"{field}__programme__in": programmes},
                                                 state=Match.State.ACTIVE)
                            .exclude(**{f"{field}__person__email": ""})
                            .select_related(f"{field}__person", "programme__organisation")
                            .order_by("pk"))
            seen: set[int] = set()
            for match in open_matches:
                holder = getattr(match, field)
                # (Django's address check refuses a non-ASCII local part, which some demo names give.)
                if holder.person_id in seen or not holder.person.email.isascii():
                    continue
                seen.add(holder.person_id)
                user = login_for(holder.person, holder.person.email)
                k = kw(match.programme)
                account = {
                    "email": user.email, "start": reverse("core:home"),
                    "pages": {"overview": reverse("core:programme", kwargs=k),
                              "match": reverse("matching:match", kwargs={**k, "pk": match.pk})},
                }
                if role == "mentor":
                    account["pages"]["my volunteering"] = reverse("onboarding:me", kwargs=k)
                accounts[role].append(account)
                if len(accounts[role]) >= count:
                    break
    Path(args.output).write_text(json.dumps({"password": demo.DEMO_PASSWORD, "accounts": accounts}))
    print(f"load-test log-ins: {', '.join(f'{len(v)} {k}s' for k, v in accounts.items())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
