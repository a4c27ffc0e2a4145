"""Test databases made from a migrated copy kept between runs (the root conftest.py).

Migrating an empty database takes each test process 15–25 s, most of it Django re-rendering
the models' states between the data migrations. The first run builds the migrated database
once (a PostgreSQL database, or an SQLite file under the user's cache folder) and each test
process then starts from a copy: PostgreSQL's ``CREATE DATABASE … TEMPLATE``, a copy of the
SQLite file. Django's own ``migrate`` still runs on the copy and finds nothing to apply.

The copy is named by a digest of everything that decides what ``migrate`` writes: the code and
translations of every app (not its tests, templates or static files), the settings, the locked
dependencies and the Python version. Any change there makes another copy; the older ones are
removed when it is built. ``REDRESS_TEST_TEMPLATE=0`` migrates each test database from
nothing, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "redress_tpl_"
# PostgreSQL advisory locks: one builder at a time; every test session using a copy (shared).
BUILD_LOCK = "SELECT pg_advisory_{}(hashtext('redress test template build'))"
USE_LOCK = "SELECT pg_{}(hashtext('redress test template use'))"
# Folders of an app that cannot change what a migration writes.
SKIPPED = {"tests", "templates", "static", "__pycache__"}
# What the test process keeps open for its session: the in-memory SQLite databases filled from
# the copy, and the shared locks that keep the copies from being removed while in use.
_kept: list[Any] = []


def enabled() -> bool:
    return os.environ.get("REDRESS_TEST_TEMPLATE", "1") != "0"


def digest(root: Path = ROOT) -> str:
    """What ``migrate`` writes depends on, hashed (``root``: the project's folder)."""
    files = [root / "uv.lock", root / "manage.py"]
    for top in ("redress", "config"):
        for folder, subfolders, names in os.walk(root / top):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED)
            files.extend(Path(folder) / name for name in sorted(names) if not name.endswith(".pyc"))
    hashed = hashlib.sha256(sys.version.encode())
    for path in files:
        hashed.update(str(path.relative_to(root)).encode() + b"\0")
        hashed.update(path.read_bytes() if path.exists() else b"")
    return hashed.hexdigest()[:16]


def _migrate(database_url: str) -> None:
    """Migrate the database at ``database_url`` from nothing, in a child process."""
    env = dict(os.environ, DATABASE_URL=database_url, REDRESS_LOG_LEVEL="ERROR")
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
        check=True,
        cwd=ROOT,
        env=env,
    )


# --- PostgreSQL ----------------------------------------------------------------------------


def _postgres_url(settings: Mapping[str, Any], name: str) -> str:
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{at}{host}{port}/{name}"


def postgres_template(settings: Mapping[str, Any]) -> str:
    """The migrated copy's name, built now if this code has none yet. Test processes that start
    together wait for the one that builds it (an advisory lock); older copies are removed only
    while no test process is using any copy (each holds a shared lock for its session)."""
    import psycopg

    name = PREFIX + digest()
    connection = psycopg.connect(_postgres_url(settings, "postgres"), autocommit=True)
    connection.execute(BUILD_LOCK.format("lock"))
    try:
        found = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"]
        ).fetchall()
        if (name,) not in found:
            building = name + "_building"
            connection.execute(f'DROP DATABASE IF EXISTS "{building}"')
            connection.execute(f'CREATE DATABASE "{building}"')
            _migrate(_postgres_url(settings, building))
            connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            unused = connection.execute(USE_LOCK.format("try_advisory_lock")).fetchone()
            if unused and unused[0]:
                for (older,) in found:
                    with contextlib.suppress(psycopg.Error):
                        connection.execute(f'DROP DATABASE "{older}"')
                connection.execute(USE_LOCK.format("advisory_unlock"))
        connection.execute(USE_LOCK.format("advisory_lock_shared"))
    finally:
        connection.execute(BUILD_LOCK.format("unlock"))
    _kept.append(connection)  # the shared lock lasts as long as the test process
    return name


# --- SQLite --------------------------------------------------------------------------------


def _cache_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "redress" / "test-databases"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sqlite_template() -> Path:
    """The migrated copy's file, built now if this code has none yet (one builder at a time);
    older copies are removed only while no test process is using any (each holds a shared lock
    on ``use.lock`` for its session)."""
    folder = _cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{PREFIX}{digest()}.sqlite3"
    with _locked(folder / "build.lock"):
        use = (folder / "use.lock").open("a")
        if not path.exists():
            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            _migrate(f"sqlite:///{building}")
            building.replace(path)
            try:
                fcntl.flock(use, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # in use: a later build removes them
            else:
                for older in folder.glob(f"{PREFIX}*.sqlite3"):
                    if older != path:
                        older.unlink(missing_ok=True)
        fcntl.flock(use, fcntl.LOCK_SH)
    _kept.append(use)  # the shared lock lasts as long as the test process
    return path


def sqlite_fill(name: str, template: Path) -> None:
    """Start the test database ``name`` (a file, or an in-memory database's shared-cache URI)
    from the migrated file."""
    if not name.startswith("file:"):
        for leftover in (f"{name}-wal", f"{name}-shm"):
            Path(leftover).unlink(missing_ok=True)
        shutil.copyfile(template, name)
        return
    memory = sqlite3.connect(name, uri=True, check_same_thread=False)
    with contextlib.closing(sqlite3.connect(template)) as source:
        source.backup(memory)
    _kept.append(memory)  # an in-memory database lasts as long as a connection to it


def use_migrated_template() -> None:
    """Make the default test database start from the migrated copy."""
    if not enabled():
        return
    from django.conf import settings
    from django.db.backends.sqlite3.creation import DatabaseCreation

    database = settings.DATABASES["default"]
    engine = database["ENGINE"]
    try:
        if engine == "django.db.backends.postgresql":
            database.setdefault("TEST", {})["TEMPLATE"] = postgres_template(database)
            return
        if engine != "django.db.backends.sqlite3":
            return
        template = sqlite_template()
    except (OSError, subprocess.CalledProcessError) as error:
        # A migration that fails, or a cache folder that cannot be written: each test database
        # is migrated from nothing instead, where a failing migration shows its own error.
        print(
            f"No migrated copy for the test databases ({error}); migrating each.", file=sys.stderr
        )
        return
    create = DatabaseCreation._create_test_db  # type: ignore[attr-defined]

    def create_from_template(
        self: DatabaseCreation, verbosity: int, autoclobber: bool, keepdb: bool = False
    ) -> str:
        name = create(self, verbosity, autoclobber, keepdb)
        if self.connection.alias == "default" and not keepdb:
            sqlite_fill(name, template)
        return name

    DatabaseCreation._create_test_db = create_from_template  # type: ignore[attr-defined]
