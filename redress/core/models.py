"""Who works in the organisation, where, and with which role; the organisation's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.core.roles import Role


class User(AbstractUser):
    """A member of staff. Complainants never have accounts."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Vietnamese order: family name first ("Phạm Minh Tuấn"), as staff write their names.
        return f"{self.last_name} {self.first_name}".strip()


class OrgUnit(models.Model):
    """A department, branch or team; units form a tree (parent is empty at the top)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty: the organisation's default calendar."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Membership(models.Model):
    """A person's role in a unit, with the dates it holds (ISO 10002 5.3: responsibility)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class Organisation(models.Model):
    """The organisation's settings (one row). Redress serves one organisation per installation."""

    name = models.CharField(_("name"), max_length=200, default="Công ty Redress Demo")
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, default="Redress Demo Company"
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=8,
        default="KN",
        help_text=_("References look like KN-2026-000123."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Ho_Chi_Minh")
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    four_eyes_threshold = models.DecimalField(
        _("four-eyes threshold"),
        max_digits=16,
        decimal_places=0,
        default=Decimal("5000000"),
        help_text=_("Remedies above this total need approval by someone other than the proposer."),
    )
    four_eyes_always = models.BooleanField(
        _("four-eyes for every decision"),
        default=False,
        help_text=_("Require a second person for every decision."),
    )
    no_reply_days = models.PositiveSmallIntegerField(
        _("days without reply before 'no reply'"),
        default=14,
        help_text=_(
            "After a decision is communicated, the reaction may be recorded as 'no reply' only after this many days."
        ),
    )
    progress_update_days = models.PositiveSmallIntegerField(
        _("days without news before a progress update"),
        default=0,
        help_text=_(
            "An open complaint whose complainant has heard nothing from us for this many days gets "
            "a progress update by email (ISO 10002 7.3); 0: no automatic updates."
        ),
    )
    complaint_fee = models.DecimalField(
        _("fee for handling a complaint (VND)"),
        max_digits=16,
        decimal_places=0,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_(
            "0: complaints are handled free of charge (ISO 10002 4.8). Any other amount is "
            "published on the portal and recorded on each complaint at assessment."
        ),
    )
    support_email = models.EmailField(
        _("complaints email"), blank=True, default="khieunai@redress.local"
    )
    support_phone = models.CharField(
        _("complaints phone"), max_length=40, blank=True, default="1900 0000"
    )
    postal_address = models.TextField(_("postal address"), blank=True, default="")

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time each background worker (host and process) was seen alive: written by
    ``redress worker`` on every sweep, read by the readiness check, the metrics and
    ``redress doctor``. One row per worker, updated in place; not a record of the system."""

    name = models.CharField(max_length=200, unique=True)  # "host:pid"
    host = models.CharField(max_length=150)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name


class PeriodicClaim(models.Model):
    """Which period a periodic job last ran for (``redress.core.periodic``): one row per job,
    claimed by a conditional update, so that however many workers run the periodic jobs each
    job runs once per period."""

    name = models.CharField(max_length=100, unique=True)
    period = models.BigIntegerField(default=-1)  # when it started, seconds since the epoch
    claimed_by = models.CharField(max_length=200, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} · {self.period}"
