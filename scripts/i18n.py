"""Translation housekeeping for every Tandem app.

    python scripts/i18n.py makemessages   # refresh each app's .po files (needs GNU gettext)
    python scripts/i18n.py compile        # .po -> .mo in pure Python (polib), no gettext needed
    python scripts/i18n.py check          # exit 1 on untranslated or fuzzy entries
    python scripts/i18n.py french-spaces  # a no-break space before : ; ? ! and inside « » (fr)
    python scripts/i18n.py unused         # entries no source uses any more (needs GNU gettext)

Each app keeps its own ``locale/`` so apps can be worked on independently.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "fr", "de")


def app_dirs() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "tandem").glob("*/apps.py"))


def po_files() -> list[Path]:
    return sorted((ROOT / "tandem").glob("*/locale/*/LC_MESSAGES/django.po"))


def makemessages(root: Path = ROOT) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tandem.settings", "PYTHONPATH": str(root)}
    for app in sorted(p.parent for p in (root / "tandem").glob("*/apps.py")):
        (app / "locale").mkdir(exist_ok=True)
        # -P: the app folder must not shadow stdlib modules (core/selectors.py!).
        args = [sys.executable, "-P", "-m", "django", "makemessages", "--no-location", "--no-obsolete"]
        for lang in LANGUAGES:
            args += ["-l", lang]
        subprocess.run(args, cwd=app, env=env, check=True, stdout=subprocess.DEVNULL)
    for po_path in sorted((root / "tandem").glob("*/locale/*/LC_MESSAGES/django.po")):
        # A new catalogue's header is marked fuzzy by gettext; the header is ours, not a guess.
        po = polib.pofile(str(po_path))
        if po.metadata_is_fuzzy:
            po.metadata_is_fuzzy = False
            po.save(str(po_path))


def compile_all() -> None:
    for po_path in po_files():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    for entry in po.translated_entries():
        if entry.msgid_plural and not all(entry.msgstr_plural.values()):
            found.append(f"missing plural form: {entry.msgid!r}")
    return found


# French typography (the rule: tandem/core/tests/test_french_spacing.py): U+00A0 NO-BREAK SPACE
# before : ; ? ! and » and after «, so a line never breaks before the mark.
NBSP = "\u00a0"
_JOIN = "\x00"  # where two quoted lines of one msgstr meet in the .po file
_BEFORE_MARK = re.compile(rf"[ \u202f]({_JOIN}?)(?=[:;?!»])")
_AFTER_GUILLEMET = re.compile(rf"(«{_JOIN}?)[ \u202f]")
_MSGSTR = re.compile(r'^msgstr(\[\d+\])? "')


def french_spaces(text: str) -> str:
    """``text`` with the space before : ; ? ! » and after « made a no-break space. Touches only
    a space that is there (a time "10:30", a URL or a "%(name)s" has none before its colon)."""
    text = _BEFORE_MARK.sub(lambda m: NBSP + m.group(1), text)
    return _AFTER_GUILLEMET.sub(lambda m: m.group(1) + NBSP, text)


def french_spaces_in_po(source: str) -> str:
    """The .po text with :func:`french_spaces` applied to each msgstr, edited in place: msgids,
    comments, the header and the line wrapping stay as they are."""
    return typography_in_po(source, french_spaces)


# One apostrophe in French and Dutch (the rule: tandem/core/tests/test_apostrophes.py): the
# typographic ’ (l’école, programma’s, zo’n), as most entries and the quotation marks ‘…’ “…”
# already had; a straight ' stays only inside what is code, not text: a placeholder
# ("%(name)s", "{name}") or an HTML tag's attributes (<a href='…'>).
APOSTROPHE_LANGUAGES = ("fr", "nl")
CODE = re.compile(r"%\([^)]*\)[a-z]|\{[^{}]*\}|<[^<>]*>")


def apostrophes(text: str) -> str:
    """``text`` with each straight apostrophe outside placeholders and tags made a ’."""
    out, at = [], 0
    for code in CODE.finditer(text):
        out += [text[at:code.start()].replace("'", "’"), code.group()]
        at = code.end()
    return "".join(out) + text[at:].replace("'", "’")


def typography_in_po(source: str, fix: Callable[[str], str]) -> str:
    """The .po text with ``fix`` applied to each msgstr, edited in place: msgids, comments, the
    header and the line wrapping stay as they are."""
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        if not _MSGSTR.match(lines[i]) or (i > 0 and lines[i - 1] == 'msgid ""' and lines[i] == 'msgstr ""'):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        heads, bodies = [], []
        for line in lines[i:end]:
            head, _, body = line.partition('"')
            heads.append(head + '"')
            bodies.append(body[:-1])  # without the closing quote
        fixed = fix(_JOIN.join(bodies)).split(_JOIN)
        lines[i:end] = [f'{head}{body}"' for head, body in zip(heads, fixed, strict=True)]
        i = end
    return "\n".join(lines)


def fix_french_spaces() -> None:
    """French spaces, and the one apostrophe of French and Dutch: the typography step run after
    adding translations."""
    for po_path in sorted((ROOT / "tandem").glob("*/locale/*/LC_MESSAGES/django.po")):
        language = po_path.parts[-3]
        source = po_path.read_text(encoding="utf-8")
        fixed = french_spaces_in_po(source) if language == "fr" else source
        if language in APOSTROPHE_LANGUAGES:
            fixed = typography_in_po(fixed, apostrophes)
        if fixed != source:
            po_path.write_text(fixed, encoding="utf-8")


def check() -> int:
    bad = 0
    for po_path in po_files():
        for problem in problems(po_path):
            print(f"{po_path.relative_to(ROOT)}: {problem}")
            bad += 1
    return 1 if bad else 0


def unused_entries(root: Path, extracted: Path) -> list[str]:
    """Entries of ``root``'s catalogues that no source uses any more (a text reworded, given a
    msgctxt or made a plural leaves its old entry behind): those missing from the catalogues
    ``makemessages`` made of a copy of the apps at ``extracted``. A text built in code is
    invisible to xgettext, so it must not be: no gettext call inside an f-string (it does not
    read them), or its entry reads as unused here and the next ``makemessages`` drops it."""
    found = []
    for po_path in sorted((root / "tandem").glob("*/locale/*/LC_MESSAGES/django.po")):
        used = {(e.msgctxt, e.msgid) for e in polib.pofile(str(extracted / po_path.relative_to(root)))}
        where = po_path.relative_to(root)
        found += [f"{where}: unused: {(e.msgctxt, e.msgid)!r}" for e in polib.pofile(str(po_path))
                  if not e.obsolete and (e.msgctxt, e.msgid) not in used]
    return found


def unused(root: Path = ROOT) -> list[str]:
    """``unused_entries`` of the catalogues, extracting from a temporary copy of the apps (the
    real catalogues stay as they are)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        shutil.copytree(root / "tandem", copy / "tandem", ignore=shutil.ignore_patterns("__pycache__"))
        makemessages(copy)
        return unused_entries(root, copy)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "makemessages":
        makemessages()
        compile_all()
    elif command == "compile":
        compile_all()
    elif command == "french-spaces":
        fix_french_spaces()
        compile_all()
    elif command == "unused":
        lines = unused()
        print("\n".join(lines))
        sys.exit(1 if lines else 0)
    else:
        sys.exit(check())
