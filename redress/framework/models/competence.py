"""Competence (ISO 10002 principle 4.14, clause 6.4): the courses, which roles need which, and
each person's training records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.core.roles import Role


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: never expires."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class CourseRequirement(models.Model):
    """A role needs current training in a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")
        constraints = [
            models.UniqueConstraint(fields=["course", "role"], name="course_required_once")
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.get_role_display()}"


class TrainingRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to="training/%Y/%m/", blank=True, max_length=300
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"))
    expiry_notice_sent = models.DateField(_("expiry notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["user", "course", "-completed_on"]
        indexes = [models.Index(fields=["user", "course", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"
