"""Every form of every app, posted with generated values: never a server error, never a partial
write.

The URL x role matrix (``test_url_matrix.MATRIX``, merged from every app's ``url_matrix.py``)
lists every URL with a role allowed to use it and builds its arguments. For each URL that takes a
POST, the page showing its form is fetched (the URL itself, or the nearest page above it: a
volunteer's page holds the forms that post to ``…/volunteers/<pk>/interview/``) and the form's
fields are read from the HTML. Hypothesis then posts, field by field, either the value the page
offered or a hostile one: text with NUL, control characters and other scripts, "²" and "١٢",
huge, negative and non-finite numbers, dates in the year 1, 2030 or 9999, empty values, a field
left out. Each answer must be below 500; when it shows the form with errors, no row of any model
may have been written.

Bounded (``EXAMPLES`` per URL) so the whole file runs in well under two minutes on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import World
from tandem.core.models import Person
from tandem.core.tests.test_url_matrix import MATRIX

EXAMPLES = 6
# Rows written whatever the form did: a log-in's session, and the log-in history, which records
# every failed password or second-factor code by design (allauth's account pages, e.g. the
# re-authentication asked before changing a second factor, are fuzzed like every other form).
SKIP_MODELS = {"sessions.session", "core.loginevent"}
# Fields a view reads that no page of the fuzz world shows (the form appears in other states).
HIDDEN_FIELDS = {
    "matching:propose": ["volunteer", "version", "confirm"],
    "core:person_role_remove": ["reason"],
}

NASTY = [
    "", " ", "²", "١٢", "-1", "0", "1", "2147483648", "9" * 30, "1e25", "-1e25", "nan", "inf",
    "1_000", "0x10", "0001-01-01", "2030-01-01", "9999-12-31", "1900-01-01", "31/02/2024",
    "0001-01-01T00:00", "9999-12-31T23:59", "2030-13-45T25:61", "a\x00b", "\x00", "\x01\x02\x1b",
    "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍🏫", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>",
    "x" * 3000, "a@b", "nobody@example.org", "NOBODY@EXAMPLE.ORG", "true", "on", "none",
]

# The hostile values every field meets once (the sweep); Hypothesis draws from all of NASTY.
SWEEP = ["", "²", "-1", "9" * 30, "1e25", "nan", "0001-01-01", "9999-12-31T23:59",
         "a\x00b", "\x01\x02\x1b", "x" * 3000]
# … and, one field at a time with every other field as the page offered it (so the value gets
# past the form's other checks into the service), what breaks each kind of field.
BY_KIND = {
    "date": ["0001-01-01", "9999-12-31", "2030-01-01", "1899-12-31"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59"],
    "number": ["0", "-1", "2147483648", "1e25", "nan", "²"],
    "select": ["²", "9" * 30, "-1"],
    "hidden": ["²", "9" * 30, "-1"],
    "checkbox": ["²", "9" * 30],
}

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M")
    ),
)

CSV_ROWS = st.lists(st.lists(st.sampled_from(NASTY) | st.text(max_size=20), min_size=1, max_size=6),
                    min_size=0, max_size=4)


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type, "select"…
    options: dict[str, list[str]] = field(default_factory=dict)  # select/radio/checkbox values
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    """The POST forms of a page: their action and every field with the values offered."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action") or self.page_url)
                self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text").lower()
            form.kinds.setdefault(name, kind)
            if kind == "file":
                form.files.add(name)
            elif kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                form.fields.setdefault(name, [])
            elif kind not in ("submit", "button"):
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            form.kinds.setdefault(name, "select")
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.options.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            form.kinds.setdefault(name, "textarea")
            self._textarea = name
            form.fields.setdefault(name, [""])
        elif tag == "button" and a.get("formaction"):
            # A second submit button posting the same fields elsewhere (consent: paper form).
            self.forms.append(Form(action=a["formaction"], fields=form.fields,
                                   kinds=form.kinds, options=form.options, files=form.files))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms(client: Client, page: str) -> list[Form]:
    response = client.get(page)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = _FormParser(page)
    parser.feed(response.content.decode())
    for form in parser.forms:
        form.action = urljoin(page, form.action)
    return parser.forms


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _form_for(client: Client, name: str, url: str) -> Form:
    """The form posting to ``url``: on the page itself, or on the nearest page above it."""
    path = url
    while path.count("/") > 1:
        for form in _forms(client, path):
            if _url_name(form.action) == name:
                return form
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
    return Form(action=url)  # no page shows it (e.g. nothing to act on yet): post blind


def _seed(world: World) -> None:
    """Something for every form to act on: a volunteer booked on every workshop, a consent
    text, and in every round without proposals one proposal."""
    from tandem.intake.models import ConsentText
    from tandem.matching.models import MatchingRound, Proposal
    from tandem.matching.tests.factories import mentor, pupil
    from tandem.onboarding.models import Registration, Volunteer, Workshop

    volunteer = Volunteer.objects.create(
        programme=world.programme, state="screening",
        person=Person.objects.create(organisation=world.organisation, given_name="Fuzz",
                                     family_name="Volunteer", email="fuzz@volunteer.example"),
    )
    for workshop in Workshop.objects.filter(programme=world.programme):
        Registration.objects.create(workshop=workshop, volunteer=volunteer, status="booked")
    ConsentText.objects.get_or_create(programme=world.programme, version=1, language="en",
                                      defaults={"text": "I agree."})
    rounds = MatchingRound.objects.filter(programme=world.programme, proposals__isnull=True)
    if rounds.exists():
        pair = (mentor(world, "Fuzzmentor"), pupil(world, "Fuzzpupil"),
                mentor(world, "Fuzzother"), pupil(world, "Fuzzother"))
        for matching_round in rounds:
            for index in (0, 2):
                Proposal.objects.create(round=matching_round, volunteer=pair[index],
                                        learner=pair[index + 1], score=1.0, rank=index)


# What a person would type into an empty field of each kind, so a form gets past its required
# fields and a hostile value in another field reaches the service.
PLAUSIBLE = {"text": "Zuidplein", "email": "fuzz@example.org", "date": "2026-12-01",
             "datetime-local": "2026-12-01T18:00", "number": "1", "textarea": "Hello"}


def _plausible(form: Form, name: str) -> str:
    for value in [*form.fields.get(name, []), *form.options.get(name, [])]:
        if value:
            return value
    return PLAUSIBLE.get(form.kinds.get(name, "textarea"), "")


def _persona(name: str) -> str:
    access = MATRIX[name]
    if access.scope == "public":
        return "anonymous"
    for persona in ("coordinator", "mentor", "learner", "guardian", "partner_contact"):
        if persona in access.allowed:
            return persona
    return sorted(access.allowed)[0]


def _post_urls() -> Iterator[str]:
    for name in sorted(MATRIX):
        if name in {"logout"}:
            continue  # posting it only logs the test client out
        yield name


def _row_counts() -> dict[str, int]:
    """Rows per model, in one query."""
    # Unmanaged models have no table (django_rq's admin-only Dashboard).
    models = [m for m in apps.get_models()
              if m._meta.label_lower not in SKIP_MODELS and m._meta.managed]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {m._meta.label_lower: n for m, n in zip(models, counts, strict=True)}


def _shows_errors(status: int, html: str) -> bool:
    return status == 400 or (
        status == 200 and ('class="errors"' in html or "has-error" in html or "errorlist" in html)
    )


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    text = "\n".join(",".join(cell.replace(",", " ") for cell in row) for row in rows)
    return text.encode(encoding, errors="replace")


@st.composite
def _payload(draw: Any, form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per field: what the page offered, one hostile value shared by several fields of this
    example (so a bad value meets otherwise valid input), any generated value, or nothing."""
    data: dict[str, Any] = {}
    hostile = draw(st.sampled_from(NASTY))
    for name, offered in form.fields.items():
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue  # the field left out
        options = form.options.get(name, [])
        if choice <= 4 and (offered or options):
            picks = [*offered, *options]
            if name in form.options and len(options) > 1 and draw(st.booleans()):
                data[name] = draw(st.lists(st.sampled_from(options), max_size=3))
            else:
                data[name] = draw(st.sampled_from(picks))
        elif choice <= 7:
            data[name] = hostile
        else:
            data[name] = draw(values)
    files: dict[str, Any] = {}
    for name in form.files:
        filename = draw(st.sampled_from(["x.csv", "x.txt", "x.xlsx", "x.pdf", ""]))
        content = draw(st.one_of(
            st.binary(max_size=200),
            st.builds(_csv, CSV_ROWS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])),
        ))
        files[name] = SimpleUploadedFile(filename or "upload", content)
    return data, files


@pytest.mark.parametrize("name", list(_post_urls()))
def test_generated_values_never_break_a_form(world: World, settings: Any, name: str) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0
    access = MATRIX[name]
    url = reverse(name, kwargs=access.kwargs(world))
    _seed(world)
    client = world.client_for(_persona(name))
    form = _form_for(client, name, url)
    for extra in HIDDEN_FIELDS.get(name, []):
        form.fields.setdefault(extra, [])
    if access.method != "POST" and not (form.fields or form.files):
        return  # a page without a form of its own

    def check(data: dict[str, Any], files: dict[str, Any]) -> None:
        before = _row_counts()
        response = client.post(url, {**data, **files})
        assert response.status_code < 500, (name, data, response.status_code)
        html = response.content.decode(errors="replace")
        if _shows_errors(response.status_code, html):
            after = _row_counts()
            written = {model: after[model] - n for model, n in before.items() if after[model] != n}
            assert not written, (name, data, written)

    # Every hostile value once in every field (ids parsed by hand meet "²" for sure)…
    for hostile in SWEEP:
        check(dict.fromkeys(form.fields, hostile), {})
    valid = {name: _plausible(form, name) for name in form.fields}
    for name, kind in form.kinds.items():
        for hostile in BY_KIND.get(kind, []):
            check({**valid, name: hostile}, {})

    # … then Hypothesis mixes them with the values the page offered.
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    @given(payload=_payload(form))
    def post(payload: tuple[dict[str, Any], dict[str, Any]]) -> None:
        check(*payload)

    post()
