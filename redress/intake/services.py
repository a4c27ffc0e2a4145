"""Idempotent intake: the same submission, sent twice, makes one complaint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint
from redress.complaints.services import Received
from redress.core.errors import Conflict
from redress.intake.models import IntakeKey


def fingerprint(payload: Any) -> str:
    """A stable hash of what was submitted (dict keys sorted)."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class IntakeResult:
    complaint: Complaint
    created: bool
    tracking_code: str | None  # only when this call created the complaint


def intake_once(*, scope: str, key: str, fingerprint: str, receive: Callable[[], Received]) -> IntakeResult:
    """Receive once per (scope, key).

    A repeat with the same fingerprint returns the first complaint (no tracking code: it was
    shown once); a repeat with another fingerprint raises ``Conflict`` (the key was reused for a
    different submission). Two concurrent submissions with one key make one complaint: the
    second waits on the unique key and then returns the first's complaint.
    """
    existing = IntakeKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
    if existing is not None:
        return _repeat(existing, fingerprint)
    try:
        with transaction.atomic():
            received = receive()
            IntakeKey.objects.create(scope=scope, key=key, fingerprint=fingerprint, complaint=received.complaint)
    except IntegrityError:
        existing = IntakeKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
        if existing is None:
            raise
        return _repeat(existing, fingerprint)
    return IntakeResult(received.complaint, True, received.tracking_code)


def _repeat(existing: IntakeKey, fingerprint: str) -> IntakeResult:
    if existing.fingerprint != fingerprint:
        raise Conflict(_("This key was already used for a different submission."), code="idempotency_conflict")
    return IntakeResult(existing.complaint, False, None)
