"""A person's data export (``privacy.export``) as the person receives it: the JSON, a readable
page (Vietnamese by default, times in the organisation's time zone), and one ZIP holding both
and the files themselves."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from redress.complaints.models import Attachment
from redress.core.selectors import organisation_get


def person_export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# The sections the page lays out; any other (added to ``export.EXPORT_SECTIONS``) is shown
# as plain name and value rows.
LAID_OUT = frozenset(
    {
        "complainants",
        "complaints",
        "messages",
        "attachments",
        "consents",
        "survey_answers",
        "emails",
    }
)


def person_export_html(data: dict[str, Any], *, language: str = "vi") -> str:
    sections = data["sections"]
    other = [(name, rows) for name, rows in sections.items() if name not in LAID_OUT]
    with translation.override(language), timezone.override(organisation_get().time_zone):
        return render_to_string(
            "privacy/export.html",
            {"data": data, "sections": sections, "other_sections": other, "language": language},
        )


def person_export_zip(data: dict[str, Any], *, language: str = "vi") -> bytes:
    """data.json, readable.html and each file at the path its row names
    (attachments/<reference>/<file name>). A file missing from storage is left out; its row
    still describes it."""
    rows = data["sections"].get("attachments", [])
    stored = Attachment.objects.in_bulk([row["id"] for row in rows])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", person_export_json(data))
        archive.writestr("readable.html", person_export_html(data, language=language))
        for row in rows:
            attachment = stored.get(row["id"])
            if attachment is None:
                continue
            try:
                with attachment.file.open("rb") as handle:
                    archive.writestr(row["file"], handle.read())
            except (FileNotFoundError, OSError):
                continue
    return buffer.getvalue()
