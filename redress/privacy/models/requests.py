"""Data-subject requests (Law 91/2025, Decree 356/2025; ISO10002.md REQ-PD-2): a person asks to
see, correct, erase or restrict their personal data, objects to its processing or withdraws
consent. Each request has its reference (``YC-2026-0001``), how it came and how the person was
verified, and the decree's clocks (``privacy.clocks``): the first response, the completion, and
at most one extension with its reason."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to personal data")
    RECTIFICATION = "rectification", _("Correction of personal data")
    ERASURE = "erasure", _("Erasure of personal data")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection to processing")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("Complaints portal")
    STAFF = "staff", _("Recorded by staff (phone, letter, in person)")
    API = "api", _("API")


class Verification(models.TextChoices):
    NONE = "", _("Not verified yet")
    TRACKING_CODE = "tracking_code", _("The complaint's tracking code")
    ONE_TIME_CODE = "one_time_code", _("A one-time code sent to the person's contact")
    STAFF_CHECK = "staff_check", _("Identity checked by staff")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.VERIFIED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.EXTENDED,
)


class DataSubjectRequest(models.Model):
    """One request of a data subject. The contact is kept as the person gave it; the records it
    concerns are the complainant and their complaints, when known."""

    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("what is asked"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(_("received through"), max_length=10, choices=RequestChannel.choices)
    received_at = models.DateTimeField(_("received"))
    requester_name = models.CharField(_("name given"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email given"), blank=True)
    contact_phone = models.CharField(_("phone given"), max_length=32, blank=True)
    note = models.TextField(_("what the person wrote"), blank=True)
    complainant = models.ForeignKey(
        "complaints.Complainant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complainant"),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="+", verbose_name=_("complaints")
    )
    processor_involved = models.BooleanField(
        _("a processor or third party is involved"), default=False
    )
    verification = models.CharField(
        _("verified by"), max_length=16, choices=Verification.choices, blank=True, default=""
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    first_response_due_at = models.DateTimeField(_("first response due"))
    completion_due_at = models.DateTimeField(_("to be done by"))
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    first_response_note = models.TextField(_("first response"), blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("days of extension"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="dsar_reference_unique")
        ]
        indexes = [
            models.Index(fields=["status", "completion_due_at"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.kind}"

    @property
    def reference(self) -> str:
        return f"YC-{self.year}-{self.sequence:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_due_at(self) -> dt.datetime | None:
        """The clock that runs now: the first response until it is given, then the completion."""
        if not self.is_open:
            return None
        if self.first_responded_at is None:
            return min(self.first_response_due_at, self.completion_due_at)
        return self.completion_due_at

    def overdue(self, now: dt.datetime) -> bool:
        due = self.next_due_at
        return due is not None and due <= now


STEP_LABELS = {
    "receive": _("Received"),
    "verify": _("Verified"),
    "respond": _("First response"),
    "extend": _("Extended"),
    "complete": _("Done"),
    "refuse": _("Refused"),
}


class RequestEvent(models.Model):
    """The request's history: each step with who took it and when (what the DPO reads; the
    audit chain holds the same steps, without the notes, which may hold personal data)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("step"), max_length=24)
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("data-subject request step")
        verbose_name_plural = _("data-subject request steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"

    @property
    def label(self) -> str:
        return str(STEP_LABELS.get(self.action, self.action))


class RequestNotice(models.Model):
    """One reminder of a request's clock sent to the data-protection officers; the unique
    constraint makes each go out once, whichever worker runs the job."""

    class Kind(models.TextChoices):
        RESPONSE_DUE_SOON = "response_due_soon", _("First response due soon")
        RESPONSE_OVERDUE = "response_overdue", _("First response overdue")
        COMPLETION_DUE_SOON = "completion_due_soon", _("Completion due soon")
        COMPLETION_OVERDUE = "completion_overdue", _("Completion overdue")

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"))
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("data-subject request reminder")
        verbose_name_plural = _("data-subject request reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "due_at"], name="dsar_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"


class ProcessingRestriction(models.Model):
    """A complaint whose processing is restricted at the person's request: only the
    data-protection officer should read it until the restriction is lifted."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, related_name="restrictions"
    )
    restricted_at = models.DateTimeField(_("restricted"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField(_("why the restriction was lifted"), blank=True)

    class Meta:
        verbose_name = _("restricted complaint")
        verbose_name_plural = _("restricted complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(lifted_at__isnull=True),
                name="restriction_one_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} restricted"
