from typing import Any

from django import template

from tandem.core import naming

register = template.Library()


@register.filter
def get_item_key(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row|get_item_key:"email" }}``: look a key up in a dict."""
    return mapping.get(key, "")


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
