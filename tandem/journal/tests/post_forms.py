"""What each of the journal's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.journal.models import Goal, GoalCategory, GoalProgress, Meeting, Note
from tandem.journal.tests.url_matrix import _goal, _match, _meeting, _pair


def _category_kwargs(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import category

    return {**programme_kwargs(world), "category": category(world).pk}


def _seeded_kwargs(world: Any) -> dict[str, Any]:
    """The programme with its default goal categories (made when the settings are first opened)."""
    from tandem.journal.categories import categories_seed

    categories_seed(programme=world.programme)
    return programme_kwargs(world)


def _prepared_kwargs(world: Any) -> dict[str, Any]:
    """A planned meeting ahead, with the mentor's preparation written."""
    from tandem.journal.tests.factories import meeting

    item = meeting(_match(world), days=3)
    Note.objects.create(meeting=item, kind=Note.Kind.PREPARATION, text="Breuken met pizza's",
                        author=world.people["mentor"])
    return {**programme_kwargs(world), "pk": item.match_id, "meeting": item.pk}


def _ahead_kwargs(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import meeting

    item = meeting(_match(world), days=3)
    return {**programme_kwargs(world), "pk": item.match_id, "meeting": item.pk}


def _category_pk(world: Any) -> str:
    from tandem.journal.tests.factories import category

    return str(category(world).pk)


FORMS: dict[str, FormKind | tuple[FormKind, ...]] = {
    "journal:settings": (
        Edit(first={"supervision": "on"}, second={"supervision": []}, shown=("Yes", "No")),
        # The page's first form is the supervision switch: the category form gets a fresh token.
        Create(data=lambda w: {"form": "category", "label_en": "Chess", "label_nl": "Schaken"},
               count=GoalCategory.objects.count, kwargs=_seeded_kwargs, on_page=False),
    ),
    "journal:category_edit": Edit(first={"label_nl": "Huiswerk maken"}, second={"label_fr": "Faire ses devoirs"},
                                  shown=("Huiswerk maken", "Faire ses devoirs"), kwargs=_category_kwargs),
    "journal:goal_create": Create(
        data=lambda w: {"category": _category_pk(w), "description": "Ik wil beter lezen"},
        count=Goal.objects.count, kwargs=_pair),
    "journal:goal_edit": Edit(first={"success": "Een 8 voor de toets"},
                              second={"description": "Ik wil breuken snappen"},
                              shown=("Een 8 voor de toets", "Ik wil breuken snappen"), kwargs=_goal),
    "journal:goal_progress": Create(data=lambda w: {"note": "Breuken gaan beter"},
                                    count=GoalProgress.objects.count, kwargs=_goal),
    # Closing ends what the form is for: the stale close is refused with both versions, and a
    # closed goal cannot be closed again.
    "journal:goal_close": Edit(first={"outcome": "reached", "reflection": "Het ging goed"},
                               second={"outcome": "dropped", "reflection": "Geen tijd meer"},
                               shown=("Het ging goed", "Geen tijd meer"), kwargs=_goal, again=False),
    "journal:goal_agree": NotAnEdit(
        "Agreeing to a goal is a conditional update (only while nobody agreed yet): a second click "
        "changes nothing."),
    "journal:learner_link": NotAnEdit(
        "Makes a new personal link and revokes the older ones in one transaction, or revokes them: "
        "a second click still leaves at most one working link, and nothing typed is lost."),
    "journal:meeting_plan": Create(data=lambda w: {"place": "De bibliotheek"}, count=Meeting.objects.count,
                                   kwargs=_pair),
    "journal:meeting_edit": Edit(first={"place": "De bibliotheek"}, second={"place": "Het buurthuis"},
                                 shown=("De bibliotheek", "Het buurthuis"), kwargs=_meeting),
    "journal:meeting_log": Edit(first={"activities": "Breuken met pizza's"}, second={"activities": "Samen gelezen"},
                                shown=("Breuken met pizza's", "Samen gelezen"), kwargs=_meeting),
    "journal:meeting_draft": NotAnEdit(
        "Keeps what one person is typing into a log: one row per meeting and person (a unique key), "
        "overwritten by each post; nobody else edits it."),
    "journal:preparation": (
        Edit(first={"text": "Breuken met pizza's, en daarna oefenen"}, second={"text": "Eerst de toets bespreken"},
             shown=("Breuken met pizza's, en daarna oefenen", "Eerst de toets bespreken"),
             kwargs=_prepared_kwargs, personas=("mentor", "mentor")),
        Create(data=lambda w: {"text": "Breuken met pizza's"}, count=Note.objects.count, kwargs=_ahead_kwargs,
               persona="mentor"),
    ),
    "journal:note_add": Create(data=lambda w: {"kind": "observation", "text": "Een goed gesprek",
                                               "visibility": "team"},
                               count=Note.objects.count, kwargs=_meeting),
    "journal:rate": NotAnEdit(
        "The learner's face for a meeting: one value set by one person; a second click sets the same "
        "face again."),
    "journal:link": NotAnEdit(
        "The learner's personal link: a face (set again by a second click) or agreeing to a goal "
        "(a conditional update), rate-limited per link."),
}
