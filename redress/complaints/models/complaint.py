"""The complaint register (ISO 10002 7.2 receipt, 7.3 tracking; ISO10002.md §3.1)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import (
    Channel,
    Classification,
    Level,
    PauseReason,
    Priority,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.models.deadline import running_deadline_expression
from redress.complaints.models.register import Category, Complainant, Product

OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]
# What the gate (complaints.selectors) and the figures' filters (analytics.cohort) read of a
# complaint: the indexes of pending deadlines hold them, so live counts need no row.
PENDING_COVERED = [
    "id",
    "unit_id",
    "owner_id",
    "subject_staff_id",
    "processing_restricted",
    "category_id",
    "product_id",
    "channel",
    "priority",
]


class Complaint(models.Model):
    """One complaint from receipt to closure. Only the lifecycle services (``redress.handling``) write it."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    tracking_code_hash = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.RECEIVED
    )

    # Receipt (7.2)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # indexed for the complaints that have one (Meta.indexes)
    )
    language = models.CharField(_("language"), max_length=8, default="vi")
    source_system = models.CharField(_("source system"), max_length=64, blank=True)

    # Who
    complainant = models.ForeignKey(
        Complainant,
        verbose_name=_("complainant"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    representative_name = models.CharField(_("representative"), max_length=200, blank=True)
    representative_relation = models.CharField(
        _("relation to the complainant"), max_length=100, blank=True
    )
    representative_contact = models.CharField(
        _("representative's contact"), max_length=200, blank=True
    )

    # What
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("date of the problem"), null=True, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product or service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    order_ref = models.CharField(_("order or contract reference"), max_length=100, blank=True)
    remedy_requested = models.TextField(_("remedy requested"), blank=True)
    amount_claimed = models.DecimalField(
        _("amount claimed"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    # As the complainant said when this complaint was received (Law 19/2023 Art. 8): it sets
    # this complaint's priority and deadlines, whatever a later complaint of theirs says.
    vulnerable_group = models.CharField(
        _("vulnerable group"),
        max_length=32,
        choices=VulnerableGroup.choices,
        blank=True,
        default="",
    )
    is_negotiation_request = models.BooleanField(
        _("negotiation request (Law 19/2023 Art. 57)"), default=False
    )
    subject_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
        db_index=False,  # indexed for the complaints that have one (Meta.indexes)
    )

    # Assessment (7.5)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, blank=True
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    impact = models.CharField(_("impact"), max_length=10, choices=Level.choices, blank=True)
    complexity = models.CharField(_("complexity"), max_length=10, choices=Level.choices, blank=True)
    health_safety = models.BooleanField(_("health or safety risk"), default=False)
    public_interest = models.BooleanField(
        _("affects public or many consumers' interest"), default=False
    )
    immediate_action = models.TextField(_("immediate action taken"), blank=True)
    is_significant = models.BooleanField(_("significant"), default=False)

    # Charges (ISO 10002 4.8): recorded at assessment; None until then.
    fee_amount = models.DecimalField(
        _("fee (VND)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    fee_waived = models.BooleanField(_("fee waived"), default=False)
    fee_waived_reason = models.TextField(_("why the fee was waived"), blank=True)

    # Responsibility
    # Not indexed alone: the (unit, status) and (owner, status) indexes lead with them.
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        db_index=False,
    )

    # Clock
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(
        _("pause reason"), max_length=20, choices=PauseReason.choices, blank=True
    )
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    assess_due_at = models.DateTimeField(_("assess by"), null=True, blank=True)
    decision_due_at = models.DateTimeField(_("decision by"), null=True, blank=True)
    close_due_at = models.DateTimeField(_("close by"), null=True, blank=True)
    # Set only while an internal review runs (redress.sla.rules.RUNNING_ONLY_STAGES).
    review_due_at = models.DateTimeField(_("review decided by"), null=True, blank=True)
    # The deadline running now for the stage (complaints.models.deadline), computed by the
    # database from the columns above whenever a row is written: exact whoever sets them.
    next_due_at = models.GeneratedField(
        expression=running_deadline_expression(),
        output_field=models.DateTimeField(_("next deadline"), null=True, blank=True),
        db_persist=True,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    decision_communicated_at = models.DateTimeField(
        _("decision communicated"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Restricted at the person's request (Law 91/2025): only the data-protection officer reads
    # it until lifted (complaints_visible_to). Set and cleared by redress.privacy.restriction.
    processing_restricted = models.BooleanField(_("processing restricted"), default=False)

    # Unaccented, lower-case text, so that "hoa don" finds "hóa đơn" on every database: the
    # reference, subject, description and order reference here; the complainant's name,
    # organisation and contacts apart, so that people who see the complainant masked cannot
    # find complaints by who made them (complaints.search).
    search_text = models.TextField(editable=False, blank=True)
    search_personal = models.TextField(editable=False, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["priority", "status"]),
            # The staff a complaint names or who took it in by hand: a few complaints each, and
            # none for most complaints, which these indexes leave out (the gate looks up the
            # first; deleting a person looks up both).
            *(
                models.Index(
                    fields=[field],
                    name=f"complaint_{field.removesuffix('_id')}",
                    condition=models.Q(**{f"{field}__isnull": False}),
                )
                for field in ("subject_staff_id", "received_by_id")
            ),
            # The complaints about an order or contract: possible duplicates at intake look for
            # the same reference within a month (complaints.duplicates).
            models.Index(
                fields=["order_ref", "received_at"],
                name="complaint_order_ref",
                condition=~models.Q(order_ref=""),
            ),
            # The few restricted complaints, which the gate takes out for everyone but the DPO.
            models.Index(
                fields=["processing_restricted"],
                name="complaint_restricted",
                condition=models.Q(processing_restricted=True),
            ),
            # The running deadlines only (open and not paused): what overdue and due-soon read.
            models.Index(
                fields=["next_due_at"],
                name="complaint_running_due",
                condition=models.Q(next_due_at__isnull=False),
            ),
            # The same by time of receipt: the overdue and due-soon lists, newest first, walk the
            # running deadlines from the latest received and judge each deadline in the index,
            # where the index of receipt times would visit every recent complaint's row to
            # find the few overdue ones (and read them from disk after a restart).
            models.Index(
                fields=["received_at", "next_due_at"],
                name="complaint_running_received",
                condition=models.Q(next_due_at__isnull=False),
            ),
            # The same per unit: a handler's overdue and due-soon lists and counts (their units,
            # or what they own) read a range of their units' deadlines, not every deadline or
            # every complaint of the unit.
            models.Index(
                fields=["unit_id", "next_due_at"],
                name="complaint_unit_running_due",
                condition=models.Q(next_due_at__isnull=False),
            ),
            # The consumer negotiation requests still waiting for their first decision: the
            # 7-working-day rule reads their decision clocks live (analytics.ageing), and the
            # gate's and filters' columns from here.
            models.Index(
                fields=["received_at"],
                name="complaint_negotiation_owed",
                include=PENDING_COVERED,
                condition=models.Q(is_negotiation_request=True, decision_communicated_at=None)
                & ~models.Q(status__in=["closed", "withdrawn", "not_accepted"]),
            ),
            # A stage with a deadline and not yet done: the few complaints whose lateness still
            # changes with time, counted live beside the figures rollup (analytics). Each index
            # holds every column the gate and the figures' filters read, so that the count of a
            # stage's overdue complaints reads the index only, not the scattered open rows.
            *(
                models.Index(
                    fields=["received_at", due],
                    name=f"complaint_{stage}_due_pending",
                    condition=models.Q(**{f"{due}__isnull": False, f"{done}__isnull": True}),
                    include=[*PENDING_COVERED, *extra],
                )
                for stage, due, done, extra in (
                    ("ack", "acknowledge_due_at", "acknowledged_at", ["vulnerable_group"]),
                    ("assess", "assess_due_at", "assessed_at", []),
                    ("decision", "decision_due_at", "decision_communicated_at", []),
                    ("close", "close_due_at", "closed_at", []),
                )
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def amount_or_zero(self) -> Decimal:
        return self.amount_claimed or Decimal(0)


class ReferenceCounter(models.Model):
    """The last reference number used in a year. Locked while a complaint is received, so
    numbers are unique and gap-free (a rolled-back intake rolls the counter back too)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
