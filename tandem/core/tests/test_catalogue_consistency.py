"""One translation per text across every app's catalogue.

Django merges every app's catalogue into one: when two apps translate the same (msgctxt, msgid)
differently for one language, one app's version silently wins everywhere (French "Refusé" on a
feminine expense claim, German "Stornieren" for every Cancel button). A text that must read
differently in one place gets its own msgctxt there (pgettext / {% translate "…" context "…" %}).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "fr", "de")

Key = tuple[str | None, str, str | None]
Text = tuple[str, ...]


def _text(entry: polib.POEntry) -> Text:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def translations(catalogues: dict[str, polib.POFile]) -> dict[Key, dict[Text, list[str]]]:
    """(msgctxt, msgid, msgid_plural) -> each translation -> the apps that use it."""
    found: dict[Key, dict[Text, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, po in sorted(catalogues.items()):
        for entry in po:
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            found[(entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)][_text(entry)].append(app)
    return found


def conflicts(catalogues: dict[str, polib.POFile]) -> list[str]:
    lines = []
    for (msgctxt, msgid, _plural), texts in sorted(translations(catalogues).items(), key=str):
        if len(texts) > 1:
            where = "; ".join(f"{' / '.join(text)!r} in {', '.join(apps)}" for text, apps in texts.items())
            lines.append(f"{msgid!r}" + (f" (context {msgctxt!r})" if msgctxt else "") + f": {where}")
    return lines


def _catalogues(lang: str) -> dict[str, polib.POFile]:
    return {path.parts[-5]: polib.pofile(str(path))
            for path in sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_app_translates_a_text_the_same_way(lang: str) -> None:
    found = conflicts(_catalogues(lang))
    assert not found, f"{len(found)} texts translated differently by two apps ({lang}):\n" + "\n".join(found)


def _po(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    po.extend(entries)
    return po


def test_a_conflict_names_the_apps_and_translations() -> None:
    catalogues = {
        "core": _po(polib.POEntry(msgid="Cancel", msgstr="Abbrechen")),
        "onboarding": _po(polib.POEntry(msgid="Cancel", msgstr="Stornieren"),
                          polib.POEntry(msgid="Cancel", msgctxt="a registration", msgstr="Stornieren")),
        "expenses": _po(polib.POEntry(msgid="claim", msgid_plural="claims", msgstr_plural={0: "a", 1: "b"})),
        "journal": _po(polib.POEntry(msgid="claim", msgid_plural="claims", msgstr_plural={0: "a", 1: "c"}),
                       polib.POEntry(msgid="Later", msgstr="")),
        "support": _po(polib.POEntry(msgid="Later", msgstr="Später")),
    }
    assert conflicts(catalogues) == [
        "'Cancel': 'Abbrechen' in core; 'Stornieren' in onboarding",
        "'claim': 'a / b' in expenses; 'a / c' in journal",
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_app_counts_plurals_the_same_way_with_every_form_translated(lang: str) -> None:
    # Three French catalogues declared gettext's newer three forms (one for a million) with only
    # two translated: "6 claims waiting for approval" on the AFEV coordinator's French dashboard.
    catalogues = _catalogues(lang)
    forms = {app: po.metadata.get("Plural-Forms", "") for app, po in catalogues.items()}
    assert len(set(forms.values())) == 1, forms
    n = int(next(iter(forms.values())).split("nplurals=")[1].split(";")[0])
    short = [f"{app}: {entry.msgid!r}" for app, po in catalogues.items() for entry in po
             if entry.msgid_plural and entry.translated() and not all(entry.msgstr_plural.get(i) for i in range(n))]
    assert not short, short


def test_a_french_plural_reads_french_for_any_number() -> None:
    from django.utils import translation
    from django.utils.translation import ngettext

    one, many = "%(n)s claim waiting for approval", "%(n)s claims waiting for approval"  # expenses' own
    with translation.override("fr"):
        for n in (0, 1, 2, 6):
            text = ngettext(one, many, n) % {"n": n}
            assert "en attente" in text, text
