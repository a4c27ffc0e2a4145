"""Work queues: which complaints need someone's attention next (ISO 10002 7.3, 4.12, 4.15).

Every queue, filter, sort, page and count starts from ``complaints_visible_to``. A page is one
bounded query (offset at most ``MAX_PAGE`` pages deep, one extra row tells whether a next page
exists). The counts of the queues read the queue tally (``complaints.queue_tally``: a few rows
per unit, whatever the number of complaints), corrected for the few complaints the person sees
outside their units or may not see inside them; the overdue and due-soon counts read the
deadline tally (``complaints.deadline_tally``: per unit, status and hour due) and, for the hour
now and the hour the range ends, the running deadlines' index.

The deadline that matters now (``next_due_at``) depends on the stage
(``complaints.models.deadline``); the database stores it with the complaint and indexes it for
the complaints that have one running (open and not paused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.complaints.deadline_tally import DueRange, due_counts
from redress.complaints.models import Complaint, PauseReason, Priority, Status
from redress.complaints.models.deadline import CLOSING, DECIDING
from redress.complaints.queue_tally import Cell, correction_cells, tally_scope
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import unit_descendant_ids, user_roles

DUE_SOON = dt.timedelta(hours=48)
PAGE_SIZE = 50
MAX_PAGE = 200

OPEN = ~Q(status=Status.CLOSED)
# Complaints that are over but for their closure (the overdue queue leaves them out).
_ONLY_CLOSING = [Status.WITHDRAWN, Status.NOT_ACCEPTED]
# The stage whose deadline runs in each open status (the dashboards count open work by it).
STAGE_STATUSES: dict[str, list[Status]] = {
    "ack": [Status.RECEIVED],
    "assess": [Status.ACKNOWLEDGED],
    "decision": DECIDING,
    "review": [Status.UNDER_REVIEW],
    "close": CLOSING,
}


class Queue(models.TextChoices):
    MINE = "mine", _("My complaints")
    UNIT = "unit", _("My unit")
    UNASSIGNED = "unassigned", _("Unassigned")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_COMPLAINANT = "awaiting_complainant", _("Awaiting complainant")
    ALL = "all", _("All visible")


class Sort(models.TextChoices):
    RECEIVED_DESC = "-received", _("Newest first")
    RECEIVED = "received", _("Oldest first")
    DEADLINE = "deadline", _("Deadline")
    PRIORITY = "priority", _("Priority")
    REFERENCE = "reference", _("Reference")
    STATUS = "status", _("Status")


class DeadlineFilter(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    ON_TRACK = "on_track", _("On track")
    NONE = "none", _("No deadline")


# The query parameters a queue page understands besides ``page``: what a saved view keeps.
FILTER_KEYS = (
    "status",
    "priority",
    "category",
    "unit",
    "owner",
    "channel",
    "received_from",
    "received_to",
    "deadline",
    "sort",
)


class Column(models.TextChoices):
    """The columns a person may show or hide. The reference, the deadline and the time left
    are always shown, first: what a queue is for is which complaint needs action by when."""

    SUBJECT = "subject", _("Subject")
    COMPLAINANT = "complainant", _("Complainant")
    STATUS = "status", _("Status")
    PRIORITY = "priority", _("Priority")
    CATEGORY = "category", _("Category")
    UNIT = "unit", _("Unit")
    OWNER = "owner", _("Owner")
    CHANNEL = "channel", _("Channel")
    RECEIVED = "received", _("Received")


# Shown until a person chooses: they fit a 1366 px screen beside the navigation.
DEFAULT_COLUMNS = (Column.SUBJECT, Column.STATUS, Column.PRIORITY, Column.OWNER)


def priority_rank_expression() -> Case:
    return Case(
        When(priority=Priority.URGENT, then=Value(0)),
        When(priority=Priority.HIGH, then=Value(1)),
        When(priority=Priority.NORMAL, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def user_unit_ids(user: User) -> set[int]:
    """The units a person works in: frontline/handler units, and for managers every unit below."""
    roles = user_roles(user)
    units = set(roles.get(Role.FRONTLINE, set())) | set(roles.get(Role.HANDLER, set()))
    if Role.COMPLAINTS_MANAGER in roles:
        units |= unit_descendant_ids(roles[Role.COMPLAINTS_MANAGER])
    return units


def _queue_condition(queue: str, *, user: User, units: set[int], now: dt.datetime) -> Q:
    match queue:
        case Queue.MINE:
            return OPEN & Q(owner_id=user.pk)
        case Queue.UNIT:
            return OPEN & Q(unit_id__in=units)
        case Queue.UNASSIGNED:
            return OPEN & Q(owner__isnull=True)
        case Queue.DUE_SOON:
            return Q(next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)
        case Queue.OVERDUE:
            # A withdrawn or not-accepted complaint only waits to be closed: its close deadline
            # is no reason to act on it now, so the queue of late work leaves it out.
            return Q(next_due_at__lt=now) & ~Q(status__in=_ONLY_CLOSING)
        case Queue.AWAITING_APPROVAL:
            return Q(status=Status.DECISION_PROPOSED)
        case Queue.AWAITING_COMPLAINANT:
            return (OPEN & Q(paused_at__isnull=False, pause_reason=PauseReason.COMPLAINANT)) | Q(
                status=Status.DECISION_COMMUNICATED, paused_at__isnull=True
            )
        case Queue.ALL:
            return Q()
    raise ValueError(queue)


def _visible(user: User) -> QuerySet[Complaint]:
    return complaints_visible_to(user)


# The queues whose counts are kept in the tally; the others change with time alone.
_TIMED = (Queue.DUE_SOON, Queue.OVERDUE)
_TALLIED = [key for key in Queue.values if key not in _TIMED]


def _cell_in_queue(queue: str, cell: Cell, *, user: User, units: set[int]) -> bool:
    """``_queue_condition`` on a tally cell (unit, owner or 0, status, pause key), for the queues
    the tally keeps."""
    unit, owner, status, pause = cell
    still_open = status != Status.CLOSED
    match queue:
        case Queue.MINE:
            return still_open and owner == user.pk
        case Queue.UNIT:
            return still_open and unit in units
        case Queue.UNASSIGNED:
            return still_open and owner == 0
        case Queue.AWAITING_APPROVAL:
            return status == Status.DECISION_PROPOSED
        case Queue.AWAITING_COMPLAINANT:
            return (still_open and pause == PauseReason.COMPLAINANT) or (
                status == Status.DECISION_COMMUNICATED and pause == ""
            )
        case Queue.ALL:
            return True
    raise ValueError(queue)


def queue_counts(user: User, *, now: dt.datetime | None = None) -> dict[str, int]:
    """How many complaints each queue holds for the user, in a fixed number of queries whatever
    the number of complaints: the tally's cells of the units the person sees (a few hundred rows
    at most), corrected for the few complaints the gate adds or hides
    (``queue_tally.tally_scope``), each cell counted into the queues it belongs to; and the
    overdue and due-soon complaints, from the deadline tally (``deadline_tally.due_counts``)."""
    now = now or timezone.now()
    counts = dict.fromkeys(Queue.values, 0)
    scope = tally_scope(user)
    if scope is None:
        return counts
    units = user_unit_ids(user)
    read = scope.cells.values_list("unit_id", "owner_key", "status", "pause")
    cells: dict[Cell, int] = {
        (unit, owner, status, pause): total
        for unit, owner, status, pause, total in read.annotate(total=Sum("count")).order_by()
    }
    if scope.corrections:
        for cell, sign, found in correction_cells(scope):
            cells[cell] = cells.get(cell, 0) + sign * found
    for cell, total in cells.items():
        for key in _TALLIED:
            if total and _cell_in_queue(key, cell, user=user, units=units):
                counts[key] += total
    due = due_counts(
        scope,
        _visible(user),
        {
            Queue.OVERDUE: DueRange(until=now, where=~Q(status__in=_ONLY_CLOSING)),
            Queue.DUE_SOON: DueRange(since=now, until=now + DUE_SOON),
        },
    )
    counts.update({queue: found[()] for queue, found in due.items()})
    return counts


@dataclass(frozen=True)
class ListFilters:
    """Already-validated filters of a queue page (ids, values of the vocabularies, local dates)."""

    status: str = ""
    priority: str = ""
    category_id: int | None = None
    unit_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    deadline: str = ""
    sort: str = Sort.RECEIVED_DESC


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone()
    )


def filter_complaints(
    queryset: QuerySet[Complaint], filters: ListFilters, *, now: dt.datetime
) -> QuerySet[Complaint]:
    """Apply the list filters to a queryset of complaints."""
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    if filters.category_id:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.unit_id:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.unowned:
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner_id:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=_local_midnight(filters.received_from))
    if filters.received_to:
        queryset = queryset.filter(
            received_at__lt=_local_midnight(filters.received_to + dt.timedelta(days=1))
        )
    match filters.deadline:
        case DeadlineFilter.OVERDUE:
            queryset = queryset.filter(next_due_at__lt=now)
        case DeadlineFilter.DUE_SOON:
            queryset = queryset.filter(next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)
        case DeadlineFilter.ON_TRACK:
            queryset = queryset.filter(next_due_at__gte=now + DUE_SOON)
        case DeadlineFilter.NONE:
            queryset = queryset.filter(next_due_at__isnull=True)
    return queryset


def sort_complaints(queryset: QuerySet[Complaint], sort: str) -> QuerySet[Complaint]:
    match sort:
        case Sort.RECEIVED:
            return queryset.order_by("received_at", "pk")
        case Sort.DEADLINE:
            return queryset.order_by(F("next_due_at").asc(nulls_last=True), "received_at", "pk")
        case Sort.PRIORITY:
            return queryset.alias(priority_rank=priority_rank_expression()).order_by(
                "priority_rank", "received_at", "pk"
            )
        case Sort.REFERENCE:
            return queryset.order_by("reference")
        case Sort.STATUS:
            return queryset.order_by("status", "-received_at", "-pk")
    return queryset.order_by("-received_at", "-pk")


@dataclass
class Page:
    rows: list[Complaint]
    number: int
    has_next: bool
    size: int = PAGE_SIZE
    capped: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def paginate(
    queryset: QuerySet[Complaint], page: int, *, size: int = PAGE_SIZE, ids_first: bool = False
) -> Page:
    """One bounded query: ``size + 1`` rows at an offset of at most ``MAX_PAGE`` pages.

    ``ids_first`` (a queryset that joins other tables for its rows): past the first page the
    offset is walked by a subquery over the complaints alone, and only the page's rows are
    joined — a 50th page otherwise joins the 2,450 rows before it too."""
    number = max(1, min(page, MAX_PAGE))
    offset = (number - 1) * size
    if ids_first and offset:
        window = queryset.values("pk")[offset : offset + size + 1]
        rows = list(queryset.filter(pk__in=window))
    else:
        rows = list(queryset[offset : offset + size + 1])
    has_next = len(rows) > size
    return Page(
        rows=rows[:size],
        number=number,
        has_next=has_next and number < MAX_PAGE,
        size=size,
        capped=has_next and number >= MAX_PAGE,
    )


def queue_queryset(
    user: User, queue: str, filters: ListFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    """The complaints of one queue, filtered and sorted, with what a list row shows."""
    now = now or timezone.now()
    filters = filters or ListFilters()
    queryset = _visible(user).filter(
        _queue_condition(queue, user=user, units=user_unit_ids(user), now=now)
    )
    queryset = filter_complaints(queryset, filters, now=now)
    queryset = sort_complaints(queryset, filters.sort)
    return queryset.annotate(due_at=F("next_due_at")).select_related(
        "complainant", "unit", "owner", "category"
    )


def queue_page(
    user: User,
    queue: str,
    filters: ListFilters | None = None,
    *,
    page: int = 1,
    now: dt.datetime | None = None,
    fields: Sequence[str] = (),
) -> Page:
    """One page of a queue; with ``fields``, only those columns of the complaints and of the
    related rows (``"unit__name"``) are read: a list needs neither descriptions nor search
    texts."""
    queryset = queue_queryset(user, queue, filters, now=now)
    return paginate(queryset.only(*fields) if fields else queryset, page, ids_first=True)


def deadline_state(due_at: dt.datetime | None, *, now: dt.datetime) -> str:
    """ "overdue", "due_soon", "on_track" or "" (no deadline running)."""
    if due_at is None:
        return ""
    if due_at < now:
        return DeadlineFilter.OVERDUE
    if due_at < now + DUE_SOON:
        return DeadlineFilter.DUE_SOON
    return DeadlineFilter.ON_TRACK


@dataclass(frozen=True)
class Workload:
    open: int
    overdue: int


def owner_workload(
    user: User, owner_ids: Iterable[int], *, now: dt.datetime | None = None
) -> dict[int, Workload]:
    """Open and overdue complaints of each possible owner, as far as the user can see (one query)."""
    now = now or timezone.now()
    ids = list(owner_ids)
    if not ids:
        return {}
    rows = (
        _visible(user)
        .filter(OPEN, owner_id__in=ids)
        .values("owner_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(next_due_at__lt=now)))
        .order_by()
    )
    found = {row["owner_id"]: Workload(open=row["open"], overdue=row["overdue"]) for row in rows}
    return {pk: found.get(pk, Workload(0, 0)) for pk in ids}
