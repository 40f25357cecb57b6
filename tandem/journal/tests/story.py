"""The weeks of the personas' pair, played through the journal's services: used by core's
every-page-language test so the journal's pages are read full (goals in every state, meetings
held, cancelled, missed and unlogged, every kind of note, ratings, a personal link)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.journal import services
from tandem.journal.categories import categories_seed
from tandem.journal.models import GoalCategory, Note
from tandem.matching.models import Match


def _at(days: int, hour: int = 15) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def journal_story(world: Any, match: Match) -> None:
    programme = world.programme
    coordinator, mentor, supervisor = world.users["coordinator"], world.users["mentor"], world.users["supervisor"]
    people = world.people
    programme.refresh_from_db()
    services.supervision_set(programme=programme, actor=coordinator, expected_version=programme.version, on=True)
    programme.refresh_from_db()
    match.refresh_from_db()
    categories_seed(programme=programme)
    own = services.category_create(programme=programme, actor=coordinator,
                                   labels={"en": "", "nl": "Zwemdiploma Zuiderpark", "fr": "", "de": ""})
    services.category_update(category=own, actor=coordinator, in_use=False, expected_version=own.version,
                             labels={"en": "", "nl": "Zwemdiploma Zuiderpark", "fr": "", "de": ""})
    homework = GoalCategory.objects.get(programme=programme, code="homework")
    career = GoalCategory.objects.get(programme=programme, code="career")
    fractions = services.goal_create(match=match, actor=mentor, category=homework,
                                     description="Breuken snappen met Chloé", success="Zeven voor de Cito-toets",
                                     target_date=timezone.localdate() + timedelta(days=40))
    fractions = services.goal_update(goal=fractions, actor=mentor, expected_version=fractions.version,
                                     category=career, target_date=timezone.localdate() + timedelta(days=50))
    services.goal_agree(goal=fractions, agreed_as="guardian", actor=world.users["guardian"])
    plan = services.goal_create(match=match, actor=mentor, category=homework, description="Agenda bijhouden")
    services.goal_progress_add(goal=plan, actor=mentor, author=people["mentor"], note="Agenda klopt deze week")
    services.goal_transition(goal=plan, to_state="reached", actor=mentor, reflection="Lukt nu zelfstandig")
    swim = services.goal_create(match=match, actor=mentor, category=homework, description="Elke dag lezen")
    services.goal_transition(goal=swim, to_state="adjusted", actor=mentor, reflection="Elke dag was te veel",
                             new={"description": "Drie keer per week lezen", "success": "Boek uit"})
    dropped = services.goal_create(match=match, actor=mentor, category=homework, description="Schaakclub")
    services.goal_transition(goal=dropped, to_state="dropped", actor=mentor, reflection="Geen tijd meer")

    mentor_parts, supervisor_parts = frozenset({"mentor"}), frozenset({"supervisor"})
    held = services.meeting_plan(match=match, actor=mentor, starts_at=_at(-14), place="Bibliotheek Afrikaanderwijk")
    services.note_add(meeting=held, kind=Note.Kind.PREPARATION, text="Breuken met pizzapunten", author=people["mentor"],
                      parts=mentor_parts, actor=mentor)
    comment = services.note_add(meeting=held, kind=Note.Kind.COMMENT, text="Neem echte pizzadozen mee",
                                author=people["supervisor"], parts=supervisor_parts, actor=supervisor)
    services.note_add(meeting=held, kind=Note.Kind.REPLY, text="Goed plan, doe ik", parent=comment,
                      author=people["mentor"], parts=mentor_parts, actor=mentor)
    services.meeting_log(meeting=held, actor=mentor, expected_version=held.version, state="held", duration_minutes=50,
                         activities="Pizzabreuken gesneden", goals=[fractions], note="Dilan was moe",
                         important=True, now=_at(-14, 17))
    for kind, visibility, text in ((Note.Kind.OBSERVATION, "pair", "Knap samengewerkt"),
                                   (Note.Kind.OBSERVATION, "private", "Let op de thuissituatie"),
                                   (Note.Kind.INTERVISION, "team", "Besproken: vragen stellen"),
                                   (Note.Kind.REFLECTION, "team", "Volgende keer meer pauze")):
        services.note_add(meeting=held, kind=kind, visibility=visibility, text=text, parts=(
            mentor_parts if kind == Note.Kind.REFLECTION else supervisor_parts),
            author=people["mentor" if kind == Note.Kind.REFLECTION else "supervisor"],
            actor=mentor if kind == Note.Kind.REFLECTION else supervisor)
    held.refresh_from_db()
    services.meeting_rate(meeting=held, rating=4, via="link")
    cancelled = services.meeting_plan(match=match, actor=mentor, starts_at=_at(-7), place="Bibliotheek Afrikaanderwijk")
    services.meeting_log(meeting=cancelled, actor=mentor, expected_version=cancelled.version, state="cancelled",
                         missed_by="school", missed_reason="Studiedag Globetrotter", now=_at(-7, 17))
    missed = services.meeting_plan(match=match, actor=mentor, starts_at=_at(-3), place="Bibliotheek Afrikaanderwijk")
    services.meeting_log(meeting=missed, actor=mentor, expected_version=missed.version, state="no_show",
                         missed_by="learner", now=_at(-3, 17))
    services.meeting_plan(match=match, actor=mentor, starts_at=_at(-1), place="Bibliotheek Afrikaanderwijk")
    ahead = services.meeting_plan(match=match, actor=coordinator, starts_at=_at(6), place="Bibliotheek Afrikaanderwijk")
    services.meeting_update(meeting=ahead, actor=mentor, expected_version=ahead.version, starts_at=_at(7),
                            place="Speeltuin Ericaplein")
    services.note_add(meeting=ahead, kind=Note.Kind.PREPARATION, text="Procenten in de supermarkt",
                      author=people["mentor"], parts=mentor_parts, actor=mentor)
    services.learner_link_create(match=match, actor=mentor)
    services.learner_link_revoke(match=match, actor=mentor)
    services.learner_link_create(match=match, actor=mentor)
