"""The retention rules as the data-protection officer sees and changes them (docs/privacy.md,
"Retention"), the recent runs, and the paragraph of the public personal-data notice that states
the periods as configured. Each published version of the notice has the paragraph written into
it, and a change of a rule publishes a new version, so that the notice never promises what
Redress does not do and the version a complainant consented to stays as they read it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User
from redress.privacy.models import (
    EXPIRY_CHOICES,
    Expiry,
    RecordType,
    RetentionRule,
    RetentionRun,
)
from redress.privacy.models.retention import (
    MAX_MONTHS,
    MIN_MONTHS,
    MIN_MONTHS_CLOSED_COMPLAINTS,
)
from redress.privacy.roles import Permission, may, permission_check
from redress.transparency.services import notice_republish

RUNS_SHOWN = 20


def _ordered(rules: list[RetentionRule]) -> list[RetentionRule]:
    order = {kind: index for index, kind in enumerate(RecordType.values)}
    return sorted(rules, key=lambda rule: order.get(rule.record_type, len(order)))


def retention_rules_for(user: User) -> list[RetentionRule]:
    """Every rule, in the order of ``RecordType`` (refuses who may not read them)."""
    permission_check(user, Permission.RETENTION_READ)
    return _ordered(list(RetentionRule.objects.select_related("changed_by")))


def retention_runs_recent(user: User, limit: int = RUNS_SHOWN) -> list[RetentionRun]:
    permission_check(user, Permission.RETENTION_READ)
    return list(RetentionRun.objects.order_by("-started_at", "-pk")[:limit])


def reads_retention(user: User) -> bool:
    return may(user, Permission.RETENTION_READ)


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


@transaction.atomic
def retention_rule_change(
    *, actor: Actor, rule: RetentionRule, months: int | None, expiry: str
) -> RetentionRule:
    """Set a rule's period (in months) and what happens at its end (the DPO). A period under a
    month, over a hundred years, or, for closed complaints, under the legal minimum
    (``MIN_MONTHS_CLOSED_COMPLAINTS``), and an action the kind of record does not allow, are
    refused naming the field; nothing changes."""
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, Permission.RETENTION_MANAGE)
    locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if months is None:
        raise _refuse("months", _("Give the period in months."))
    if months < MIN_MONTHS:
        raise _refuse("months", _("The period must be at least one month."))
    if months > MAX_MONTHS:
        raise _refuse("months", _("The period can be at most 1200 months (100 years)."))
    if locked.record_type == RecordType.CLOSED_COMPLAINTS and months < MIN_MONTHS_CLOSED_COMPLAINTS:
        raise _refuse(
            "months",
            _(
                "Closed complaints are kept at least %(months)s months: the complainant may "
                "still go to court in that time (Civil Code 2015, Art. 429)."
            )
            % {"months": MIN_MONTHS_CLOSED_COMPLAINTS},
        )
    if expiry not in EXPIRY_CHOICES[locked.record_type]:
        raise _refuse("expiry", _("This kind of record does not allow that action."))
    before = {"months": locked.months, "expiry": locked.expiry}
    locked.months = months
    locked.expiry = expiry
    locked.changed_at = timezone.now()
    locked.changed_by = actor.user
    locked.save(update_fields=["months", "expiry", "changed_at", "changed_by"])
    audit_record(
        actor=actor,
        action="privacy.retention_rule_change",
        target=locked,
        target_label=locked.record_type,
        before=before,
        after={"months": months, "expiry": expiry},
    )
    if before != {"months": months, "expiry": expiry}:
        # The public notice states the periods: a new version says the new ones, and the
        # versions consented to before keep theirs.
        notice_republish(
            actor=actor,
            change_note=_("Retention periods changed: %(records)s.")
            % {"records": RecordType(locked.record_type).label},
        )
    return locked


def period_words(months: int) -> str:
    """ "5 years", "18 months" (whole years when the period is whole years)."""
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}


def _sentence(rule: Any) -> str:
    """The sentence of one rule (``rule`` has ``record_type``, ``months`` and ``expiry``: a
    ``RetentionRule``, or its historical model in a migration)."""
    period = {"period": period_words(rule.months)}
    if rule.record_type == RecordType.AUDIT:
        return _(
            "The audit trail of the handling of complaints is not deleted: each of its entries "
            "seals the one before it."
        )
    if rule.expiry == Expiry.KEEP:
        return _("%(records)s: kept, with no end set.") % {
            "records": RecordType(rule.record_type).label
        }
    sentences: dict[str, str] = {
        RecordType.CLOSED_COMPLAINTS: _(
            "Complaint records are kept for %(period)s after the complaint is closed, then "
            "anonymised: what identifies you is removed and only figures are kept."
        ),
        RecordType.ATTACHMENTS: _(
            "Files sent with a complaint are deleted %(period)s after it is closed."
        ),
        RecordType.RAW_EMAILS: _(
            "The original emails you send us are deleted %(period)s after they arrive; what "
            "they say stays in the complaint record."
        ),
        RecordType.OUTBOX_BODIES: _(
            "The texts of the emails we send are deleted %(period)s after sending; the record "
            "that an email was sent is kept."
        ),
        RecordType.CONSENTS: _(
            "The record of your consent is deleted %(period)s after your complaint is anonymised."
        ),
        RecordType.ACCESS_LOG: _(
            "The record of which staff saw your personal data is deleted %(period)s after "
            "each viewing."
        ),
    }
    return sentences[rule.record_type] % period


def retention_notice_text() -> str:
    """How long personal data is kept, in the active language, as the rules are set now
    (written into each version of the public notice as it is published)."""
    return retention_paragraph(list(RetentionRule.objects.all()))


def retention_paragraph(rules: list[Any]) -> str:
    """The paragraph stating ``rules`` (see ``_sentence``), in the active language."""
    if not rules:
        return ""
    order = {kind: index for index, kind in enumerate(RecordType.values)}
    rules = sorted(rules, key=lambda rule: order.get(rule.record_type, len(order)))
    return " ".join([_("How long we keep your data:"), *(_sentence(rule) for rule in rules)])


def retention_rule_choices(rule: RetentionRule) -> list[tuple[str, Any]]:
    """The actions ``rule`` may take at its end, for a form."""
    return [(code, Expiry(code).label) for code in EXPIRY_CHOICES[rule.record_type]]
