"""Weekly availability slots: 7 days x morning/afternoon/evening = 21 bits.

Slots are written ``"mon-evening"``; inside the engine they are bits of a
``uint64`` so that "how many slots do these two share" is one ``&`` and one
popcount over whole arrays of pairs.
"""

from collections.abc import Iterable

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("morning", "afternoon", "evening")
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)
SLOT_BIT: dict[str, int] = {slot: 1 << i for i, slot in enumerate(SLOTS)}

_DAY_LABEL = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}
_PART_PLURAL = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"}


def slot_mask(slots: Iterable[str]) -> int:
    """Bit mask of slot codes; unknown codes raise ``KeyError`` (validated earlier)."""
    mask = 0
    for slot in slots:
        mask |= SLOT_BIT[slot]
    return mask


def mask_slots(mask: int) -> tuple[str, ...]:
    """Slot codes of a mask, in week order."""
    return tuple(slot for i, slot in enumerate(SLOTS) if mask >> i & 1)


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_slots(mask: int) -> str:
    """English phrase for shared slots, grouped by part of day.

    ``tue-evening | thu-evening | sat-morning`` -> "Tue and Thu evenings, Sat morning".
    Grouping by part of day is how coordinators talk about availability, and it
    keeps a 6-slot overlap readable.
    """
    groups: list[str] = []
    for part in PARTS:
        days = [_DAY_LABEL[day] for day in DAYS if mask & SLOT_BIT[f"{day}-{part}"]]
        if days:
            noun = _PART_PLURAL[part] if len(days) > 1 else part
            groups.append(f"{_join_words(days)} {noun}")
    return ", ".join(groups)
