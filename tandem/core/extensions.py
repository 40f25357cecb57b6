"""How domain apps add to core's pages without core importing them.

An app may define ``tandem/<app>/dashboard.py`` with either or both of:

    def nav_links(*, request, programme, roles) -> list[tuple[str, str]]
        # (label, url) pairs for the programme's navigation bar
    def panels(*, request, programme, roles, me) -> list[str]
        # rendered HTML cards for the programme overview (use render_to_string)
    def match_links(*, request, match) -> list[tuple[str, str]]
        # (label, url) pairs shown on a match's page (the journal links the pair's own page)

    def person_panels(*, request, programme, person) -> list[str]
        # rendered HTML cards for every page about one person: the person's page, a
        # volunteer's, a learner's (the privacy app's "export or erase" card)
    def account_links(*, request) -> list[tuple[str, str]]
        # (label, url) pairs on the signed-in user's account page ("Your data")

Apps are asked in INSTALLED_APPS order.

An app may also define ``tandem/<app>/hooks.py`` for rules a lower app must respect without
importing the higher one:

    def places_taken(*, volunteer) -> int
        # how many of a volunteer's places the app's records hold (matching: open matches);
        # onboarding refuses to lower a capacity below the sum (see ``volunteer_places_taken``)
    def verified_document(code) -> str | None
        # the public verification page's answer (rendered HTML) for a code the app issued
        # (expenses: attestations), or None; onboarding's page asks when no certificate has it
    def observer_threshold(*, programme) -> int | None
        # the smallest group an observer may see counted (outcomes: the programme's results
        # settings); the matches report asks ``observer_threshold``
    def mentor_languages(*, programme) -> Counter[str]
        # how many of the programme's mentors speak each language (onboarding: the languages
        # volunteers gave); intake's waiting list asks ``mentor_languages``

and ``tandem/<app>/calendar.py`` for the dates it puts in people's calendars (``core.calendar``):

    def events_for(user, *, since, until) -> Iterable[CalendarEvent]
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.safestring import SafeString, mark_safe

from tandem.core.suppression import DEFAULT_THRESHOLD


@cache
def _app_modules(name: str) -> tuple[ModuleType, ...]:
    modules = []
    for app in apps.get_app_configs():
        if not app.name.startswith("tandem.") or app.name == "tandem.core":
            continue
        try:
            modules.append(importlib.import_module(f"{app.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.{name}":
                raise
    return tuple(modules)


def _dashboard_modules() -> tuple[ModuleType, ...]:
    return _app_modules("dashboard")


def volunteer_places_taken(*, volunteer: Any) -> int:
    """How many of ``volunteer``'s places are taken, summed over every app's ``hooks.py``.
    Call it with the volunteer's row locked, as every app that takes a place locks it too."""
    return sum(
        module.places_taken(volunteer=volunteer)
        for module in _app_modules("hooks")
        if hasattr(module, "places_taken")
    )


def verified_document(code: str) -> SafeString | None:
    """The first app's rendered answer for a verification ``code`` it issued (``hooks.py``)."""
    for module in _app_modules("hooks"):
        if hasattr(module, "verified_document"):
            html = module.verified_document(code)
            if html:
                return mark_safe(html)
    return None


def observer_threshold(*, programme: Any) -> int:
    """The smallest group an observer (a funder) may see counted in ``programme``: what the apps'
    ``hooks.py`` set (the largest, if several do), else the default of :mod:`tandem.core.suppression`."""
    asked = [n for module in _app_modules("hooks") if hasattr(module, "observer_threshold")
             if (n := module.observer_threshold(programme=programme)) is not None]
    return max(asked) if asked else DEFAULT_THRESHOLD


def mentor_languages(*, programme: Any) -> Counter[str]:
    """How many of ``programme``'s mentors speak each language, summed over the apps' ``hooks.py``."""
    spoken: Counter[str] = Counter()
    for module in _app_modules("hooks"):
        if hasattr(module, "mentor_languages"):
            spoken.update(module.mentor_languages(programme=programme))
    return spoken


def calendar_providers() -> list[Callable[..., Any]]:
    """Every app's ``calendar.events_for``, in ``INSTALLED_APPS`` order."""
    return [module.events_for for module in _app_modules("calendar") if hasattr(module, "events_for")]


def nav_links(*, request: Any, programme: Any, roles: frozenset[str]) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for module in _dashboard_modules():
        if hasattr(module, "nav_links"):
            links.extend(module.nav_links(request=request, programme=programme, roles=roles))
    return links


def panels(*, request: Any, programme: Any, roles: frozenset[str], me: Any) -> list[SafeString]:
    html: list[SafeString] = []
    for module in _dashboard_modules():
        if hasattr(module, "panels"):
            html.extend(
                mark_safe(p)
                for p in module.panels(request=request, programme=programme, roles=roles, me=me)
            )
    return html


def person_panels(*, request: Any, programme: Any, person: Any) -> list[SafeString]:
    html: list[SafeString] = []
    for module in _dashboard_modules():
        if hasattr(module, "person_panels"):
            html.extend(
                mark_safe(p)
                for p in module.person_panels(request=request, programme=programme, person=person)
            )
    return html


def account_links(*, request: Any) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for module in _dashboard_modules():
        if hasattr(module, "account_links"):
            links.extend(module.account_links(request=request))
    return links


def match_links(*, request: Any, match: Any) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for module in _dashboard_modules():
        if hasattr(module, "match_links"):
            links.extend(module.match_links(request=request, match=match))
    return links
