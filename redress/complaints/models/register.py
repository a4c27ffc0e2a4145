"""Who complains, and about what: complainants, categories, products and services."""

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import Channel, VulnerableGroup


class Complainant(models.Model):
    """A person or organisation who complains (ISO 10002 form annex; Law 19/2023 Art. 8)."""

    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, default="VN")
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        default="vi",
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    vulnerable_group = models.CharField(
        _("vulnerable group"),
        max_length=32,
        choices=VulnerableGroup.choices,
        blank=True,
        default="",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")
        # Intake finds a returning complainant by email regardless of case (email__iexact).
        indexes = [models.Index(Upper("email"), name="complainant_email_ci")]

    def __str__(self) -> str:
        return self.full_name


class Category(models.Model):
    """What a complaint is about; categories form a tree."""

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
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi


class Product(models.Model):
    """A product or service of the organisation that complaints may be about."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi
