"""Background work of intake: polling the mailboxes (run by the worker's periodic sweep) and
importing large files uploaded in the admin."""

from __future__ import annotations

from django_tasks import task

from redress.core.actors import Actor
from redress.core.models import User
from redress.intake.imap import mailboxes_poll
from redress.intake.importing import IMPORT_ACTOR, batch_check_and_write
from redress.intake.models import ImportBatch


def mail_sweep() -> int:
    """Poll every mailbox that is due; returns how many emails were taken. The worker's sweep
    calls this every minute (``REDRESS_MAIL_POLL_SECONDS`` sets how often each mailbox is read)."""
    return sum(result.fetched for result in mailboxes_poll(only_due=True))


@task()
def batch_check_and_write_task(batch_id: int, user_id: int | None) -> int:
    """``batch_check_and_write`` for a file uploaded in the admin: large files are checked
    again and written here, not in the request. Returns how many complaints were created."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.state == ImportBatch.State.IMPORTED:
        return 0
    user = User.objects.filter(pk=user_id).first() if user_id else None
    result = batch_check_and_write(batch, actor=Actor.for_user(user) if user else IMPORT_ACTOR)
    return result.created if result else 0
