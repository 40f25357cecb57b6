"""Figures a page shows as figures group their thousands as the reader's language does: an
AFEV-sized programme read "7000 mentors" and "12034 meetings held"."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from tandem.core.templatetags.tandem_tags import grouped


def test_figures_are_grouped_per_language_and_other_values_pass_through() -> None:
    for language, expected in (("en", "12,034"), ("nl", "12.034"), ("de", "12.034"), ("fr", "12\u00a0034")):
        with translation.override(language):
            assert grouped(12034) == expected
            assert grouped(999) == "999"
    assert grouped("—") == "—" and grouped(None) is None and grouped(True) is True


def test_every_stat_on_the_pages_goes_through_it() -> None:
    """The template tag is used where figures are shown as figures (``<span class="stat">``).
    Inside ``blocktranslate``, whose body is the catalogue's text and takes no filters, the count
    chooses the plural and a grouped copy is shown (``test_grouped_sentences``)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bare = [f"{path.relative_to(root)}: {m.group(0)}"
            for path in root.glob("*/templates/**/*.html")
            for m in re.finditer(r'class="stat">\{\{ ([^{}]+?) \}\}<', re.sub(
                r"\{% blocktranslate.*?\{% endblocktranslate %\}", "", path.read_text(), flags=re.S))
            if "grouped" not in m.group(1) and "money" not in m.group(1) and "g\"" not in m.group(1)]
    assert not bare, bare
    with translation.override("de"):
        html = Template('{% load tandem_tags %}<span class="stat">{{ n|grouped }}</span>').render(Context({"n": 7000}))
    assert html == '<span class="stat">7.000</span>'
