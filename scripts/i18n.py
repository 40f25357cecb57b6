"""Translation housekeeping for every Tandem app.

    python scripts/i18n.py makemessages   # refresh each app's .po files (needs GNU gettext)
    python scripts/i18n.py compile        # .po -> .mo in pure Python (polib), no gettext needed
    python scripts/i18n.py check          # exit 1 on untranslated or fuzzy entries

Each app keeps its own ``locale/`` so apps can be worked on independently.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


def check() -> int:
    bad = 0
    for po_path in po_files():
        for problem in problems(po_path):
            print(f"{po_path.relative_to(ROOT)}: {problem}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "makemessages":
        makemessages()
        compile_all()
    elif command == "compile":
        compile_all()
    else:
        sys.exit(check())
