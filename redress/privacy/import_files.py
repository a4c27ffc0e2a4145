"""The stored import spreadsheets in an erasure (docs/privacy.md, "Erasing a person's data").

The bulk import keeps the file it was given (``intake.ImportBatch.file``): a CSV or Excel file
with a row per person, many people in one file. Erasure cannot delete the file without losing
the other people's rows, so it **rewrites** it: every cell naming the person (their rows, and
any other cell that mentions them) has the identifiers replaced by ``scrub.PLACEHOLDER``, the
same way as the database's text; the other cells and rows stay as they were, so the file still
shows what was imported and from where. The rewritten file is stored under its new content's
hash, as an upload would be, and the old one deleted once the erasure is committed.

The files looked at: those of the imports that created one of the complaints erased (the
complaint's ``source_system`` is ``import:<id>``), and those of imports never carried out (a
file checked or refused but not imported is linked to no complaint, yet may name the person).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q

from redress.complaints.models import Complaint
from redress.privacy.scrub import Identifiers

_SOURCE = "import:"


def _batches() -> type[models.Model]:
    # The import is intake's, above privacy in the layers: the model from the registry.
    return apps.get_model("intake", "ImportBatch")


def _import_ids(complaint_ids: Sequence[int]) -> set[int]:
    sources = Complaint.objects.filter(
        pk__in=complaint_ids, source_system__startswith=_SOURCE
    ).values_list("source_system", flat=True)
    return {int(s[len(_SOURCE) :]) for s in set(sources) if s[len(_SOURCE) :].isdigit()}


def _csv_rewrite(content: bytes, ids: Identifiers) -> bytes | None:
    bom = content.startswith(b"\xef\xbb\xbf")
    try:
        text, encoding = content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = content.decode("cp1258"), "cp1258"
    try:
        dialect: Any = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    scrubbed = [[ids.replace(cell) for cell in row] for row in rows]
    if scrubbed == rows:
        return None
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerows(scrubbed)
    rewritten = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + rewritten


def _xlsx_rewrite(content: bytes, ids: Identifiers) -> bytes | None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    changed = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and ids.replace(cell.value) != cell.value:
                    cell.value = ids.replace(cell.value)
                    changed = True
    if not changed:
        return None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_rewrite(content: bytes, name: str, ids: Identifiers) -> bytes | None:
    """The file's content with the identifiers replaced in every cell (a CSV or Excel file, as
    the import reads them), or None when no cell names the person."""
    if name.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        return _xlsx_rewrite(content, ids)
    return _csv_rewrite(content, ids)


def import_files_rewrite(complaint_ids: Sequence[int], ids: Identifiers) -> int:
    """Rewrite the stored import files that name the person (module docstring). Returns how
    many were rewritten."""
    batches = _batches()
    imported = batches._base_manager.filter(pk__in=_import_ids(complaint_ids))
    pending = batches._base_manager.exclude(state="imported")
    rewritten = 0
    for batch in (imported | pending).exclude(Q(file="") | Q(file__isnull=True)):
        name = str(batch.file.name)  # type: ignore[attr-defined]
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
        new = file_rewrite(content, str(batch.original_name), ids)  # type: ignore[attr-defined]
        if new is None:
            continue
        sha = hashlib.sha256(new).hexdigest()
        stored = default_storage.save(f"imports/{sha[:2]}/{sha}", ContentFile(new))
        batches._base_manager.filter(pk=batch.pk).update(file=stored, sha256=sha)
        if not batches._base_manager.filter(file=name).exclude(pk=batch.pk).exists():
            transaction.on_commit(partial(default_storage.delete, name))
        rewritten += 1
    return rewritten
