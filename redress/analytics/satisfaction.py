"""Satisfaction results (ISO 10002 8.3): what complainants said of the handling.

One complaint's answer, as its workspace shows it (how and when it was given, the comment
masked for a person who sees the complainant masked), and the satisfaction report over a cohort
(``analytics.cohort``: the complaints the person may see, received in the period, filtered):
the response rate, the mean scores and the share of 4s and 5s, in total and broken down by
category, unit, handler and month of receipt, and the comments, newest first, a bounded page at
a time. Every figure is one aggregate query, whatever the number of complaints; the totals are
the satisfaction KPIs of the catalogue (``kpis``), computed the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, TextChoices
from django.db.models.expressions import OrderBy
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import Figure, mean, percent
from redress.complaints.masking import PersonalDataScope, mask_text
from redress.complaints.models import Complaint, ComplaintEvent, SatisfactionResponse
from redress.complaints.queues import MAX_PAGE
from redress.complaints.transitions import Action

# The survey's questions besides the overall score, in the order people read them.
DIMENSIONS: tuple[tuple[str, Promise], ...] = (
    ("fairness", _("Fairness")),
    ("clarity", _("Clarity")),
    ("speed", _("Speed")),
    ("courtesy", _("Courtesy")),
)
COMMENTS_PER_PAGE = 50
# Whoever is not a person (the command line, a scheduled report) sees every comment masked.
NOBODY = PersonalDataScope(user_id=None, unit_ids=frozenset(), owner_sees=False)


def last_whole_months(today: dt.date, months: int = 12) -> Period:
    """The ``months`` whole months before the one ``today`` is in."""
    this_month = today.replace(day=1)
    year, month = divmod(this_month.year * 12 + this_month.month - 1 - months, 12)
    return Period(dt.date(year, month + 1, 1), this_month - dt.timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# One complaint's answer


@dataclass(frozen=True)
class Score:
    name: str
    label: Promise
    value: int | None


@dataclass(frozen=True)
class Answer:
    """The complainant's answer as a person is shown it. ``via`` is how it was given (a channel
    code; the portal's is ``web``); ``recorded_by`` the person who typed it in, if one did."""

    response: SatisfactionResponse
    overall: int
    scores: list[Score]
    comment: str
    comment_masked: bool
    submitted_at: dt.datetime
    via: str
    recorded_by: str


def answer_get(complaint: Complaint, *, scope: PersonalDataScope) -> Answer | None:
    """The complaint's satisfaction answer, with how it came from its event (one query); the
    comment is the complainant's own words, masked like their messages when ``scope`` does not
    allow this complaint."""
    rated = ComplaintEvent.objects.filter(
        complaint=OuterRef("complaint_id"), action=Action.RATE
    ).order_by("-at", "-pk")
    response = (
        SatisfactionResponse.objects.filter(complaint=complaint)
        .annotate(
            rated_via=Subquery(rated.values("method")[:1]),
            rated_by_kind=Subquery(rated.values("actor_kind")[:1]),
            rated_by=Subquery(rated.values("actor_label")[:1]),
            rated_by_first=Subquery(rated.values("actor_user__first_name")[:1]),
            rated_by_last=Subquery(rated.values("actor_user__last_name")[:1]),
        )
        .first()
    )
    if response is None:
        return None
    masked = not scope.allows(complaint)
    recorded_by = ""
    if getattr(response, "rated_by_kind", "") == "user":
        names = (getattr(response, "rated_by_first", ""), getattr(response, "rated_by_last", ""))
        full_name = " ".join(name for name in names if name)
        recorded_by = full_name or getattr(response, "rated_by", "") or ""
    return Answer(
        response=response,
        overall=response.overall,
        scores=[Score(name, label, getattr(response, name)) for name, label in DIMENSIONS],
        comment=mask_text(response.comment) if masked else response.comment,
        comment_masked=masked and bool(response.comment),
        submitted_at=response.submitted_at,
        via=getattr(response, "rated_via", None) or "",
        recorded_by=recorded_by,
    )


# ---------------------------------------------------------------------------------------------
# The report


class Breakdown(TextChoices):
    CATEGORY = "category", _("By category")
    UNIT = "unit", _("By unit")
    HANDLER = "handler", _("By handler")
    MONTH = "month", _("By month received")


@dataclass(frozen=True)
class Results:
    """The answers over a group of complaints, with the closed complaints they answer for."""

    key: Any
    label: str
    closed: int
    answers: int
    overall_sum: int
    top2: int
    dimension_totals: dict[str, tuple[int, int]]  # name: (sum of the scores, answers to it)

    @property
    def response_rate(self) -> Figure:
        """Answers / complaints closed at least once (``survey_response_pct``)."""
        return percent(self.answers, self.closed)

    @property
    def overall_mean(self) -> Figure:
        """Sum of the overall scores / answers (``satisfaction_mean``)."""
        return mean(self.overall_sum, self.answers)

    @property
    def top2_share(self) -> Figure:
        """Answers of 4 or 5 / answers (``satisfaction_top2_pct``)."""
        return percent(self.top2, self.answers)

    @property
    def dimension_means(self) -> list[tuple[str, Promise, Figure]]:
        """Per question: (its name, its label, sum of its scores / answers to it)."""
        return [(name, label, mean(*self.dimension_totals[name])) for name, label in DIMENSIONS]


def _aggregates() -> dict[str, Any]:
    # A complaint has at most one answer: joining it does not repeat complaints.
    aggregates: dict[str, Any] = {
        # Closed at least once: an answer stays an answer when its complaint is reopened.
        "closed": Count("pk", filter=Q(closed_at__isnull=False) | Q(reopen_count__gt=0)),
        "answers": Count("satisfaction"),
        "overall_sum": Sum("satisfaction__overall"),
        "top2": Count("satisfaction", filter=Q(satisfaction__overall__gte=4)),
    }
    for name, _label in DIMENSIONS:
        aggregates[f"{name}_sum"] = Sum(f"satisfaction__{name}")
        aggregates[f"{name}_count"] = Count(f"satisfaction__{name}")
    return aggregates


def _results(row: Mapping[str, Any], *, key: Any = None, label: str = "") -> Results:
    return Results(
        key=key,
        label=label,
        closed=row["closed"],
        answers=row["answers"],
        overall_sum=row["overall_sum"] or 0,
        top2=row["top2"],
        dimension_totals={
            name: (row[f"{name}_sum"] or 0, row[f"{name}_count"]) for name, _label in DIMENSIONS
        },
    )


def satisfaction_totals(cohort: Cohort) -> Results:
    """The cohort's answers in total (one query)."""
    return _results(cohort.complaints.aggregate(**_aggregates()))


def _last(name: str) -> OrderBy:
    return F(name).asc(nulls_last=True)


# Per breakdown: the columns that identify a group (its key first) and how rows are ordered
# (most answers first; "no category" and "nobody" after the others).
_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str | OrderBy, ...]]] = {
    Breakdown.CATEGORY: (
        ("category_id", "category__name_vi", "category__name_en"),
        ("-answers", _last("category__name_vi")),
    ),
    Breakdown.UNIT: (("unit_id", "unit__name", "unit__name_en"), ("-answers", "unit__name")),
    Breakdown.HANDLER: (
        ("owner_id", "owner__first_name", "owner__last_name", "owner__username"),
        ("-answers", _last("owner__username")),
    ),
    Breakdown.MONTH: (("month",), ("month",)),
}


def _label(by: str, row: Mapping[str, Any], language: str) -> str:
    match by:
        case Breakdown.CATEGORY:
            if row["category_id"] is None:
                return str(_("No category"))
            english = language == "en" and row["category__name_en"]
            return row["category__name_en"] if english else row["category__name_vi"]
        case Breakdown.UNIT:
            english = language == "en" and row["unit__name_en"]
            return row["unit__name_en"] if english else row["unit__name"]
        case Breakdown.HANDLER:
            if row["owner_id"] is None:
                return str(_("Nobody (unassigned)"))
            name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
            return name or row["owner__username"]
    month: dt.datetime = row["month"]
    return f"{month:%m/%Y}"


def satisfaction_breakdown(cohort: Cohort, by: str) -> list[Results]:
    """The cohort's answers per category, unit, handler (the complaint's owner) or month of
    receipt (in the organisation's time zone): one grouped query. Groups with neither a closed
    complaint nor an answer are left out."""
    columns, ordering = _GROUPS[Breakdown(by)]
    queryset: QuerySet[Complaint] = cohort.complaints.order_by()
    if by == Breakdown.MONTH:
        queryset = queryset.annotate(month=TruncMonth("received_at", tzinfo=cohort.zone))
    rows = (
        queryset.values(*columns)
        .annotate(**_aggregates())
        .filter(Q(closed__gt=0) | Q(answers__gt=0))
        .order_by(*ordering)
    )
    language = get_language() or "vi"
    return [_results(row, key=_key(by, row), label=_label(by, row, language)) for row in rows]


def _key(by: str, row: Mapping[str, Any]) -> Any:
    """A group's key: the category's, unit's or owner's id (None: none), or the month's first
    day (a date, in the organisation's time zone)."""
    if by == Breakdown.MONTH:
        return row["month"].date()
    return row[_GROUPS[by][0][0]]


@dataclass(frozen=True)
class Comment:
    reference: str
    submitted_at: dt.datetime
    overall: int
    text: str
    masked: bool


@dataclass(frozen=True)
class CommentPage:
    """A bounded page of comments (the shape of the queues' pages, for the same pager)."""

    rows: list[Comment]
    number: int
    has_next: bool
    size: int
    capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def satisfaction_comments(
    cohort: Cohort, *, page: int = 1, size: int = COMMENTS_PER_PAGE
) -> CommentPage:
    """The cohort's answers that carry a comment, newest first: one bounded query (``size`` + 1
    rows, at most ``MAX_PAGE`` pages deep). A comment is the complainant's own words: masked
    like their messages on the complaints whose complainant the person sees masked."""
    scope = PersonalDataScope.for_user(cohort.user) if cohort.user is not None else NOBODY
    number = max(1, min(page, MAX_PAGE))
    offset = (number - 1) * size
    found = list(
        SatisfactionResponse.objects.filter(complaint__in=cohort.complaints)
        .exclude(comment="")
        .select_related("complaint")
        .only(
            "overall",
            "comment",
            "submitted_at",
            "complaint__reference",
            "complaint__unit",
            "complaint__owner",
            "complaint__subject_staff",
        )
        .order_by(F("submitted_at").desc(), "-pk")[offset : offset + size + 1]
    )
    rows = []
    for response in found[:size]:
        masked = not scope.allows(response.complaint)
        rows.append(
            Comment(
                reference=response.complaint.reference,
                submitted_at=response.submitted_at,
                overall=response.overall,
                text=mask_text(response.comment) if masked else response.comment,
                masked=masked,
            )
        )
    has_next = len(found) > size
    return CommentPage(
        rows=rows,
        number=number,
        has_next=has_next and number < MAX_PAGE,
        size=size,
        capped=has_next and number >= MAX_PAGE,
    )
