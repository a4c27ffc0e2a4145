"""Triage in the back office: suggestions at intake and at assessment (shown, accepted by the
person, recorded against what they chose), similar complaints on the workspace, and the
administrator's evaluation page."""

import pytest
from django.urls import reverse

from redress.complaints.models import Complaint, Status
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import complaint_in_state, receive
from redress.triage import selectors
from redress.triage.models import KeywordRule, Stage, SuggestionOutcome, TriageTraining
from redress.triage.services import triage_train
from redress.triage.testing import closed_complaints

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    selectors._LOADED.clear()


def english(user):
    """New wording is checked in English: its Vietnamese comes with the catalogue update."""
    User.objects.filter(pk=user.pk).update(language="en")
    return user


def intake_data(team, **extra):
    return {
        "channel": "phone",
        "received_by": team.frontline.pk,
        "unit": team.unit.pk,
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "email": "lan@example.vn",
        "preferred_language": "vi",
        "subject": "Kiện hàng bị thất lạc",
        "description": "Shipper không giao hàng, giao hàng chậm một tuần.",
        **extra,
    }


def test_the_clerk_sees_learned_suggestions_while_typing(team, signed_in):
    vocab, _rows = closed_complaints(250)
    triage_train(actor=Actor.system("triage"))
    client = signed_in(english(team.frontline))
    body = client.post(
        reverse("backoffice:intake_triage"),
        {"subject": "Kiện hàng bị thất lạc", "description": "giao hàng chậm một tuần " * 200},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    delivery = vocab.categories["delivery"]
    assert f'data-field="category" data-value="{delivery.pk}"' in body
    assert delivery.name_en in body
    assert ">Accept</button>" in body
    assert 'name="triage_suggested"' in body


def test_intake_records_what_was_suggested_against_what_the_clerk_chose(team, signed_in):
    vocab, _rows = closed_complaints(250)
    triage_train(actor=Actor.system("triage"))
    shown = selectors.suggestions_for("Kiện hàng bị thất lạc", "giao hàng chậm", stage=Stage.INTAKE)
    client = signed_in(team.frontline)
    response = client.post(
        reverse("backoffice:intake"),
        intake_data(
            team,
            category=vocab.categories["delivery"].pk,
            product=vocab.products["invoice"].pk,  # the clerk chose otherwise
            triage_suggested=shown.token,
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(subject="Kiện hàng bị thất lạc", status=Status.RECEIVED)
    outcomes = {
        o.field: (o.accepted, o.source)
        for o in SuggestionOutcome.objects.filter(complaint=complaint, stage=Stage.INTAKE)
    }
    assert outcomes["category"] == (True, "model")
    assert outcomes["product"] == (False, "model")
    assert outcomes["unit"] == (False, "model")  # the clerk's own unit was kept


def test_assessment_shows_rule_suggestions_and_records_the_choice(team, signed_in):
    KeywordRule.objects.create(name="Bỏng", keywords="bỏng", priority="urgent", health_safety=True)
    complaint = complaint_in_state(
        Status.ACKNOWLEDGED, team, subject="Ấm đun nước", description="Con tôi bị bỏng tay."
    )
    client = signed_in(team.handler)
    form = client.get(
        reverse("backoffice:act", args=[complaint.reference, "assess"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert reverse("backoffice:complaint_suggestions", args=[complaint.reference]) in form
    panel = client.get(
        reverse("backoffice:complaint_suggestions", args=[complaint.reference]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-field="priority" data-value="urgent"' in panel
    assert 'data-field="health_safety" data-value="true"' in panel
    token = panel.split('name="triage_suggested" value="')[1].split('"')[0]
    response = client.post(
        reverse("backoffice:act", args=[complaint.reference, "assess"]),
        {
            "classification": "complaint",
            "severity": "high",
            "impact": "high",
            "health_safety": "on",
            "triage_suggested": token,
        },
    )
    assert response.status_code == 302
    outcomes = {
        o.field: (o.suggested, o.chosen, o.accepted)
        for o in SuggestionOutcome.objects.filter(complaint=complaint)
    }
    assert outcomes == {
        "priority": ("urgent", "urgent", True),
        "health_safety": ("true", "true", True),
    }


def test_a_frontline_clerk_may_not_fetch_assessment_suggestions(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    response = signed_in(team.frontline).get(
        reverse("backoffice:complaint_suggestions", args=[complaint.reference])
    )
    assert response.status_code == 403


def test_the_workspace_lists_similar_complaints_with_what_they_share(team, signed_in):
    first = receive(team, order_ref="DH-123").complaint
    same = receive(
        team,
        complainant=first.complainant,
        subject="Hóa đơn tính sai tiền lần nữa",
        order_ref="DH-123",
    ).complaint
    other = receive(team, subject="Nhân viên thô lỗ", description="Bị quát mắng.").complaint
    client = signed_in(english(team.handler))
    page = client.get(reverse("backoffice:complaint", args=[first.reference])).content.decode()
    assert reverse("backoffice:complaint_similar", args=[first.reference]) in page
    body = client.get(
        reverse("backoffice:complaint_similar", args=[first.reference]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert same.reference in body and other.reference not in body
    assert "same complainant" in body and "same order reference" in body


def test_a_similar_complaint_is_linked_or_merged_from_the_list(team, signed_in):
    first = receive(team, order_ref="DH-777").complaint
    same = receive(team, complainant=first.complainant, order_ref="DH-777").complaint
    client = signed_in(english(team.handler))
    body = client.get(
        reverse("backoffice:complaint_similar", args=[first.reference]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    workspace = reverse("backoffice:complaint", args=[first.reference])
    assert f"{workspace}?action=link&amp;other={same.reference}" in body
    assert f"{workspace}?action=merge&amp;other={same.reference}" in body
    page = client.get(workspace, {"action": "link", "other": same.reference.lower()})
    assert f'name="other" value="{same.reference}"' in page.content.decode()


def test_similar_complaints_go_through_the_visibility_gate(team, signed_in):
    from redress.handling.testing import make_team

    elsewhere = make_team()
    hidden = receive(elsewhere).complaint
    mine = receive(team).complaint
    body = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint_similar", args=[mine.reference]))
        .content.decode()
    )
    assert hidden.reference not in body


def test_the_administrator_sees_the_evaluation_and_a_warning_when_rules_win(
    team, signed_in, django_assert_max_num_queries
):
    from redress.triage.dataset import CATEGORIES

    vocab, _rows = closed_complaints(250)
    # Exact rules for the category: the model cannot beat them there.
    for code, (_p, _u, vi, en) in CATEGORIES.items():
        KeywordRule.objects.create(
            name=code, keywords="\n".join(vi + en), category=vocab.categories[code]
        )
    triage_train(actor=Actor.system("triage"))
    admin = staff(Role.ADMIN, team.unit)
    client = signed_in(english(admin))
    with django_assert_max_num_queries(20):
        body = client.get(reverse("backoffice:triage")).content.decode()
    assert "The model is no better than the keyword rules on this field" in body
    assert vocab.categories["billing"].name_en in body
    assert "Confusion matrix" in body
    assert signed_in(team.manager).get(reverse("backoffice:triage")).status_code == 403


def test_the_evaluation_page_shows_the_acceptance_rate_of_suggestions_in_use(team, signed_in):
    KeywordRule.objects.create(name="Hoá đơn", keywords="hoá đơn", priority="high")
    for chosen in ("high", "high", "high", "low"):
        shown = selectors.suggestions_for("Hoá đơn sai", "", stage=Stage.ASSESSMENT)
        complaint = receive(team).complaint
        Complaint.objects.filter(pk=complaint.pk).update(priority=chosen)
        from redress.triage.services import suggestion_outcomes_record

        suggestion_outcomes_record(
            complaint=complaint,
            stage=Stage.ASSESSMENT,
            token=shown.token,
            actor=Actor.for_user(team.handler),
        )
    client = signed_in(english(staff(Role.ADMIN, team.unit)))
    body = client.get(reverse("backoffice:triage")).content.decode()
    row = body.split("Suggestions in use")[1].split("</tr>", 2)[1]
    assert "Priority" in row and "keyword rule" in row
    assert "<td>4</td><td>3</td><td>75%</td>" in row


def test_the_administrator_trains_now_in_the_background_and_sees_the_result(team, signed_in):
    from redress.triage.training import triage_training_run

    closed_complaints(60)
    admin = staff(Role.ADMIN, team.unit)
    client = signed_in(english(admin))
    response = client.post(reverse("backoffice:triage_train"))
    assert response.status_code == 302
    assert selectors.model_active() is None  # nothing trained in the request
    page = client.get(reverse("backoffice:triage")).content.decode()
    assert "The training was handed to the worker" in page
    assert "it starts when the worker takes it" in page
    assert 'hx-trigger="every 5s"' in page and " disabled " in page
    again = client.post(reverse("backoffice:triage_train"), follow=True).content.decode()
    assert "A training is already in progress" in again
    triage_training_run(training_id=TriageTraining.objects.get().pk)  # the worker
    box = client.get(reverse("backoffice:triage_training"), HTTP_HX_REQUEST="true")
    body = box.content.decode()
    assert "Version 1 trained from 60 closed complaints" in body and "It is in use." in body
    assert "every 5s" not in body  # no more polling
    assert selectors.model_active().version == 1
