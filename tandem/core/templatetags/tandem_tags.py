from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item_key(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row|get_item_key:"email" }}``: look a key up in a dict."""
    return mapping.get(key, "")
