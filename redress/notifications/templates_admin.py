"""Message templates as administrators edit them: the change (validated, audited) and a preview
rendered exactly as a message is, with a sample complaint.

The sample is made up (no real complainant's data is shown to an administrator, who by design
sees no complaint): a reference, a name, a subject, a deadline a week away, the tracking link,
and a value for every other placeholder the built-in templates use, in the template's
language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.template import Context, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import FieldProblems, NotPermitted
from redress.core.memo import memo_clear
from redress.core.roles import Role
from redress.core.selectors import organisation_get, user_roles
from redress.notifications.models import MessageTemplate
from redress.notifications.services import _ENGINE, format_local, public_url

TEMPLATE_FIELDS = ("name", "subject", "body", "is_active")


def _administrator_check(actor: Actor) -> None:
    if actor.kind == "system":
        return
    user = actor.user
    if user is None or not (Role.ADMIN in user_roles(user) or user.is_superuser):
        raise NotPermitted(_("Only administrators may change the organisation's settings."))


def sample_context(language: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The values of a made-up complaint, in ``language``, for every placeholder."""
    organisation = organisation_get()
    now = now or timezone.now()
    english = language == "en"
    with override(language):
        return {
            "reference": f"{organisation.reference_prefix}-{now.year}-000123",
            "name": "Nguyen Van An" if english else "Nguyễn Văn An",
            "subject": "Late delivery of order HD-2026-88123"
            if english
            else "Giao hàng chậm đơn HD-2026-88123",
            "organisation": organisation.name_en
            if english and organisation.name_en
            else organisation.name,
            "deadline": format_local(now + dt.timedelta(days=7), language),
            "tracking_url": public_url(f"/{language}/track/"),
            "tracking_code": "ABCD-EFGH-JKMN",
            "support_email": organisation.support_email,
            "support_phone": organisation.support_phone,
            "public_interest": False,
            "decision_summary": _("We will refund the delivery fee."),
            "decision_reasons": _("The order arrived five days after the promised date."),
            "remedies": _("Refund of the delivery fee: 30.000 ₫"),
            "outcome": _("accepted"),
            "reason": _("The complaint was sent twice."),
            "provider": _("The Vietnam Competition and Consumer Authority"),
            "note": _("Thank you for your patience."),
            "message": _("Could you send us a photo of the delivery note?"),
            "classification": _("a request for information"),
            "survivor": f"{organisation.reference_prefix}-{now.year}-000122",
            "notice_url": public_url(f"/{language}/"),
            "survey": True,
            "ask_consent": False,
        }


def _compile_problems(subject: str, body: str) -> FieldProblems:
    problems = FieldProblems()
    for field, text, limit in (("subject", subject, 200), ("body", body, None)):
        if not text.strip():
            problems.add(field, _("This field is required."))
            continue
        if limit and len(text) > limit:
            problems.add(field, _("At most %(count)d characters.") % {"count": limit})
        try:
            _ENGINE.from_string(text)
        except TemplateSyntaxError as error:
            problems.add(
                field,
                _("A placeholder or condition is not written correctly: %(error)s")
                % {"error": error},
            )
    return problems


def template_preview(*, subject: str, body: str, language: str) -> tuple[str, str]:
    """(subject, body) as the complainant would receive them, filled in with the sample
    complaint. Raises ``ValidationFailed`` naming the field that does not compile."""
    _compile_problems(subject, body).raise_if_any(_("The template cannot be shown."))
    context = Context(sample_context(language), autoescape=False)
    rendered_subject = _ENGINE.from_string(subject).render(context)
    return " ".join(rendered_subject.split()), _ENGINE.from_string(body).render(context)


@transaction.atomic
def message_template_update(
    *,
    actor: Actor,
    template: MessageTemplate,
    name: str,
    subject: str,
    body: str,
    is_active: bool,
) -> MessageTemplate:
    """Change a template's name, subject, body or active state (its code and language stay:
    Redress sends it by code). A subject or body that does not compile is refused, naming the
    field; an automatic message stays active. Audited with what changed; nothing changed,
    nothing recorded. Raises ``ValidationFailed`` and ``NotPermitted``."""
    _administrator_check(actor)
    locked = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    problems = _compile_problems(subject, body)
    if not name.strip():
        problems.add("name", _("This field is required."))
    elif len(name.strip()) > 120:
        problems.add("name", _("At most %(count)d characters.") % {"count": 120})
    if locked.is_active and not is_active and locked.purpose == MessageTemplate.Purpose.SYSTEM:
        problems.add(
            "is_active",
            _("Redress sends this message automatically: it cannot be switched off."),
        )
    problems.raise_if_any(_("The template cannot be saved."))
    before = {field: getattr(locked, field) for field in TEMPLATE_FIELDS}
    locked.name, locked.subject, locked.body, locked.is_active = (
        name.strip(),
        subject,
        body,
        is_active,
    )
    after = {field: getattr(locked, field) for field in TEMPLATE_FIELDS}
    changed = [field for field in TEMPLATE_FIELDS if before[field] != after[field]]
    if not changed:
        return locked
    locked.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="notifications.template_update",
        target=locked,
        target_label=f"{locked.code} ({locked.language})",
        before={field: before[field] for field in changed},
        after={field: after[field] for field in changed},
    )
    transaction.on_commit(memo_clear)
    return locked
