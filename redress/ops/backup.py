"""Backup and restore (docs/deployment.md, "Backup and restore").

A backup is a directory:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online backup API, a consistent copy while the server runs);
- ``media/``: every file of the default storage (attachments, exports), read through the storage
  API, so local folders and object storage alike;
- ``audit-anchors.log``: the anchor file, after a fresh anchor of the chain's head taken just
  before the dump, so that ``redress audit verify`` checks the restored chain against it;
- ``manifest.json``: versions, the database engine, the last migration of each app, and the
  size and SHA-256 of every file, checked before a restore touches anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import django
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.anchors import anchor_path, audit_anchor

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
ANCHORS = "audit-anchors.log"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    files: int
    media_files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _storage_walk(directory: str = "") -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a local storage nothing was ever saved to
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from _storage_walk(f"{directory}/{folder}" if directory else folder)


def _dump_database(target: Path) -> str:
    if connection.vendor == "postgresql":
        env, args = _pg_env()
        out = target / "database.dump"
        name = str(connection.settings_dict["NAME"])
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(out), *args, name],  # noqa: S607
            env=env,
            check=True,
            capture_output=True,
        )
        return out.name
    if connection.vendor == "sqlite":
        out = target / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(out) as copy:
            source.backup(copy)
        copy.close()
        return out.name
    raise BackupError(
        _("backups of a %(vendor)s database are not supported") % {"vendor": connection.vendor}
    )


def _migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in (
        MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name")
    ):
        last[app] = name
    return last


def backup_create(directory: Path) -> BackupResult:
    """Write a backup of the database, the files and the audit anchors into ``directory``
    (created; it must be empty or absent). Raises ``BackupError`` otherwise."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(
            _("%(folder)s is not empty: choose a new directory for each backup")
            % {"folder": directory}
        )
    directory.mkdir(parents=True, exist_ok=True)
    # The anchor first: every entry it names is in the dump taken after it.
    audit_anchor()
    database = _dump_database(directory)
    media_root = directory / MEDIA
    media_root.mkdir()
    media_count = 0
    for name in _storage_walk():
        if name.startswith("readyz/"):
            continue
        target = media_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        media_count += 1
    anchors = anchor_path()
    if anchors.is_file():
        shutil.copyfile(anchors, directory / ANCHORS)
    files = {
        str(path.relative_to(directory)): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "redress": version("redress"),
        "django": django.get_version(),
        "engine": connection.vendor,
        "database": database,
        "migrations": _migrations(),
        "media_files": media_count,
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(directory, len(files), media_count)


def backup_check(directory: Path) -> dict[str, Any]:
    """Read the manifest and check every file's size and checksum; raises ``BackupError``
    naming the first file missing or changed."""
    directory = Path(directory)
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(
            _("%(folder)s holds no readable %(manifest)s: %(error)s")
            % {"folder": directory, "manifest": MANIFEST, "error": error}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("unknown backup format %(format)r") % {"format": manifest.get("format")}
        )
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            raise BackupError(_("%(name)s is missing from the backup") % {"name": name})
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(
                _("%(name)s does not match its checksum in the manifest") % {"name": name}
            )
    return manifest


def database_is_empty() -> bool:
    """No complaint and no audit entry: nothing a restore would overwrite (a database just
    created, migrated or not)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("complaints_complaint", "audit_auditentry"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return False
    return True


def _restore_database(directory: Path, manifest: dict[str, Any]) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            _("the backup is of a %(theirs)s database; this one is %(ours)s")
            % {"theirs": manifest["engine"], "ours": connection.vendor}
        )
    dump = directory / manifest["database"]
    if connection.vendor == "postgresql":
        env, args = _pg_env()
        name = str(connection.settings_dict["NAME"])
        connection.close()
        result = subprocess.run(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                name,
                *args,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(
                _("pg_restore failed: %(error)s") % {"error": result.stderr.strip()[:2000]}
            )
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)
    source.close()


def backup_restore(directory: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into this database and storage. Refuses a database holding complaints
    or audit entries unless ``force``. Checks every checksum before changing anything."""
    directory = Path(directory)
    manifest = backup_check(directory)
    if not force and not database_is_empty():
        raise BackupError(
            _(
                "the database is not empty (it holds complaints or audit entries); restore into "
                "a new database, or pass --force to replace its contents"
            )
        )
    _restore_database(directory, manifest)
    media_root = directory / MEDIA
    for path in sorted(media_root.rglob("*")):
        if path.is_file():
            name = str(path.relative_to(media_root))
            if default_storage.exists(name):
                default_storage.delete(name)
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:
                raise BackupError(
                    _("the storage saved %(name)s as %(saved)s") % {"name": name, "saved": saved}
                )
    anchors = directory / ANCHORS
    if anchors.is_file():
        target = anchor_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(anchors, target)
    return manifest
