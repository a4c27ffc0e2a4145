"""The internal audit pages: the programme, planning (with the independence refusal shown on the
form), the audit's page for its named auditor, and the report download."""

import pytest
from django.urls import reverse

from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.models import Audit
from redress.framework.services.audit_sample import audit_sample_draw
from redress.framework.tests.audit_helpers import auditor, closed_complaints, planned, started
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db


def login(client, user):
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    client.force_login(User.objects.get(pk=user.pk))


@pytest.fixture
def team(db):
    return make_team()


def test_the_manager_plans_an_audit_and_a_dependent_auditor_is_refused_on_the_form(client, team):
    login(client, team.manager)
    person = auditor(team)
    form = {
        "title": "Đánh giá quy trình",
        "unit": team.unit.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "planned_on": "2026-09-15",
        "risk_level": "high",
        "rationale": "Quá hạn nhiều",
        "auditors": [team.handler.pk],
    }
    assert client.get(reverse("backoffice:audit_plan")).status_code == 200
    refused = client.post(reverse("backoffice:audit_plan"), form)
    assert refused.status_code == 422  # the handler is no auditor (not even offered)
    form["auditors"] = [person.pk]
    done = client.post(reverse("backoffice:audit_plan"), form)
    audit = Audit.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "backoffice:audit", args=[audit.pk]
    )
    listing = client.get(reverse("backoffice:audits"))
    assert audit.reference in listing.content.decode()


def test_the_named_auditor_conducts_and_downloads_the_report(client, team):
    closed_complaints(team, 4)
    person = auditor(team)
    audit = planned(team, [person])
    login(client, person)
    url = reverse("backoffice:audit", args=[audit.pk])
    assert client.post(reverse("backoffice:audit_act", args=[audit.pk, "start"])).status_code == 302
    question = audit.questions.first()
    answered = client.post(
        reverse("backoffice:audit_question_answer", args=[audit.pk]),
        {"question": question.pk, "answer": "conforming", "evidence": "Đã xem 5 hồ sơ"},
    )
    assert answered.status_code == 302
    drawn = client.post(
        reverse("backoffice:audit_sample_draw", args=[audit.pk]),
        {"confidence": "95", "tolerable_pct": "5"},
    )
    assert drawn.status_code == 302
    item = audit.sample_items.first()
    checked = client.post(
        reverse("backoffice:audit_sample_check", args=[audit.pk]),
        {
            "item": item.pk,
            "checks": ["acknowledged_in_time"],
            "result": "nonconforming",
            "note": "",
        },
    )
    assert checked.status_code == 422  # a nonconforming check needs its note
    too_big = client.post(reverse("backoffice:audit_sample_draw", args=[audit.pk]), {"size": "5"})
    assert too_big.status_code == 422
    assert "4" in too_big.content.decode()
    found = client.post(
        reverse("backoffice:audit_finding", args=[audit.pk]),
        {"type": "minor_nc", "statement": "Xác nhận chậm", "sample_item": item.pk},
    )
    assert found.status_code == 302
    page = client.get(url).content.decode()
    assert item.complaint.reference in page
    assert audit.findings.get().capa.reference in page
    reported = client.post(
        reverse("backoffice:audit_act", args=[audit.pk, "report"]),
        {"conclusion": "Phù hợp một phần"},
    )
    assert reported.status_code == 302
    pdf = client.get(reverse("backoffice:audit_report_pdf", args=[audit.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_another_auditor_reads_but_cannot_conduct(client, team):
    closed_complaints(team, 3)
    person, other = auditor(team), auditor(team)
    audit = started(team, person)
    audit_sample_draw(audit=audit, actor=Actor.for_user(person), size=2, seed=1)
    login(client, other)
    assert client.get(reverse("backoffice:audit", args=[audit.pk])).status_code == 200
    refused = client.post(
        reverse("backoffice:audit_finding", args=[audit.pk]),
        {"type": "observation", "statement": "x"},
    )
    assert refused.status_code == 403
    assert not audit.findings.exists()


def test_a_handler_may_not_read_audits(client, team):
    login(client, team.handler)
    assert client.get(reverse("backoffice:audits")).status_code == 403


def test_the_programme_page_reads_a_fixed_number_of_queries(
    client, team, django_assert_max_num_queries
):
    login(client, team.manager)
    planned(team, [auditor(team)])
    client.get(reverse("backoffice:audits"))  # warm the per-process caches
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("backoffice:audits"))
    for _ in range(5):
        planned(team, [auditor(team)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("backoffice:audits")).status_code == 200
