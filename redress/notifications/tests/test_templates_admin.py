"""Message templates changed by administrators (``notifications.templates_admin``): a template
that does not compile is refused naming its field, an automatic message stays on, every change
is audited, and the preview fills in a made-up complaint in the template's language."""

import pytest

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.notifications.models import MessageTemplate
from redress.notifications.services import template_render
from redress.notifications.templates_admin import message_template_update, template_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(staff(Role.ADMIN, UnitFactory.create()))


@pytest.fixture
def reply():
    return MessageTemplate.objects.create(
        code="reply-test",
        language="vi",
        purpose=MessageTemplate.Purpose.REPLY,
        name="Trả lời",
        subject="Về {{ reference }}",
        body="Kính gửi {{ name }},",
    )


def test_the_preview_fills_in_a_sample_complaint():
    subject, body = template_preview(
        subject="Khiếu nại {{ reference }}",
        body="Kính gửi {{ name }}, hạn: {{ deadline }}. {{ tracking_url }}",
        language="vi",
    )
    assert subject.startswith("Khiếu nại KN-")
    assert subject.endswith("-000123")
    assert "Kính gửi Nguyễn Văn An" in body
    assert "/vi/track/" in body


def test_a_template_that_does_not_compile_is_refused_by_field(admin, reply):
    with pytest.raises(ValidationFailed) as refused:
        message_template_update(
            actor=admin,
            template=reply,
            name="",
            subject="{% if %}",
            body="{{ name|no_such_filter }}",
            is_active=True,
        )
    assert set(refused.value.fields) == {"name", "subject", "body"}
    reply.refresh_from_db()
    assert reply.subject == "Về {{ reference }}"


def test_a_change_is_audited_and_sent_from_then_on(admin, reply):
    message_template_update(
        actor=admin,
        template=reply,
        name="Trả lời",
        subject="Phản hồi {{ reference }}",
        body="Kính gửi {{ name }},",
        is_active=True,
    )
    entry = AuditEntry.objects.get(action="notifications.template_update")
    assert entry.before == {"subject": "Về {{ reference }}"}
    assert entry.after == {"subject": "Phản hồi {{ reference }}"}
    subject, _body = template_render("reply-test", "vi", {"reference": "KN-1", "name": "A"})
    assert subject == "Phản hồi KN-1"


def test_an_automatic_message_is_not_switched_off(admin):
    system = MessageTemplate.objects.filter(
        purpose=MessageTemplate.Purpose.SYSTEM, is_active=True
    ).first()
    with pytest.raises(ValidationFailed) as refused:
        message_template_update(
            actor=admin,
            template=system,
            name=system.name,
            subject=system.subject,
            body=system.body,
            is_active=False,
        )
    assert set(refused.value.fields) == {"is_active"}


def test_only_administrators_change_templates(reply):
    handler = Actor.for_user(staff(Role.HANDLER, UnitFactory.create()))
    with pytest.raises(NotPermitted):
        message_template_update(
            actor=handler, template=reply, name="x", subject="x", body="x", is_active=True
        )
