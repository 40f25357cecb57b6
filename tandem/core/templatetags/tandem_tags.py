from typing import Any

from django import template

from tandem.core import history

register = template.Library()


@register.filter
def get_item_key(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row|get_item_key:"email" }}``: look a key up in a dict."""
    return mapping.get(key, "")


@register.filter
def audit_changes(event: Any) -> list[history.Change]:
    """``{% for change in event|audit_changes %}``: an audit entry's changes in words."""
    return history.audit_changes(event)


@register.filter
def reason(value: str) -> str:
    """``{{ event.note|reason }}``: a stored reason code as its label; typed text as typed."""
    return history.reason_text(value or "")


@register.filter
def local_date(value: Any) -> str:
    """``{{ date|local_date }}``: a date (or its ISO form, as e-mails carry it) in the active
    language's format."""
    return history.as_date(value) if value else ""
