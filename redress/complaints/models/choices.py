"""Vocabularies of the register (ISO10002.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSESSED = "assessed", _("Assessed")
    INVESTIGATING = "investigating", _("Under investigation")
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
    DECISION_APPROVED = "decision_approved", _("Decision approved")
    DECISION_COMMUNICATED = "decision_communicated", _("Decision communicated")
    RESOLVED = "resolved", _("Resolved")
    UNDER_REVIEW = "under_review", _("Under internal review")
    REFERRED_EXTERNAL = "referred_external", _("Referred to an external body")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")
    SOCIAL = "social", _("Social media")
    CHAT = "chat", _("Chat")
    API = "api", _("Integration (API)")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


class Level(models.TextChoices):
    """Impact and complexity found at initial assessment (7.5)."""

    LOW = "low", pgettext_lazy("level", "Low")
    MEDIUM = "medium", pgettext_lazy("level", "Medium")
    HIGH = "high", pgettext_lazy("level", "High")


class VulnerableGroup(models.TextChoices):
    """Groups of Vietnamese Law 19/2023 Art. 8 whose requests are handled with priority."""

    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly person")
    DISABLED = "disabled", _("Person with a disability")
    CHILD = "child", _("Child")
    ETHNIC_MINORITY = (
        "ethnic_minority",
        _("Ethnic minority, or living in a mountain, island or disadvantaged area"),
    )
    PREGNANT_OR_CARER = "pregnant_or_carer", _("Pregnant, or raising a child under 36 months")
    SERIOUSLY_ILL = "seriously_ill", _("Seriously ill")
    POOR_HOUSEHOLD = "poor_household", _("Poor household")


class Classification(models.TextChoices):
    """Outcome of the initial assessment."""

    COMPLAINT = "complaint", _("A complaint")
    NOT_A_COMPLAINT = "not_a_complaint", _("Not a complaint (feedback, question, request)")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Reaction(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    NO_REPLY = "no_reply", _("No reply")


class RemedyType(models.TextChoices):
    EXPLANATION = "explanation", _("Explanation")
    APOLOGY = "apology", _("Apology")
    REPAIR = "repair", _("Repair")
    REPLACEMENT = "replacement", _("Replacement")
    REFUND = "refund", _("Refund")
    PRICE_REDUCTION = "price_reduction", _("Price reduction")
    COMPENSATION = "compensation", _("Compensation")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    RE_PERFORMANCE = "re_performance", _("Service performed again")
    PROCESS_CHANGE = "process_change", _("Change of process")


class PauseReason(models.TextChoices):
    COMPLAINANT = "complainant", _("Waiting for the complainant")
    THIRD_PARTY = "third_party", _("Waiting for a third party")
    OTHER = "other", _("Other")
