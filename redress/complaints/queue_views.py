"""A person's own way of looking at the work queues: the columns they show and the views they
saved (a queue with its filters and sort, under a name).

Writes are services (audited, each in its transaction); reads are for the person themselves
only: nobody sees or changes another person's views or columns. A saved view keeps only the
query parameters a queue understands (``queues.FILTER_KEYS``), never a page number.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import QueueColumns, SavedQueueView
from redress.complaints.queues import DEFAULT_COLUMNS, FILTER_KEYS, Column, Queue
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotFound, ValidationFailed
from redress.core.models import User

MAX_SAVED_VIEWS = 30
NAME_LENGTH = 60


def queue_columns_get(user: User) -> list[str]:
    """The optional columns the person shows, in the queues' order (one query)."""
    chosen = QueueColumns.objects.filter(user=user).values_list("columns", flat=True).first()
    if chosen is None:
        return [str(c) for c in DEFAULT_COLUMNS]
    return [c for c in Column.values if c in chosen]


@transaction.atomic
def queue_columns_set(*, user: User, columns: Iterable[str]) -> list[str]:
    """Remember which optional columns the person shows. Unknown names are refused (422);
    none at all is allowed (the reference, deadline and time left are always shown)."""
    wanted = set(columns)
    unknown = sorted(wanted - set(Column.values))
    if unknown:
        raise ValidationFailed(
            _("Unknown column: %(names)s.") % {"names": ", ".join(unknown)},
            fields={"columns": [_("Choose among the columns offered.")]},
        )
    ordered = [c for c in Column.values if c in wanted]
    row, _created = QueueColumns.objects.select_for_update().get_or_create(user=user)
    before = list(row.columns)
    row.columns = ordered
    row.save()
    audit_record(
        actor=Actor.for_user(user),
        action="queue.columns",
        target=row,
        target_label=user.get_username(),
        before={"columns": before},
        after={"columns": ordered},
    )
    return ordered


def saved_query(query: str) -> str:
    """The part of a queue's query string a saved view keeps: its filters and sort, in the
    queues' order, without blanks or the page."""
    params = QueryDict(query)
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = params.get(key, "").strip()
        if value:
            kept[key] = value
    return kept.urlencode()


def saved_views_for(user: User) -> list[SavedQueueView]:
    """The person's saved views, by name (one query)."""
    return list(SavedQueueView.objects.filter(user=user).order_by("name", "pk"))


@transaction.atomic
def saved_view_create(*, user: User, name: str, queue: str, query: str) -> SavedQueueView:
    """Save a queue with its filters and sort under a name. A blank or too long name, an
    unknown queue (422), a name the person already uses or more than ``MAX_SAVED_VIEWS``
    views (409) are refused and nothing is saved."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(
            _("Give the view a name."), fields={"name": [_("Give the view a name.")]}
        )
    if len(name) > NAME_LENGTH:
        problem = _("At most %(count)s characters.") % {"count": NAME_LENGTH}
        raise ValidationFailed(problem, fields={"name": [problem]})
    if queue not in Queue.values:
        raise ValidationFailed(_("Unknown queue."), fields={"queue": [_("Unknown queue.")]})
    # Counted under the person's lock, so two saves at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if SavedQueueView.objects.filter(user=user).count() >= MAX_SAVED_VIEWS:
        raise Conflict(
            _("You have %(count)s saved views already: delete one first.")
            % {"count": MAX_SAVED_VIEWS}
        )
    kept = saved_query(query)
    try:
        with transaction.atomic():
            view = SavedQueueView.objects.create(user=user, name=name, queue=queue, query=kept)
    except IntegrityError:
        problem = _("You already have a view with this name.")
        raise Conflict(problem, fields={"name": [problem]}) from None
    audit_record(
        actor=Actor.for_user(user),
        action="queue.view_saved",
        target=view,
        target_label=name,
        after={"queue": queue, "query": kept},
    )
    return view


@transaction.atomic
def saved_view_delete(*, user: User, view_id: int) -> None:
    """Delete one of the person's saved views; another person's, or one that is gone, is not
    found (404) and nothing changes."""
    view = SavedQueueView.objects.select_for_update().filter(pk=view_id, user=user).first()
    if view is None:
        raise NotFound(_("This saved view does not exist."))
    audit_record(
        actor=Actor.for_user(user),
        action="queue.view_deleted",
        target=view,
        target_label=view.name,
        before={"queue": view.queue, "query": view.query},
    )
    view.delete()
