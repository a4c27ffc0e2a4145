"""The migrated copy the test databases start from (tests/database_template.py): named by what
``migrate`` writes depends on, so that a change to a migration or a model makes another copy
and a change to a test or a template does not; an SQLite test database copied from it starts
with every migration applied."""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path

import pytest

from tests import database_template
from tests.database_template import digest, sqlite_fill


def _project(root: Path) -> None:
    for path, text in {
        "uv.lock": "django==5.2\n",
        "manage.py": "# manage\n",
        "config/settings.py": "LANGUAGE_CODE = 'vi'\n",
        "redress/desk/models.py": "class Desk: ...\n",
        "redress/desk/migrations/0001_initial.py": "operations = []\n",
        "redress/desk/locale/vi/LC_MESSAGES/django.po": 'msgid "Desk"\nmsgstr "Bàn"\n',
        "redress/desk/tests/test_desk.py": "def test(): ...\n",
        "redress/desk/templates/desk.html": "<p>desk</p>\n",
        "redress/desk/static/desk.css": "p {}\n",
    }.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def test_the_copy_is_named_by_the_code_that_decides_what_migrate_writes(tmp_path):
    _project(tmp_path)
    first = digest(tmp_path)
    for unrelated in (
        "redress/desk/tests/test_desk.py",
        "redress/desk/templates/desk.html",
        "redress/desk/static/desk.css",
    ):
        (tmp_path / unrelated).write_text("changed\n")
        assert digest(tmp_path) == first, unrelated
    for decisive in (
        "redress/desk/migrations/0001_initial.py",
        "redress/desk/models.py",
        "redress/desk/locale/vi/LC_MESSAGES/django.po",
        "config/settings.py",
        "uv.lock",
    ):
        before = digest(tmp_path)
        (tmp_path / decisive).write_text(before)  # any other content
        assert digest(tmp_path) != before, decisive
    before = digest(tmp_path)
    (tmp_path / "redress/desk/migrations/0002_more.py").write_text("operations = []\n")
    assert digest(tmp_path) != before, "a new migration"


def test_an_sqlite_test_database_starts_as_a_copy_of_the_migrated_file(tmp_path):
    template = tmp_path / "migrated.sqlite3"
    with sqlite3.connect(template) as built:
        built.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        built.execute("INSERT INTO django_migrations VALUES ('desk', '0001_initial')")
    built.close()
    test_database = tmp_path / "test.sqlite3"
    test_database.write_text("an earlier run's database")
    stale_log = tmp_path / "test.sqlite3-wal"
    stale_log.write_text("an earlier run's log")
    sqlite_fill(str(test_database), template)
    assert not stale_log.exists(), "an earlier run's log would be replayed over the copy"
    with sqlite3.connect(test_database) as copied:
        assert copied.execute("SELECT app, name FROM django_migrations").fetchall() == [
            ("desk", "0001_initial")
        ]
    copied.close()


def test_an_in_memory_test_database_starts_as_a_copy_of_the_migrated_file(tmp_path):
    template = tmp_path / "migrated.sqlite3"
    with sqlite3.connect(template) as built:
        built.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        built.execute("INSERT INTO django_migrations VALUES ('desk', '0001_initial')")
    built.close()
    memory = "file:memorydb_template_test?mode=memory&cache=shared"
    sqlite_fill(memory, template)
    with sqlite3.connect(memory, uri=True) as reader:
        assert reader.execute("SELECT name FROM django_migrations").fetchall() == [
            ("0001_initial",)
        ]
    reader.close()


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    """A cache folder of its own, a build that writes a file instead of migrating, and the
    locks this test takes let go of afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(
        database_template, "_migrate", lambda url: Path(url.removeprefix("sqlite:///")).touch()
    )
    kept = list(database_template._kept)
    yield tmp_path / "redress" / "test-databases"
    for held in database_template._kept[len(kept) :]:
        held.close()
    database_template._kept[:] = kept


def test_older_copies_are_removed_only_while_no_test_session_uses_one(cache_folder, monkeypatch):
    cache_folder.mkdir(parents=True)
    older = cache_folder / f"{database_template.PREFIX}older.sqlite3"
    older.touch()
    # Another test session, started from the older copy, still running.
    with (cache_folder / "use.lock").open("a") as other:
        fcntl.flock(other, fcntl.LOCK_SH)
        monkeypatch.setattr(database_template, "digest", lambda: "newer")
        built = database_template.sqlite_template()
        assert built.exists()
        assert older.exists(), "removed while another session used it"
        fcntl.flock(other, fcntl.LOCK_UN)
    # That session over, and this one's lock let go: the next build removes what is unused.
    for held in database_template._kept[-1:]:
        held.close()
    monkeypatch.setattr(database_template, "digest", lambda: "newest")
    newest = database_template.sqlite_template()
    assert newest.exists()
    assert not older.exists() and not built.exists()
