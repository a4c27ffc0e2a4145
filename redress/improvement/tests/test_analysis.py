"""The investigation record (ISO 10002 7.6) and the structured methods of root cause analysis:
each write is refused with the field named and nothing changed, or recorded with its event
and audit entry."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from redress.audit.models import AuditEntry
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Attachment
from redress.complaints.testing import plain_pdf
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.handling.testing import receive
from redress.improvement.models import (
    FishboneItem,
    ImprovementEvent,
    Investigation,
    InvestigationActivity,
    WhyStep,
)
from redress.improvement.services import (
    FishboneInput,
    WhyInput,
    fishbone_save,
    investigation_activity_add,
    investigation_conclude,
    systemic_issue_open,
    why_steps_save,
)
from redress.improvement.tests.helpers import cause

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(team):
    return receive(team).complaint


def test_an_activity_is_dated_signed_and_keeps_its_evidence_files(team, complaint):
    activity = investigation_activity_add(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        done_on=timezone.localdate() - dt.timedelta(days=1),
        checked="Nhật ký thanh toán ngày 3/3",
        result="Giao dịch bị ghi hai lần",
        files=[IncomingFile("sao-ke.pdf", plain_pdf())],
    )
    assert activity.done_by == team.handler
    assert [a.original_name for a in activity.evidence.all()] == ["sao-ke.pdf"]
    # The evidence is one of the complaint's attachments, stored by the attachment rule.
    assert Attachment.objects.filter(complaint=complaint, original_name="sao-ke.pdf").exists()
    event = ImprovementEvent.objects.get(complaint=complaint, action="investigation_activity")
    assert event.data["evidence"] == [activity.evidence.get().pk]
    entry = AuditEntry.objects.get(action="improvement.investigation_activity")
    assert entry.after["event_id"] == event.pk


def test_an_activity_in_the_future_or_with_a_bad_file_changes_nothing(team, complaint):
    actor = Actor.for_user(team.handler)
    with pytest.raises(ValidationFailed) as future:
        investigation_activity_add(
            complaint=complaint,
            actor=actor,
            done_on=timezone.localdate() + dt.timedelta(days=1),
            checked="x",
        )
    assert "done_on" in future.value.fields
    with pytest.raises(ValidationFailed) as bad_file:
        investigation_activity_add(
            complaint=complaint,
            actor=actor,
            done_on=timezone.localdate(),
            checked="x",
            files=[IncomingFile("virus.exe", b"MZ\x90\x00" * 10)],
        )
    assert "evidence" in bad_file.value.fields
    with translation.override("vi"), pytest.raises(ValidationFailed) as empty:
        investigation_activity_add(
            complaint=complaint, actor=actor, done_on=timezone.localdate(), checked=" "
        )
    assert empty.value.fields["checked"] == ["Trường này là bắt buộc."]
    assert not InvestigationActivity.objects.exists()
    assert not Investigation.objects.exists()


def test_findings_and_root_cause_are_recorded_and_audited(team, complaint):
    investigation = investigation_conclude(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        findings="Hệ thống trừ tiền hai lần khi mạng chập chờn",
        root_cause=cause("system-outage"),
        root_cause_text="Cổng thanh toán không chống gửi lặp",
    )
    assert investigation.root_cause.code == "system-outage"
    assert investigation.cause_recorded_at is not None
    assert AuditEntry.objects.filter(action="improvement.investigation_conclude").count() == 1


def test_findings_are_required_and_an_inactive_cause_is_refused(team, complaint):
    actor = Actor.for_user(team.handler)
    with pytest.raises(ValidationFailed) as empty:
        investigation_conclude(complaint=complaint, actor=actor, findings="", root_cause=None)
    assert "findings" in empty.value.fields
    retired = cause("people-conduct")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationFailed) as inactive:
        investigation_conclude(complaint=complaint, actor=actor, findings="x", root_cause=retired)
    assert "root_cause" in inactive.value.fields
    assert not Investigation.objects.exists()


@pytest.mark.parametrize("who", ["frontline", "top", "auditor"])
def test_only_handlers_and_managers_investigate(team, complaint, who):
    with pytest.raises(NotPermitted):
        investigation_conclude(
            complaint=complaint,
            actor=Actor.for_user(getattr(team, who)),
            findings="x",
            root_cause=None,
        )
    assert not Investigation.objects.exists()


def test_five_whys_keep_their_order_and_are_replaced_as_a_whole(team, complaint):
    actor = Actor.for_user(team.handler)
    why_steps_save(
        actor=actor,
        complaint=complaint,
        steps=[
            WhyInput("Vì sao bị trừ tiền hai lần?", "Lệnh thanh toán gửi hai lần", "Nhật ký"),
            WhyInput("Vì sao gửi hai lần?", "Người dùng bấm lại khi chờ lâu"),
            WhyInput("Vì sao chờ lâu?", "Cổng thanh toán chậm"),
        ],
    )
    assert list(complaint.why_steps.values_list("position", "answer")) == [
        (1, "Lệnh thanh toán gửi hai lần"),
        (2, "Người dùng bấm lại khi chờ lâu"),
        (3, "Cổng thanh toán chậm"),
    ]
    why_steps_save(actor=actor, complaint=complaint, steps=[WhyInput("Vì sao?", "Vì vậy")])
    assert complaint.why_steps.count() == 1


def test_a_why_without_its_answer_is_refused_naming_the_row(team, complaint):
    actor = Actor.for_user(team.handler)
    why_steps_save(actor=actor, complaint=complaint, steps=[WhyInput("a", "b")])
    with pytest.raises(ValidationFailed) as refused:
        why_steps_save(
            actor=actor, complaint=complaint, steps=[WhyInput("a", "b"), WhyInput("c", "")]
        )
    assert list(refused.value.fields) == ["steps.2"]
    assert WhyStep.objects.count() == 1  # the earlier analysis is untouched


def test_a_fishbone_groups_causes_under_top_level_families(team, complaint):
    actor = Actor.for_user(team.handler)
    fishbone_save(
        actor=actor,
        complaint=complaint,
        items=[
            FishboneInput(cause("people"), "Nhân viên mới chưa được hướng dẫn"),
            FishboneInput(cause("system"), "Cổng thanh toán chậm"),
            FishboneInput(cause("people"), "Ca tối thiếu người"),
        ],
    )
    grouped = {}
    for item in complaint.fishbone.select_related("family"):
        grouped.setdefault(item.family.code, []).append(item.text)
    assert grouped == {
        "people": ["Nhân viên mới chưa được hướng dẫn", "Ca tối thiếu người"],
        "system": ["Cổng thanh toán chậm"],
    }
    with pytest.raises(ValidationFailed) as refused:
        fishbone_save(
            actor=actor,
            complaint=complaint,
            items=[FishboneInput(cause("people-training"), "x")],
        )
    assert list(refused.value.fields) == ["items.1"]
    assert FishboneItem.objects.count() == 3


def test_a_systemic_issue_carries_its_own_five_whys_and_fishbone(team):
    issue = systemic_issue_open(actor=Actor.for_user(team.manager), title="Trừ tiền hai lần")
    actor = Actor.for_user(team.handler)
    why_steps_save(actor=actor, issue=issue, steps=[WhyInput("Vì sao?", "Vì cổng chậm")])
    fishbone_save(actor=actor, issue=issue, items=[FishboneInput(cause("supplier"), "Đối tác")])
    assert issue.why_steps.count() == 1 and issue.fishbone.count() == 1
    assert set(issue.events.values_list("action", flat=True)) == {
        "issue_open",
        "five_whys",
        "fishbone",
    }
    with pytest.raises(NotPermitted):
        why_steps_save(actor=Actor.for_user(team.auditor), issue=issue, steps=[WhyInput("a", "b")])
