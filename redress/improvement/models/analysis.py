"""The investigation record of a complaint (ISO 10002 7.6) and the structured methods of root
cause analysis (5 whys, fishbone), which a complaint or a systemic issue may carry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Attachment, Complaint
from redress.improvement.models.causes import Cause


class Investigation(models.Model):
    """What the investigation of one complaint found: its findings and its root cause, chosen
    from the taxonomy with free text. The dated activities are ``InvestigationActivity``."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="investigation"
    )
    findings = models.TextField(_("findings"), blank=True)
    root_cause = models.ForeignKey(
        Cause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    root_cause_text = models.TextField(_("root cause, in words"), blank=True)
    started_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("updated"))
    cause_recorded_at = models.DateTimeField(_("root cause recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        indexes = [models.Index(fields=["root_cause", "cause_recorded_at"])]

    def __str__(self) -> str:
        return str(self.complaint_id)


class InvestigationActivity(models.Model):
    """One dated step of an investigation: what was checked, by whom, with its evidence files
    (stored as the complaint's attachments, checked by ``complaints.attachments``)."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="activities"
    )
    done_on = models.DateField(_("date"))
    checked = models.TextField(_("what was checked"))
    result = models.TextField(_("what it showed"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_by_label = models.CharField(_("by"), max_length=150)
    evidence = models.ManyToManyField(
        Attachment, verbose_name=_("evidence"), blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("investigation activity")
        verbose_name_plural = _("investigation activities")
        ordering = ["done_on", "pk"]

    def __str__(self) -> str:
        return f"{self.investigation_id} {self.done_on}"


_ONE_SUBJECT = Q(complaint__isnull=False, issue__isnull=True) | Q(
    complaint__isnull=True, issue__isnull=False
)


class WhyStep(models.Model):
    """One row of a 5 whys analysis, on a complaint or on a systemic issue: the question, its
    answer and the evidence for it, in order."""

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="why_steps"
    )
    issue = models.ForeignKey(
        "improvement.SystemicIssue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="why_steps",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    why = models.TextField(_("why?"))
    answer = models.TextField(_("because"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("5 whys step")
        verbose_name_plural = _("5 whys steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="why_step_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.why[:40]}"


class FishboneItem(models.Model):
    """One cause on a fishbone (Ishikawa) diagram, grouped under a family of the taxonomy
    (its top level), on a complaint or on a systemic issue."""

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="fishbone"
    )
    issue = models.ForeignKey(
        "improvement.SystemicIssue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fishbone",
    )
    family = models.ForeignKey(
        Cause, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("cause"))

    class Meta:
        verbose_name = _("fishbone cause")
        verbose_name_plural = _("fishbone causes")
        ordering = ["family__position", "pk"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="fishbone_one_subject"),
        ]

    def __str__(self) -> str:
        return self.text[:40]
