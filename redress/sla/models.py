"""Business calendars, time-limit policies, escalation levels, and the clocks of each complaint."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.sla.rules import VN_NEGOTIATION_WORKING_DAYS, Stage, Target, TimeUnit


class BusinessCalendar(models.Model):
    """Working days and hours of a unit (default Mon–Fri 08:00–17:00 with a lunch break)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Ho_Chi_Minh")
    country = models.CharField(
        _("public holidays of"),
        max_length=2,
        default="VN",
        blank=True,
        help_text=_("Country code; empty: none."),
    )
    working_weekdays = models.CharField(
        _("working weekdays"),
        max_length=13,
        default="0,1,2,3,4",
        help_text=_("0 = Monday … 6 = Sunday"),
    )
    day_start = models.TimeField(_("day starts"), default=dt.time(8, 0))
    lunch_start = models.TimeField(_("lunch starts"), null=True, blank=True, default=dt.time(12, 0))
    lunch_end = models.TimeField(_("lunch ends"), null=True, blank=True, default=dt.time(13, 0))
    day_end = models.TimeField(_("day ends"), default=dt.time(17, 0))
    is_24_7 = models.BooleanField(
        _("24/7"), default=False, help_text=_("Every hour of every day counts.")
    )
    is_default = models.BooleanField(_("organisation default"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarOverride(models.Model):
    """A change to one day of one year: an extra day off, or a swapped working Saturday."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="overrides"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_override_per_day")
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class SlaPolicy(models.Model):
    """Targets per stage for the complaints its conditions match (issue 5, ISO 10002 7.3–7.4).

    Policies are tried in ``rank`` order; the first active one whose every set condition holds
    is used. An empty condition matches anything. A statutory policy carries a legal limit: its
    targets cannot be relaxed, and the limit is also applied to every matching complaint
    whatever policy it gets (``redress.sla.rules``).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    rank = models.PositiveIntegerField(
        _("order"),
        default=100,
        help_text=_("Policies are tried from the lowest order up; the first that matches is used."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_statutory = models.BooleanField(
        _("set by law"),
        default=False,
        editable=False,
        help_text=_("Its targets cannot be relaxed."),
    )

    # Conditions (empty: any)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    categories = models.ManyToManyField(
        "complaints.Category",
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("Sub-categories match too."),
    )
    units = models.ManyToManyField(
        "core.OrgUnit",
        verbose_name=_("units"),
        blank=True,
        related_name="+",
        help_text=_("Sub-units match too."),
    )
    vulnerable = models.BooleanField(_("vulnerable consumer"), null=True, blank=True)
    negotiation_request = models.BooleanField(_("negotiation request"), null=True, blank=True)
    health_safety = models.BooleanField(_("health or safety risk"), null=True, blank=True)

    # Targets per stage, counted from receipt but the review's (empty: no deadline for the stage)
    acknowledge_amount = models.PositiveIntegerField(_("acknowledge within"), null=True, blank=True)
    acknowledge_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    assess_amount = models.PositiveIntegerField(_("assess within"), null=True, blank=True)
    assess_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    decision_amount = models.PositiveIntegerField(
        _("communicate the decision within"), null=True, blank=True
    )
    decision_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    close_amount = models.PositiveIntegerField(_("close within"), null=True, blank=True)
    close_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    # Counted from the start of each internal review, not from receipt. No law sets it.
    review_amount = models.PositiveIntegerField(
        _("decide an internal review within"),
        null=True,
        blank=True,
        default=10,
        help_text=_("Counted from the day the complaint goes to internal review."),
    )
    review_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    near_due_percent = models.PositiveSmallIntegerField(
        _("near-due at (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("A reminder is sent when this share of the time has been used."),
    )

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    def target(self, stage: str) -> Target | None:
        amount = getattr(self, f"{stage}_amount")
        if not amount:
            return None
        return Target(amount=amount, unit=getattr(self, f"{stage}_unit"))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[Any]] = {}
        for stage in Stage.values:
            amount = getattr(self, f"{stage}_amount")
            if amount is not None and amount < 1:
                errors.setdefault(f"{stage}_amount", []).append(
                    _("Give at least 1, or leave it empty.")
                )
        if self.is_statutory and self.negotiation_request:
            # The legal limit: decision communicated within 7 working days of receipt.
            if (
                self.decision_unit != TimeUnit.WORKING_DAYS
                or not self.decision_amount
                or (self.decision_amount > VN_NEGOTIATION_WORKING_DAYS)
            ):
                errors.setdefault("decision_amount", []).append(
                    _(
                        "The law requires negotiation within %(days)s working days of receipt; this cannot be relaxed."
                    )
                    % {"days": VN_NEGOTIATION_WORKING_DAYS}
                )
            if not self.is_active:
                errors.setdefault("is_active", []).append(
                    _("A policy set by law cannot be switched off.")
                )
        if errors:
            raise ValidationError(errors)


class EscalationLevel(models.Model):
    """Who hears about a near or missed deadline, and when (ISO 10002 REQ-4.15-1).

    Each level is told once per stage deadline: the near-due notice when the threshold is
    reached, the breach notice ``after_hours`` working hours after the deadline passed.
    Notices wait for working hours unless the calendar is 24/7 or the complaint is a health or
    safety risk, which escalates every level at once.
    """

    class Audience(models.TextChoices):
        OWNER = "owner", _("The complaint's owner")
        UNIT_MANAGERS = "unit_managers", _("The unit's complaints managers")
        ORGANISATION_MANAGERS = "organisation_managers", _("The organisation's complaints managers")
        TOP_MANAGEMENT = "top_management", _("Top management")

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    audience = models.CharField(_("who"), max_length=32, choices=Audience.choices)
    near_due = models.BooleanField(_("told when the deadline is near"), default=False)
    breach = models.BooleanField(_("told when the deadline is missed"), default=True)
    after_hours = models.PositiveIntegerField(
        _("working hours after the deadline"),
        default=0,
        help_text=_("0: at once when the deadline passes."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}. {self.get_audience_display()}"


# A clock completed and no longer running: what it says no longer changes with time.
CLOCK_SETTLED = models.Q(completed_at__isnull=False) & ~models.Q(outcome="running")
FIRST_DECISION = models.Q(stage="decision", round=1)


class StageClock(models.Model):
    """The clock of one stage of one complaint: its deadline, and once the stage is done, the
    working time it took and whether the target was met (kept so reports need no
    recomputation). A reopened complaint gets a new round of clocks for the stages still ahead.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        MET = "met", _("Met")
        BREACHED = "breached", _("Missed")
        CANCELLED = "cancelled", _("Not needed")

    # Not indexed alone: the one-clock-per-stage-and-round constraint's index leads with it.
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_amount = models.PositiveIntegerField(_("target"), null=True, blank=True)
    target_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices, blank=True)
    statutory = models.BooleanField(_("limited by law"), default=False)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    near_due_at = models.DateTimeField(_("near due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    working_seconds = models.PositiveIntegerField(
        _("working time taken (s)"), null=True, blank=True
    )
    working_days = models.PositiveIntegerField(_("working days taken"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (s)"), default=0)
    margin_seconds = models.IntegerField(
        _("margin (s)"),
        null=True,
        blank=True,
        help_text=_("Positive: done this much before the deadline; negative: late by this much."),
    )
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stage clock")
        verbose_name_plural = _("stage clocks")
        ordering = ["complaint", "round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "round"], name="one_clock_per_stage_round"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="sla_clock_check_due",
            ),
            models.Index(fields=["stage", "outcome", "completed_at"]),
            # The first decision clocks still open to change (not cancelled, not settled): the
            # 7-working-day rule judges the waiting requests' clocks live from this index alone
            # (analytics.negotiation), a few per cent of all clocks.
            models.Index(
                fields=["complaint"],
                include=["outcome", "statutory", "due_at", "completed_at"],
                condition=FIRST_DECISION & ~models.Q(outcome="cancelled") & ~CLOCK_SETTLED,
                name="sla_first_decision_open",
            ),
            # The internal reviews still running, by deadline: the overdue ones are counted live
            # for the review KPI (analytics.measures.review_overdue) from this small index, not
            # from a heap page per running review.
            models.Index(
                fields=["due_at"],
                include=["complaint"],
                condition=models.Q(stage="review", outcome="running"),
                name="sla_review_running_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage} #{self.round}"

    @property
    def target(self) -> Target | None:
        if not self.target_amount:
            return None
        return Target(self.target_amount, self.target_unit)


class ClockPause(models.Model):
    """A time the complaint's clocks were stopped (waiting for the complainant or a third party)."""

    # Not indexed alone: the (complaint, started_at) index leads with it.
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        related_name="sla_pauses",
        db_index=False,
    )
    started_at = models.DateTimeField(_("paused"))
    ended_at = models.DateTimeField(_("resumed"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["complaint", "started_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.started_at:%Y-%m-%d %H:%M}"


class DeadlineNotice(models.Model):
    """One escalation notice sent for one stage clock. The unique constraint is what makes
    each notice go out exactly once, whichever task or sweep gets there first."""

    class Kind(models.TextChoices):
        NEAR_DUE = "near_due", _("Deadline near")
        BREACHED = "breached", _("Deadline missed")

    clock = models.ForeignKey(StageClock, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    audience = models.CharField(_("who"), max_length=32, choices=EscalationLevel.Audience.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"))
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # When the recipients were told (their notices, one by one or in a digest). The sweep
    # records notices first and tells people after, per person, once it knows how many each
    # is owed; a notice recorded but not yet told is told by the next sweep.
    told_at = models.DateTimeField(_("people told"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind", "level"], name="deadline_notice_once")
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(told_at__isnull=True),
                name="deadline_notice_untold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clock} {self.kind} L{self.level}"
