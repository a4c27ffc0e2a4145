"""The decision as the complainant will receive it, shown on the "Communicate the decision"
form: the way their route takes (``notifications.channels.routing``), to whom, the short text
as the SMS or Zalo channel sends it and the email behind it, or the email alone — with the
complainant's details masked when the person sees them masked elsewhere in the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from redress.complaints.masking import (
    PersonalDataScope,
    mask_email,
    mask_name,
    mask_phone,
)
from redress.complaints.models import Channel, Complaint
from redress.core.models import User
from redress.handling.effects import decision_preview
from redress.notifications.models import FallbackReason


@dataclass(frozen=True)
class DecisionPreview:
    way: str  # "email", "sms", "zalo", or "" when no way reaches the complainant
    way_label: str
    to: str
    channel_name: str
    text: str  # the SMS or Zalo message
    email_to: str
    email_subject: str
    email_body: str  # the email itself, the one that goes if the text fails, or what to say
    passed_over: list[tuple[str, str]]  # the preferred ways that cannot be used, and why


def decision_preview_for(complaint: Complaint, user: User) -> DecisionPreview | None:
    preview = decision_preview(complaint)
    if preview is None:
        return None
    route = preview.route
    person = complaint.complainant
    to, email_to = preview.to, preview.email_to
    text, subject, body = preview.text, preview.email_subject, preview.email_body
    if not PersonalDataScope.for_user(user).allows(complaint):
        # The workspace shows this person initials, "k•••@example.vn" and "•••678".
        to = mask_email(to) if route.kind == "email" else mask_phone(to)
        email_to = mask_email(email_to)
        hidden = [
            (found, masked)
            for found, masked in (
                (person.full_name, mask_name(person.full_name)),
                (person.email, mask_email(person.email)),
            )
            if found
        ]
        for found, masked in hidden:
            text, subject, body = (part.replace(found, masked) for part in (text, subject, body))
    return DecisionPreview(
        way=route.kind,
        way_label=str(Channel(route.kind).label) if route.kind else "",
        to=to,
        channel_name=route.channel.name if route.channel else "",
        text=text,
        email_to=email_to,
        email_subject=subject,
        email_body=body,
        passed_over=[
            (str(Channel(kind).label), str(FallbackReason(reason).label))
            for kind, reason in route.skipped
        ],
    )
