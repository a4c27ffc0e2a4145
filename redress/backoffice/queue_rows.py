"""One complaint as a row of a list: the queues, the handler's landing page, the drill-downs.

The cells are made here, once per row, rather than by a template node per cell: a page of 50
rows took thousands of template lookups, a translation per label and three date formats per
row, most of the page's time. What the rows of one page share (the reader's language and time
zone, the fixed texts, each distinct label, name and time) is worked out once for the page in
``RowTexts``. The markup is the one the people, the stylesheet and the tests know: the classes,
``<time datetime>``, the labels for screen readers and the muted dashes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, pgettext

from redress.backoffice.time_left import time_left
from redress.complaints.masking import ComplainantView, PersonalDataScope, complainant_view
from redress.complaints.models import Channel, Complaint, Priority, Status
from redress.complaints.queues import Column, deadline_state
from redress.core.models import User

T = TypeVar("T")
SUBJECT_CHARS = 70
# The columns a row reads (with ``complainant_view`` and ``PersonalDataScope.allows``): a queue's
# page reads these alone, not the descriptions and search texts of its complaints.
ROW_FIELDS = (
    "reference",
    "status",
    "priority",
    "channel",
    "received_at",
    "subject",
    "paused_at",
    "is_significant",
    "next_due_at",
    "unit__name",
    "unit__name_en",
    "category__name_vi",
    "category__name_en",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "subject_staff_id",
    "complainant__full_name",
    "complainant__organisation",
    "complainant__email",
    "complainant__phone",
    "complainant__address",
    "representative_name",
    "representative_relation",
    "representative_contact",
)
NO_DEADLINE = mark_safe('<span class="muted">—</span>')  # noqa: S308 - a constant


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored code, or the code itself if the vocabulary no longer has it (as
    ``get_FOO_display`` does)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _shortened(text: str) -> str:
    """``truncatechars``: most subjects are short enough, and are returned without asking for
    the translated ellipsis (``Truncator`` counts no more characters than ``len``)."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= SUBJECT_CHARS else Truncator(text).chars(SUBJECT_CHARS)


class RowTexts:
    """What the rows of one page share, worked out once for the page: the reader's language,
    the organisation's time zone (active in every staff view), the texts every row repeats, and
    each distinct label, name and time the first time a row needs it."""

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self.language = get_language() or "vi"
        self.zone = timezone.get_current_timezone()
        self.select = gettext("Select %(ref)s")
        self.significant = format_html(
            '<span class="visually-hidden"> ({})</span>', gettext("significant complaint")
        )
        self.paused = format_html(
            ' <span class="tag">{}</span>', pgettext("clock stopped", "paused")
        )
        self.nobody = format_html('<span class="muted">{}</span>', gettext("nobody"))
        self.no_deadline = format_html(
            '<td class="when">{}</td><td>{}</td>', NO_DEADLINE, NO_DEADLINE
        )
        self._known: dict[tuple[str, Any], Any] = {}

    def once(self, kind: str, key: Any, make: Callable[[], T]) -> T:
        """``make()``, computed once per page for each ``(kind, key)``."""
        try:
            return self._known[kind, key]
        except KeyError:
            value = self._known[kind, key] = make()
            return value

    def shown(self, moment: dt.datetime) -> str:
        """The moment in the organisation's time zone, as "31/12/2026 17:00"."""
        return self.once("shown", moment, lambda: self._local(moment).strftime("%d/%m/%Y %H:%M"))

    def time(self, moment: dt.datetime) -> SafeString:
        """``<time datetime="2026-12-31T17:00:00+07:00">31/12/2026 17:00</time>``."""
        return self.once(
            "time",
            moment,
            lambda: format_html(
                '<time datetime="{}">{}</time>',
                self._local(moment).isoformat(),
                self.shown(moment),
            ),
        )

    def left(self, due: dt.datetime) -> str:
        return self.once("left", due, lambda: time_left(due, self.now))

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return timezone.localtime(moment, self.zone)


@dataclass(frozen=True)
class RowLayout:
    """Which optional columns a list shows (in the queues' order), and whether each row has the
    bulk actions' checkbox."""

    columns: tuple[str, ...] = tuple(Column.values)
    selectable: bool = False

    @classmethod
    def chosen(cls, columns: Collection[str], *, selectable: bool) -> RowLayout:
        return cls(tuple(key for key in Column.values if key in columns), selectable)


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    person: ComplainantView
    deadline: str  # "overdue", "due_soon", "on_track" or "" (no deadline running)
    layout: RowLayout
    texts: RowTexts

    @property
    def html(self) -> SafeString:
        """The whole ``<tr>``: the checkbox if selectable, the reference, the deadline and the
        time left, then the layout's columns."""
        opening = '<tr class="significant">' if self.complaint.is_significant else "<tr>"
        cells = "".join(self._cells())
        return mark_safe(f"{opening}{cells}</tr>\n")  # noqa: S308 - every cell is made by format_html

    def _cells(self) -> Iterator[SafeString]:
        c, texts = self.complaint, self.texts
        if self.layout.selectable:
            yield format_html(
                '<td class="pick"><input type="checkbox" name="ref" value="{}" aria-label="{}">'
                "</td>",
                c.reference,
                texts.select % {"ref": c.reference},
            )
        yield format_html(
            '<td><a href="{}" class="ref">{}</a>{}</td>',
            reverse("backoffice:complaint", args=[c.reference]),
            c.reference,
            texts.significant if c.is_significant else "",
        )
        due = getattr(c, "due_at", None)
        yield texts.once("due", due, lambda: self._due(due)) if due else texts.no_deadline
        for column in self.layout.columns:
            yield _COLUMN_CELLS[column](self)

    # The cells below depend on one value each: made once per page for each value.

    def _due(self, due: dt.datetime) -> SafeString:
        texts = self.texts
        return format_html(
            '<td class="when">{}</td><td><span class="due d-{}" title="{}">{}</span></td>',
            texts.time(due),
            self.deadline,
            texts.shown(due),
            texts.left(due),
        )

    def _subject(self) -> SafeString:
        c = self.complaint
        return format_html(
            '<td class="subject">{}{}</td>',
            _shortened(c.subject),
            self.texts.paused if c.paused_at else "",
        )

    def _complainant(self) -> SafeString:
        return format_html('<td class="person">{}</td>', self.person.full_name)

    def _status(self) -> SafeString:
        return self._coded("status", Status, self.complaint.status)

    def _priority(self) -> SafeString:
        return self._coded("prio", Priority, self.complaint.priority)

    def _coded(self, css: str, choices: type[models.TextChoices], code: str) -> SafeString:
        """A code shown by its label, classed for the stylesheet ("status s-new", "prio p-high")."""
        return self.texts.once(
            css,
            code,
            lambda: format_html(
                '<td><span class="{} {}-{}">{}</span></td>',
                css,
                css[0],
                code,
                _label(choices, code),
            ),
        )

    def _category(self) -> SafeString:
        category, texts = self.complaint.category, self.texts
        return texts.once(
            "category",
            category and category.pk,
            lambda: format_html(
                '<td class="wrap-short">{}</td>',
                category.display_name(texts.language) if category else "",
            ),
        )

    def _unit(self) -> SafeString:
        unit, texts = self.complaint.unit, self.texts
        return texts.once(
            "unit",
            unit.pk,
            lambda: format_html('<td class="unit">{}</td>', unit.display_name(texts.language)),
        )

    def _owner(self) -> SafeString:
        owner = self.complaint.owner
        return self.texts.once(
            "owner",
            owner and owner.pk,
            lambda: format_html(
                '<td class="person">{}</td>',
                (owner.get_full_name() or owner.username) if owner else self.texts.nobody,
            ),
        )

    def _channel(self) -> SafeString:
        channel = self.complaint.channel
        return self.texts.once(
            "channel", channel, lambda: format_html("<td>{}</td>", _label(Channel, channel))
        )

    def _received(self) -> SafeString:
        return format_html('<td class="when">{}</td>', self.texts.time(self.complaint.received_at))


_COLUMN_CELLS: dict[str, Callable[[Row], SafeString]] = {
    Column.SUBJECT: Row._subject,
    Column.COMPLAINANT: Row._complainant,
    Column.STATUS: Row._status,
    Column.PRIORITY: Row._priority,
    Column.CATEGORY: Row._category,
    Column.UNIT: Row._unit,
    Column.OWNER: Row._owner,
    Column.CHANNEL: Row._channel,
    Column.RECEIVED: Row._received,
}


def rows_for(
    user: User,
    complaints: list[Complaint],
    *,
    now: dt.datetime,
    layout: RowLayout | None = None,
) -> list[Row]:
    """The rows of one page, the complainant masked as ``user`` must see them; every column
    and no checkbox unless ``layout`` says otherwise. Call it in the view, where the
    organisation's time zone and the reader's language are active."""
    scope = PersonalDataScope.for_user(user)
    texts = RowTexts(now=now)
    layout = layout or RowLayout()
    return [
        Row(
            complaint=c,
            person=complainant_view(c, scope),
            deadline=deadline_state(getattr(c, "due_at", None), now=now),
            layout=layout,
            texts=texts,
        )
        for c in complaints
    ]
