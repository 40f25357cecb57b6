"""In French a *note* is also a mark out of five (« La note est comprise entre 1 et 5 », the
learner's faces): a meeting « non notée » reads as *not rated*. A meeting's log is its *compte
rendu*, and logging is *enregistrer* — in the journal, in support's check-ins, in the e-mails
(docs/journal.md, "Words")."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from conftest import World
from tandem.journal.tests.factories import meeting, persona_match

ROOT = Path(__file__).resolve().parents[2]
LOGGING = re.compile(r"\b(log|logs|logged|Log)\b")
NOTER = re.compile(r"\b([Nn]ot[ée]e?s?|[Nn]oter|[Nn]otez|[Nn]ote)\b")


@pytest.mark.parametrize("app", ["journal", "support"])
def test_french_never_says_noter_for_logging_a_meeting_or_a_check_in(app: str) -> None:
    catalogue = polib.pofile(str(ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in catalogue:
        if entry.obsolete or not LOGGING.search(f"{entry.msgid} {entry.msgid_plural or ''}"):
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            # "notes d'intervision" are notes (written text), not a logging verb.
            if NOTER.search(text.replace("notes d’intervision", "")):
                wrong.append((entry.msgid, text))
    assert not wrong, wrong


@pytest.mark.django_db
def test_a_french_coordinator_reads_meetings_without_a_report_not_unrated(world: World) -> None:
    match = persona_match(world)
    meeting(match, days=-3)  # past and never logged
    user = world.users["coordinator"]
    user.language = "fr"
    user.save(update_fields=["language"])
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug}
    page = world.client_for("coordinator").get(reverse("journal:overview", kwargs=kwargs)).content.decode()
    assert "sans compte rendu" in page
    assert "non noté" not in page
