"""The cause taxonomy (ISO 10002 8.2: a configurable classification of causes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cause(models.Model):
    """A root cause, in a tree configured by the administrator: the top level is the family
    (people, process, product, system, supplier, policy) that the fishbone groups by."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_vi

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language.startswith("en") else self.name_vi
