"""Background work of certification: preparing an auditor's pack (queued by
``services.pack_start``)."""

from __future__ import annotations

from django_tasks import task

from redress.certification.services import pack_generate


@task()
def pack_generate_task(pack_id: int) -> str:
    """Prepare the pack; returns its state. Safe to run twice: a ready pack is left alone."""
    pack = pack_generate(pack_id)
    return pack.state if pack is not None else "gone"
