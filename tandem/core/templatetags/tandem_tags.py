from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from tandem.core import history, naming, text
from tandem.core.availability import slot_labels as _slot_labels
from tandem.core.fields import vocabulary
from tandem.core.languages import language_name as _language_name
from tandem.core.languages import language_names as _language_names
from tandem.core.models import Programme

register = template.Library()


@register.filter
def get_item_key(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row|get_item_key:"email" }}``: look a key up in a dict."""
    return mapping.get(key, "")


@register.filter
def language_name(code: str) -> str:
    """``{{ "tr"|language_name }}`` → "Turks" in the reader's language."""
    return _language_name(code)


@register.filter
def language_names(codes: Iterable[str] | None) -> str:
    """``{{ learner.languages|language_names }}`` → "Nederlands, Turks" in the reader's language."""
    return ", ".join(_language_names(codes or []))


@register.filter
def slot_labels(codes: Iterable[str] | None) -> str:
    """``{{ volunteer.availability|slot_labels }}`` → "dinsdagmiddag, zaterdagochtend"."""
    return ", ".join(_slot_labels(codes or []))


@register.filter
def field_labels(codes: Iterable[str] | None, programme: Programme) -> str:
    """``{{ volunteer.expertise|field_labels:programme }}`` → "wiskunde, elektricien"."""
    return ", ".join(vocabulary(programme).labels(codes or []))


@register.filter
def person_label(who: Any) -> str:
    """``{{ learner|person_label }}``: "Marie Yıldız (Erasmus College, 15 years)", for a select."""
    return naming.person_label(who)


@register.inclusion_tag("core/_person.html")
def person(who: Any, url: str = "", role: str = "") -> dict[str, Any]:
    """``{% person learner url=… %}``: the name (a link when ``url`` is given) with, under it, what
    tells namesakes apart. Used by every list of people."""
    return {"name": naming.person_of(who).full_name, "url": url,
            "details": naming.person_details(who, role=role)}


@register.filter
def audit_changes(event: Any) -> list[history.Change]:
    """``{% for change in event|audit_changes %}``: an audit entry's changes in words."""
    return history.audit_changes(event)


@register.filter
def audit_kind(event: Any) -> str:
    """``{{ event|audit_kind }}``: the kind of record an audit entry is about ("Matching round")."""
    return history.subject_kind(event.subject or "")


@register.simple_tag(takes_context=True)
def audit_kind_here(context: Any, event: Any) -> str:
    """``{% audit_kind_here event as kind %}``: as ``audit_kind``, but an entry of the group
    programme the page is about (``programme`` in the context, if any) names a match by its
    group word ("Platz in einer Lerngemeinschaft", not "Tandem")."""
    programme = context.get("programme")
    group = programme is not None and event.programme_id == getattr(programme, "pk", None) \
        and bool(getattr(programme, "is_group", False))
    return history.subject_kind(event.subject or "", group=group)


@register.filter
def lowerfirst(value: Any) -> str:
    """``{{ label|lowerfirst }}``: a label inside a sentence ("Every two weeks" -> "every two
    weeks"). Only the first letter: ``|lower`` made German nouns small ("alle zwei wochen")."""
    text = str(value)
    return text[:1].lower() + text[1:]


@register.filter(name="in_sentence")
def in_sentence_filter(value: Any) -> str:
    """``{{ role|in_sentence }}``: a label set inside a sentence, lower case except in German,
    whose nouns keep their capital ("als Koordinator:in", "als coördinator", "en tant que
    coordinateur"); :func:`tandem.core.text.in_sentence`."""
    return text.in_sentence(value)


@register.filter
def grouped(value: Any) -> Any:
    """``{{ n|grouped }}``: a figure with its thousands grouped as the reader's language groups them
    ("7,000", "7.000", "7\u00a0000"), as Django's ``intcomma`` (humanize) does, for numbers only, so
    a dash or an empty value passes through. Inside ``{% blocktranslate %}`` the count chooses the
    plural and the grouped figure is shown: ``count number=x with n=x|grouped``. Only for figures
    shown as figures: Django's ``USE_THOUSAND_SEPARATOR`` would also group numbers in links and
    form values."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return text.grouped(value)


@register.filter
def reason(value: str) -> str:
    """``{{ event.note|reason }}``: a stored reason code as its label; typed text as typed."""
    return history.reason_text(value or "")


@register.filter
def local_date(value: Any) -> str:
    """``{{ date|local_date }}``: a date (or its ISO form, as e-mails carry it) in the active
    language's format."""
    return history.as_date(value) if value else ""


@register.filter
def local_datetime(value: Any) -> str:
    """``{{ moment|local_datetime }}``: a date and time (or its ISO form, as e-mails carry it) in
    the active language's format, in local time."""
    return history.as_datetime(value) if value else ""


@register.filter(needs_autoescape=True)
def colon(label: Any, autoescape: bool = True) -> SafeString:
    """``{{ _("Raised")|colon }} {{ n }}``: a label and its colon as the reader's language writes
    them — "Raised:", "Signalés\u00a0:" (French: a no-break space before it, so a line never
    starts with the colon). One catalogue entry, "%(label)s:", for every label in every app."""
    return mark_safe(text.colon(conditional_escape(label) if autoescape else str(label)))


@register.filter(needs_autoescape=True)
def quoted(words: Any, autoescape: bool = True) -> SafeString:
    """``{{ p.word|quoted }}``: someone's words in the reader's quotation marks — “leuk”, „toll“,
    « sympa » (``core.text.quoted``), never a “…” written into the template."""
    return mark_safe(text.quoted(conditional_escape(words) if autoescape else str(words)))


@register.filter(needs_autoescape=True)
def semicolons(items: Iterable[Any], attribute: str = "", autoescape: bool = True) -> SafeString:
    """``{{ goals|semicolons:"description" }}``: the items (or each one's ``attribute``), escaped,
    joined as the reader's language writes a list — "a; b", "a\u00a0; b" in French
    (``core.text.semicolons``)."""
    words = (getattr(item, attribute) if attribute else item for item in items)
    return mark_safe(text.semicolons(conditional_escape(word) if autoescape else str(word) for word in words))


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """``{{ round.progress|percent }}``: a share out of 100 as the reader writes it — "40%" in
    English and Dutch, "40\u00a0%" in French and German (``core.text.percent``)."""
    if value is None or value == "":
        return "–"
    return text.percent(float(value), int(digits))


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context: template.Context, page: Any) -> dict[str, Any]:
    """``{% pager page %}`` under a list paged by ``core.paging.paginate``: "Page 3 of 12",
    previous / next and a "go to page" field, keeping the search and the filters."""
    from tandem.core.paging import pager_links

    return pager_links(context["request"], page)


@register.filter
def person_options(rows: Iterable[Any], extra: str = "") -> str:
    """``<select>{{ learners|person_options }}</select>``: one ``<option>`` per row (its pk, its
    ``person_label``), written in one pass — a picker of thousands, where a template loop per
    option costs most of the page. ``extra="state"`` adds the row's state after the label."""
    return naming.person_options(rows, extra=extra)


@register.filter
def apprentices(programme: Any) -> bool:
    """``{% if programme|apprentices %}``: the programme's learners are apprentices, so the
    learner's schooling takes the apprentice's words (``core.apprentices``)."""
    from tandem.core.apprentices import learners_are_apprentices

    return learners_are_apprentices(programme)


@register.filter
def adult_learners(programme: Any) -> bool:
    """``{% if programme|adult_learners %}``: no learner is a child (apprentices, university
    students), so the safeguarding lead takes the neutral word (``core.apprentices``)."""
    from tandem.core.apprentices import learners_are_adults

    return learners_are_adults(programme)


@register.filter
def pair_length(programme: Programme) -> str:
    """``{{ programme|pair_length }}``: "A pair runs 20 weeks from its first meeting." — the one
    rule of ``core.cycle``; "" when the programme states no length."""
    from tandem.core.cycle import pair_length as sentence

    return sentence(programme)


@register.filter
def cycle_span(programme: Programme) -> str:
    """``{{ programme|cycle_span }}``: the programme's "Cycle" fact by the same rule."""
    from tandem.core.cycle import cycle_span as span

    return span(programme)
