"""Background work of intake: polling the mailboxes (run by the worker's periodic sweep)."""

from __future__ import annotations

from django_tasks import task

from redress.intake.imap import mailbox_poll, mailboxes_poll
from redress.intake.models import Mailbox


def mail_sweep() -> int:
    """Poll every mailbox that is due; returns how many emails were taken. The worker's sweep
    calls this every minute (``REDRESS_MAIL_POLL_SECONDS`` sets how often each mailbox is read)."""
    return sum(result.fetched for result in mailboxes_poll(only_due=True))


@task()
def mail_sweep_task() -> int:
    return mail_sweep()


@task()
def mailbox_poll_task(mailbox_id: int) -> int:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    return mailbox_poll(mailbox).fetched if mailbox else 0
