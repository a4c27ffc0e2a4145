"""Versions of the public information: published text is kept and never changes."""

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.testing import UserFactory
from redress.transparency.models import ExternalBody, Notice
from redress.transparency.selectors import (
    external_bodies_active,
    notice_current,
    notice_privacy_text,
)
from redress.transparency.services import notice_copy, notice_draft_update, notice_publish

pytestmark = pytest.mark.django_db


def test_a_fresh_installation_publishes_bilingual_information_and_the_external_bodies():
    notice = notice_current()
    assert notice.version == 1 and notice.is_published
    assert [s.stage for s in notice.steps.all()] == [
        "receive",
        "acknowledge",
        "assess",
        "decide",
        "close",
    ]
    assert "miễn phí" in notice.text("charges", "vi") and "free" in notice.text("charges", "en")
    names = [b.name_vi for b in external_bodies_active()]
    assert names[0].startswith("Sở Công Thương") and any("VINASTAS" in n for n in names)
    assert (
        any("Tòa án" in n for n in names)
        and any("Trọng tài" in n for n in names)
        and any("Hòa giải" in n for n in names)
    )


def test_a_change_is_a_new_version_and_the_old_one_is_kept():
    admin = UserFactory()
    first = notice_current()
    draft = notice_copy(notice=first, actor=Actor.for_user(admin))
    assert (
        draft.version == 2 and not draft.is_published and draft.steps.count() == first.steps.count()
    )
    assert notice_current() == first  # a draft is not public
    draft.charges_en = "Still free."
    draft.save()
    notice_publish(notice=draft, actor=Actor.for_user(admin))
    current = notice_current()
    assert current.version == 2 and current.text("charges", "en") == "Still free."
    assert current.published_by == admin
    assert Notice.objects.get(version=1).text("charges", "en").startswith("Complaining is free")
    assert AuditEntry.objects.filter(action="transparency.publish").count() == 1


def test_publishing_twice_is_refused():
    with pytest.raises(Conflict):
        notice_publish(notice=notice_current(), actor=Actor.system("test"))


def test_english_falls_back_to_vietnamese_when_missing():
    body = ExternalBody.objects.create(name_vi="Trung tâm trọng tài A")
    assert body.text("name", "en") == "Trung tâm trọng tài A"


def test_a_published_version_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    notice = notice_current()
    change = admin_client.post(
        reverse("admin:transparency_notice_change", args=[notice.pk]), {"intro_vi": "Đã sửa"}
    )
    assert change.status_code == 403
    delete = admin_client.post(
        reverse("admin:transparency_notice_delete", args=[notice.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Notice.objects.get(pk=notice.pk).intro_vi != "Đã sửa"


def test_the_admin_copies_a_version_into_a_draft_and_publishes_it(admin_client):
    first = notice_current()
    changelist = reverse("admin:transparency_notice_changelist")
    admin_client.post(changelist, {"action": "copy", "_selected_action": [first.pk]})
    draft = Notice.objects.get(version=2)
    assert not draft.is_published and draft.steps.count() == first.steps.count()
    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert notice_current() == draft
    assert Notice.objects.get(version=1).is_published  # the old version stays on record
    # The version states the retention periods as the rules are set at its publication.
    published = Notice.objects.get(pk=draft.pk)
    assert "5 years" in published.retention_en and "5 năm" in published.retention_vi
    assert "5 years" in notice_privacy_text(published, "en")


def test_a_draft_is_edited_by_its_vietnamese_text_and_a_published_one_never():
    actor = Actor.system("tests")
    published = notice_current()
    draft = notice_copy(notice=published, actor=actor)
    with pytest.raises(ValidationFailed) as refused:
        notice_draft_update(notice=draft, actor=actor, intro_vi=" ", intro_en="")
    assert set(refused.value.fields) == {"intro_vi"}
    notice_draft_update(notice=draft, actor=actor, intro_vi="Giới thiệu mới", intro_en="")
    draft.refresh_from_db()
    assert draft.intro_vi == "Giới thiệu mới"
    entry = AuditEntry.objects.get(action="transparency.draft_update")
    assert "intro_vi" in entry.after["changed"]
    with pytest.raises(Conflict):
        notice_draft_update(notice=published, actor=actor, intro_vi="Khác")
