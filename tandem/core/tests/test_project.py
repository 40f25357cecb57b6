"""Project-wide guarantees: migrations complete, settings safe, translations complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when something is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()} ({exc})")


def _run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "TANDEM_ENV", "DATABASE_URL", "SITE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "tandem.settings", **env},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_refuses_to_start() -> None:
    result = _run_settings({"TANDEM_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts_without_debug() -> None:
    result = _run_settings({"TANDEM_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tandem.example",
                            "SITE_URL": "https://tandem.example"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_without_site_url_refuses_to_start() -> None:
    # Links in e-mails would otherwise point at a developer's machine.
    result = _run_settings({"TANDEM_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tandem.example"})
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_every_language_has_a_catalogue_for_every_app() -> None:
    apps = [p.parent for p in (ROOT / "tandem").glob("*/apps.py")]
    for app in apps:
        for lang in i18n.LANGUAGES:
            assert (app / "locale" / lang / "LC_MESSAGES" / "django.po").exists(), (app.name, lang)


@pytest.mark.parametrize("po_path", i18n.po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_without_fuzzy_entries(po_path: Path) -> None:
    assert i18n.problems(po_path) == []


@pytest.mark.parametrize("po_path", i18n.po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_po_file(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make compilemessages` for {po_path}"
    po = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.pofile(str(po_path)).translated_entries()}
    mo = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.mofile(str(mo_path))}
    mo.pop((None, ""), None)
    assert {k: str(v) for k, v in po.items()} == {k: str(v) for k, v in mo.items()}, "run `make compilemessages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_string_in_the_source_is_in_the_catalogues_and_no_other(tmp_path: Path) -> None:
    """Extract messages from a copy of the source: a string that is marked for translation but
    missing from the .po files shows up as untranslated there; an entry no source uses any more
    (a text reworded, given a msgctxt or made a plural: "Why", "Next best", "last school year
    (…)" were kept and translated for nobody) is not in the extracted catalogue."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "tandem", copy / "tandem", ignore=shutil.ignore_patterns("__pycache__"))
    i18n.makemessages(root=copy)
    missing = []
    for po_path in sorted((copy / "tandem").glob("*/locale/*/LC_MESSAGES/django.po")):
        missing += [f"{po_path.relative_to(copy)}: {p}" for p in i18n.problems(po_path)]
    assert not missing, "new strings need translating (`make messages`):\n" + "\n".join(missing[:30])
    unused = i18n.unused_entries(ROOT, copy)
    assert not unused, "entries no source uses (remove them; `python scripts/i18n.py unused`):\n" + "\n".join(unused)
