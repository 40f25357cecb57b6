"""No silent overwrite, no double create: every form of every app, raced and sent twice.

Every URL of Tandem's own views that takes a POST is classified in its app's
``tests/post_forms.py`` (merged below) as one of ``core.testing``'s kinds:

- ``Edit``: a form that edits a stored row. Two browsers open it; the first saves a change,
  the second — still showing the old version — saves another change. The second is refused:
  HTTP 200, not a byte written, its page shows both versions side by side and keeps what was
  typed; saved once more (deliberately), it wins.
- ``StaleAction``: a button on a versioned row (a round's review), clicked on two pages loaded
  at once: the second click is refused with a message and writes nothing.
- ``Create``: sent twice with the one-time token its page gave it, it creates one record.
- ``NotAnEdit``: none of these, with the reason nothing can be overwritten or repeated.

``test_every_post_url_is_classified`` finds the POST URLs itself (the methods each view's
``require_http_methods`` allows), so a new edit or create form fails the suite until it is
classified — and an ``Edit`` only passes with the one mechanism (``tandem.core.versioning``).
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from conftest import World
from tandem.core.once import new_token
from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, Posted, StaleAction
from tandem.core.tests.test_url_matrix import MATRIX

# --- The registry --------------------------------------------------------------------------------


def _registries() -> dict[str, tuple[FormKind, ...]]:
    merged: dict[str, tuple[FormKind, ...]] = {}
    tandem_dir = Path(__file__).resolve().parents[2]
    for module_path in sorted(tandem_dir.glob("*/tests/post_forms.py")):
        module = importlib.import_module(f"tandem.{module_path.parts[-3]}.tests.post_forms")
        overlap = merged.keys() & module.FORMS.keys()
        assert not overlap, f"URL classified twice: {overlap}"
        for name, kind in module.FORMS.items():
            merged[name] = kind if isinstance(kind, tuple) else (kind,)
    return merged


FORMS = _registries()


def _of_kind(kind: type) -> list[str]:
    return sorted(name for name, kinds in FORMS.items() if any(isinstance(k, kind) for k in kinds))


def _spec(name: str, kind: type) -> Any:
    return next(k for k in FORMS[name] if isinstance(k, kind))


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def _methods(view: Callable[..., Any]) -> list[str] | None:
    """The methods ``require_http_methods`` (``require_GET``, ``require_POST``) lets through,
    found down the chain of decorators (each keeps the view it wraps as ``__wrapped__``)."""
    current: Any = view
    while current is not None:
        if inspect.isfunction(current):
            allowed = inspect.getclosurevars(current).nonlocals.get("request_method_list")
            if allowed is not None:
                return list(allowed)
        current = getattr(current, "__wrapped__", None)
    return None  # no restriction: it takes a POST too


def post_urls() -> set[str]:
    """Every URL of Tandem's own views (not allauth's) that takes a POST."""
    return {
        name for name, view in _walk(get_resolver().url_patterns)
        if view.__module__.startswith("tandem.") and "POST" in (_methods(view) or ["POST"])
    }


def test_every_post_url_is_classified() -> None:
    urls = post_urls()
    assert "core:person_edit" in urls and "core:people" not in urls  # the finder finds
    unclassified = urls - FORMS.keys()
    assert not unclassified, (
        "say what these POST URLs do in their app's tests/post_forms.py — an edit form needs "
        f"tandem.core.versioning, a create form tandem.core.once: {sorted(unclassified)}")
    stale = FORMS.keys() - urls
    assert not stale, f"these are no longer POST URLs: {sorted(stale)}"


def test_the_registry_says_why_for_every_exception() -> None:
    for name, kinds in FORMS.items():
        for kind in kinds:
            if isinstance(kind, NotAnEdit):
                assert len(kind.why.split()) >= 4, name
            if isinstance(kind, Edit):
                assert kind.first != kind.second and kind.shown[0] != kind.shown[1], name


# --- Two browsers ------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """What a browser sends for each POST form of a page: text, hidden, date and number inputs
    with their values, ticked checkboxes and radios, the selected options (the first one of a
    single select when none is), and the text of each textarea."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._data: dict[str, list[str]] | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, all, chosen
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        present = {k for k, _v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._data = {}
            self.forms.append((a.get("action", ""), self._data))
            return
        data, name = self._data, a.get("name", "")
        if data is None:
            return
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                data.setdefault(name, [])
                if "checked" in present:
                    data[name].append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in present, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[2].append(value)
            if "selected" in present:
                self._select[3].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text: str) -> None:
        if self._textarea and self._data is not None:
            self._data[self._textarea][0] += text

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._data = None
        elif tag == "textarea" and self._textarea and self._data is not None:
            value = self._data[self._textarea][0]
            self._data[self._textarea][0] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select is not None and self._data is not None:
            name, multiple, options, chosen = self._select
            self._data[name] = chosen if (chosen or multiple) else options[:1]
            self._select = None


def _form_on(html_text: str, page: str, name: str) -> dict[str, list[str]] | None:
    parser = _Forms()
    parser.feed(html_text)
    for action, data in parser.forms:
        if resolve(urljoin(page, action or page).split("?")[0]).view_name == name:
            return data
    return None


def _open(client: Client, name: str, url: str) -> tuple[str, dict[str, list[str]]]:
    """The page a browser shows the form posting to ``url`` on — the URL itself or the nearest
    page above it (a volunteer's page holds the form posting to …/volunteers/<pk>/interview/) —
    and what its form would send."""
    path = url
    while path.count("/") > 1:
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            data = _form_on(response.content.decode(), path, name)
            if data is not None:
                return path, data
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
    raise AssertionError(f"no page shows the form posting to {url}")


def _with(data: dict[str, list[str]], change: Posted) -> dict[str, list[str]]:
    return {**data, **{k: v if isinstance(v, list) else [v] for k, v in change.items()}}


def _change(change: Any, world: World, kwargs: dict[str, Any]) -> Posted:
    return change(world, kwargs) if callable(change) else change


def _stored() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (log-in sessions aside): "nothing written" means this is equal."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        # Unmanaged models (django_rq's dashboard) have no table of their own.
        if model._meta.label != "sessions.Session" and model._meta.managed
    }


def _cells(page: str, side: str) -> list[str]:
    block = page.split('class="notice warn conflict"', 1)[1].split("</table>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(rf'class="{side}">(.*?)</td>', block, re.S)]


def _kwargs(name: str, spec: Any, world: World) -> dict[str, Any]:
    return (spec.kwargs or MATRIX[name].kwargs)(world)


@pytest.mark.parametrize("name", _of_kind(Edit))
def test_a_stale_save_is_refused_with_both_versions_and_nothing_lost(world: World, name: str) -> None:
    spec: Edit = _spec(name, Edit)
    kwargs = _kwargs(name, spec, world)
    url = reverse(name, kwargs=kwargs)
    first, second = (world.client_for(persona) for persona in spec.personas)
    page, first_form = _open(first, name, url)
    _page, second_form = _open(second, name, url)
    versions = [v for key, v in second_form.items() if key.split("-")[-1] == "version"]
    assert versions and versions[0][0].isdigit(), f"{name}: the form carries the row's version"

    saved = first.post(url, _with(first_form, _change(spec.first, world, kwargs)))
    assert saved.status_code == 302, (name, "the first save goes through", saved.content[:3000])
    before = _stored()
    typed = _change(spec.second, world, kwargs)
    refused = second.post(url, _with(second_form, typed))

    assert refused.status_code == 200, name
    assert _stored() == before, f"{name}: the stale save wrote something"
    body = refused.content.decode()
    assert "Someone else saved this while you were editing" in body, name
    theirs, yours = spec.shown
    assert any(theirs in cell for cell in _cells(body, "theirs")), (name, _cells(body, "theirs"))
    assert any(yours in cell for cell in _cells(body, "yours")), (name, _cells(body, "yours"))
    kept = _form_on(body, page, name)
    assert kept is not None, name
    for field, value in typed.items():
        assert sorted(kept[field]) == sorted(value if isinstance(value, list) else [value]), (name, field)

    if spec.again:  # compared, and saved again on purpose: now it goes through
        assert second.post(url, kept).status_code == 302, name
        _page, now = _open(second, name, url)
        for field, value in typed.items():
            assert sorted(now[field]) == sorted(value if isinstance(value, list) else [value]), (name, field)


@pytest.mark.parametrize("name", _of_kind(Edit))
def test_an_edit_form_sent_twice_lands_like_once(world: World, name: str) -> None:
    """A double tap on Save: the first post saves, the second carries the same version and the
    same values, finds its own save and lands where the first did — never "someone else saved
    this" over what the user just saved (a French mentor's meeting log did, with a goal picked)."""
    spec: Edit = _spec(name, Edit)
    kwargs = _kwargs(name, spec, world)
    url = reverse(name, kwargs=kwargs)
    client = world.client_for(spec.personas[0])
    _page, form = _open(client, name, url)
    data = _with(form, _change(spec.first, world, kwargs))
    first = client.post(url, data)
    assert first.status_code == 302, (name, "the first save goes through", first.content[:3000])
    before = _stored()
    again = client.post(url, data)
    assert again.status_code == 302, (name, again.content.decode()[:3000])
    assert again["Location"] == first["Location"], name
    assert _stored() == before, f"{name}: the second post wrote something"


@pytest.mark.parametrize("name", _of_kind(StaleAction))
def test_a_stale_click_is_refused_and_writes_nothing(world: World, name: str) -> None:
    spec: StaleAction = _spec(name, StaleAction)
    kwargs = _kwargs(name, spec, world)
    url = reverse(name, kwargs=kwargs)
    first, second = world.client_for("coordinator"), world.client_for("org_admin")
    _page, first_form = _open(first, name, url)
    _page, second_form = _open(second, name, url)
    first_post, second_post = spec.posts(world, kwargs)

    done = first.post(url, _with(first_form, first_post), follow=True)
    assert 'class="message error"' not in done.content.decode(), (name, "the first click goes through")
    before = _stored()
    refused = second.post(url, _with(second_form, second_post), follow=True)
    assert refused.status_code == 200
    assert _stored() == before, f"{name}: the stale click wrote something"
    assert "changed this round meanwhile" in refused.content.decode(), name


@pytest.mark.parametrize("name", _of_kind(Create))
def test_a_create_form_sent_twice_creates_once(world: World, name: str) -> None:
    spec: Create = _spec(name, Create)
    kwargs = _kwargs(name, spec, world)
    url = reverse(name, kwargs=kwargs)
    client = world.client_for(spec.persona)
    if spec.on_page:
        _page, form = _open(client, name, url)
        assert form.get("once", [""])[0], f"{name}: the page gives the form a one-time token"
    else:
        form = {"once": [new_token()]}
    data = _with(form, spec.data(world))
    before = spec.count()

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first.status_code == 302, (name, first.content[:3000])
    assert second.redirect_chain[0] == (first["Location"], 302), name
    assert "already been sent; it was saved once" in second.content.decode(), name
    assert spec.count() == before + 1, f"{name}: sent twice, created {spec.count() - before}"
