"""Vietnamese is complete: every translatable string of every app is in its catalogue, translated,
and compiled (ISO 10002 accessibility; Redress's first users read Vietnamese)."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent for p in ROOT.glob("*/apps.py"))
CATALOGUES = sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"))


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_translated_and_compiled(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy in {po_path}: {fuzzy[:10]}"
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    expected = {_key(e): e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural}
    actual = {_key(e): e.msgstr for e in compiled if e.msgid and not e.msgid_plural}
    assert actual == expected, f"{po_path.with_suffix('.mo')} is out of date: run `make messages`"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_string_of_the_app_is_in_its_catalogue(app, tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is needed to check the catalogues (apt-get install gettext)")
    copy = tmp_path / app.name
    shutil.copytree(
        app,
        copy,
        ignore=shutil.ignore_patterns("locale", "tests", "migrations", "__pycache__", "static"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["vi"], verbosity=0)
    extracted = copy / "locale/vi/LC_MESSAGES/django.po"
    if not extracted.exists():
        return  # the app has no translatable text
    wanted = {_key(e) for e in polib.pofile(str(extracted)) if e.msgid}
    committed_path = app / "locale/vi/LC_MESSAGES/django.po"
    assert committed_path.exists(), f"{app.name} has translatable text but no Vietnamese catalogue"
    committed = {_key(e) for e in polib.pofile(str(committed_path)) if e.msgid}
    missing = sorted(wanted - committed)
    assert missing == [], (
        f"{app.name}: strings missing from the catalogue (run `make messages`): {missing[:10]}"
    )
