"""The vocabularies every app shares: languages (CLDR names), time slots, fields of expertise.

People see names in their own language and choose from lists; codes are what is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core import services
from tandem.core.availability import parse_slots, slot_label, validate_slots
from tandem.core.fields import (
    Vocabulary,
    codes_for_free_text,
    default_field_values,
    default_fields,
    parse_fields,
    validate_fields,
    vocabulary,
)
from tandem.core.languages import (
    language_choices,
    language_name,
    language_names,
    parse_languages,
    validate_languages,
)
from tandem.core.models import AuditEvent, Field, Programme
from tandem.core.text import fold


@pytest.mark.parametrize(("language", "names"), [
    ("en", "Dutch, Turkish, Arabic, Papiamento"),
    ("nl", "Nederlands, Turks, Arabisch, Papiaments"),
    ("fr", "néerlandais, turc, arabe, papiamento"),
    ("de", "Niederländisch, Türkisch, Arabisch, Papiamento"),
])
def test_language_codes_read_as_names_in_the_readers_language(world: World, language: str, names: str) -> None:
    assert ", ".join(language_names(["nl", "tr", "ar", "pap"], language)) == names
    programme = world.programme
    programme.languages = ["nl", "tr", "ar", "pap"]
    programme.save()
    user = world.users["mentor"]
    user.language = language
    user.save()
    page = world.client_for("mentor").get(programme.get_absolute_url()).content.decode()
    assert names in page and "nl, tr, ar, pap" not in page


def test_languages_cldr_lacks_have_names_and_unknown_codes_are_refused() -> None:
    assert language_name("ber", "nl") == "Berbers (Tamazight)"
    assert language_name("prs", "de") == "Dari"
    validate_languages(["nl", "pap", "ber", "prs", "wo"])
    for bad in (["xx"], ["Dutch"], "nl", [None]):
        with pytest.raises(ValidationError):
            validate_languages(bad)


def test_language_list_offers_the_programme_then_the_community_then_everything() -> None:
    with translation.override("nl"):
        groups = language_choices(country="NL", programme_languages=["nl", "tr"], current=["sw", "tr"])
    labels = [label for label, _options in groups]
    assert labels == ["Talen van dit programma", "Hier veel gesproken", "Ook gekozen", "Alle talen"]
    codes = [[code for code, _name in options] for _label, options in groups]
    assert codes[0] == ["nl", "tr"] and "ar" in codes[1] and "pap" in codes[1] and codes[2] == ["sw"]
    everything = codes[3]
    assert "ja" in everything and "nl" not in everything and len(everything) > 150
    assert dict(groups[3][1])["ja"] == "Japans"


def test_import_cells_take_codes_or_names_in_any_of_the_four_languages() -> None:
    assert parse_languages("Dutch; Türkisch, arabe, Papiaments, wo") == ["nl", "tr", "ar", "pap", "wo"]
    with pytest.raises(ValidationError, match="Klingon"):
        parse_languages("nl, Klingon")


@pytest.mark.parametrize(("language", "label"), [
    ("en", "Tuesday afternoon"), ("nl", "dinsdagmiddag"), ("fr", "mardi après-midi"),
    ("de", "Dienstagnachmittag"),
])
def test_time_slots_read_as_words(language: str, label: str) -> None:
    with translation.override(language):
        assert slot_label("tue-afternoon") == label
    assert parse_slots(f"{label}, sat-morning") == ["tue-afternoon", "sat-morning"]
    with pytest.raises(ValidationError):
        validate_slots(["tue-noon"])


@pytest.mark.parametrize("country", ["NL", "BE", "FR", "DE"])
def test_no_word_of_the_default_vocabulary_means_two_fields(country: str) -> None:
    meaning: dict[str, str] = {}
    fields = default_field_values(country=country, languages=[])
    for values in fields:
        words = [values["code"], *(values[f"label_{lang}"] for lang in ("en", "nl", "fr", "de")),
                 *(w for ws in values["synonyms"].values() for w in ws)]
        for word in words:
            assert meaning.setdefault(fold(word), values["code"]) == values["code"], (word, country)
    assert all(values[f"label_{lang}"] for values in fields for lang in ("en", "nl", "fr", "de"))


def test_synonyms_in_any_language_are_one_field(world: World) -> None:
    fields = vocabulary(world.programme)
    assert fields.resolve_all(["Mathe", "rekenen", "maths", "MATHÉMATIQUES", "wiskunde"]) == (["maths"], [])
    assert parse_fields(world.programme, "Kfz-Mechatroniker; elektricien, Nederlands") == [
        "mechanic", "electrician", "language"]
    with pytest.raises(ValidationError, match="astrology"):
        parse_fields(world.programme, "maths, astrology")
    with pytest.raises(ValidationError):
        validate_fields(world.programme, ["maths", "Mathe"])  # stored lists hold codes only
    with translation.override("de"):
        assert fields.labels(["maths", "career"]) == ["Mathematik", "Berufsorientierung"]
    assert fields.find_in_text("Iemand die elektricien is en van voetbal houdt") == ["electrician", "sport"]


def test_finding_fields_in_text_looks_up_the_texts_words_and_finds_what_scanning_found() -> None:
    """``find_in_text`` looks up runs of the text's words; the old way scanned the text for every
    word of the vocabulary. Both find the same codes in the same order, multi-word names included."""
    import random

    from tandem.core.text import fold

    fields = Vocabulary(default_fields(Programme(country="NL", languages=["nl"])))
    words = list(fields.index)
    assert any(" " in word for word in words)  # names of several words are in the vocabulary

    def scanned(text: str) -> list[str]:
        padded = f" {fold(text)} "
        if not padded.strip():
            return []
        return list(dict.fromkeys(code for word, code in fields.index.items() if f" {word} " in padded))

    chance = random.Random(11)
    filler = ["iemand", "die", "is", "en", "van", "houdt", "Mathe!", "l'école", "—", "  ", "ÉLECTRICIEN,"]
    texts = ["", "   ", "?!", "Iemand die elektricien is en van voetbal houdt"]
    for _ in range(300):
        texts.append(" ".join(chance.choice(words + filler * 3) for _ in range(chance.randint(1, 12))))
    for text in texts:
        assert fields.find_in_text(text) == scanned(text), text


def test_a_german_programmes_school_language_is_german() -> None:
    german = Vocabulary(default_fields(Programme(country="DE", languages=["de", "tr"])))
    assert german.resolve("Deutsch") == "language" and german.resolve("Niederländisch") == "foreign_languages"
    dutch = Vocabulary(default_fields(Programme(country="NL", languages=["nl"])))
    assert dutch.resolve("Nederlands") == "language" and dutch.resolve("Deutsch") == "foreign_languages"


def test_coordinators_add_and_rename_fields_and_a_word_cannot_mean_two(world: World) -> None:
    client = world.client_for("coordinator")
    url = reverse("core:fields", kwargs={"org": "zuid", "prog": "moz"})
    with translation.override("en"):
        page = client.get(url).content.decode()
    assert "career orientation" in page and Field.objects.filter(programme=world.programme).count() > 20
    response = client.post(url, {"label_en": "chess", "label_nl": "schaken", "label_de": "Schach",
                                 "synonyms_fr": "échecs", "synonyms_nl": "dammen"})
    assert response.status_code == 302
    chess = world.programme.fields.get(code="chess")
    assert chess.synonyms == {"fr": ["échecs"], "nl": ["dammen"]}
    assert AuditEvent.objects.filter(subject=f"field:{chess.pk}", action="created").exists()
    assert vocabulary(Programme.objects.get(pk=world.programme.pk)).resolve("Echecs") == "chess"
    clash = client.post(url, {"label_en": "sums", "synonyms_nl": "rekenen"})
    assert clash.status_code == 200 and "already means" in clash.content.decode()
    assert not world.programme.fields.filter(code="sums").exists()
    edit = reverse("core:field_edit", kwargs={"org": "zuid", "prog": "moz", "pk": chess.pk})
    assert client.post(edit, {"label_en": "chess", "label_fr": "échecs", "synonyms_nl": "dammen",
                              "version": chess.version}).status_code == 302
    chess.refresh_from_db()
    assert chess.label_fr == "échecs" and chess.synonyms == {"nl": ["dammen"]}
    # Another programme's field is not reachable through this one.
    foreign = Field.objects.create(programme=world.foreign_programme, code="x", label_en="x")
    assert client.get(reverse("core:field_edit", kwargs={"org": "zuid", "prog": "moz", "pk": foreign.pk})
                      ).status_code == 404


def test_a_new_programme_gets_the_default_fields(world: World) -> None:
    programme = services.programme_create(organisation=world.organisation, actor=world.users["org_admin"],
                                          name="Bouw", slug="bouw", country="NL", languages=["nl"])
    assert programme.fields.filter(code="maths", label_nl="wiskunde").exists()


def test_free_text_from_before_becomes_codes_and_unknown_words_new_fields(world: World) -> None:
    services.fields_seed(programme=world.programme)
    caches: dict[int, Vocabulary] = {}
    codes = codes_for_free_text(field_model=Field, programme=world.programme,
                                words=["Mathe", "rekenen", "Klingon poetry", " "], vocabularies=caches)
    assert codes == ["maths", "klingon_poetry"]
    assert world.programme.fields.get(code="klingon_poetry").label_en == "Klingon poetry"
    again = codes_for_free_text(field_model=Field, programme=world.programme, words=["klingon poetry"],
                                vocabularies=caches)
    assert again == ["klingon_poetry"]


def test_the_programme_form_offers_languages_by_name_and_refuses_unknown_codes(world: World) -> None:
    client = world.client_for("coordinator")
    url = reverse("core:programme_edit", kwargs={"org": "zuid", "prog": "moz"})
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    page = client.get(url).content.decode()
    assert 'value="tr"' in page and "Turks" in page and "ISO" not in page
    data = {"name": "Mentoren op Zuid", "format": "one_to_one", "country": "NL", "meeting_cadence": "weekly",
            "session_minutes": 60, "version": world.programme.version, "is_active": "on"}
    refused = client.post(url, {**data, "languages": ["nl", "xx"]})
    assert refused.status_code == 200 and not Programme.objects.get(pk=world.programme.pk).languages
    assert client.post(url, {**data, "languages": ["nl", "pap"]}).status_code == 302
    assert Programme.objects.get(pk=world.programme.pk).languages == ["nl", "pap"]
