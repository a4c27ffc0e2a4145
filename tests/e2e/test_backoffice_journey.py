"""The staff journey in Chromium: a handler takes an unassigned complaint through assessment
and investigation to a decision with a refund above the four-eyes limit; the manager approves;
the handler communicates it, records the acceptance, settles the refund and closes. A manager
who proposes such a decision cannot approve it themselves."""

from decimal import Decimal

import pytest

from redress.complaints.models import Complaint, Decision, Status
from redress.core.actors import Actor
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get
from redress.handling import services
from redress.intake.seed import demo_organisation
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def new_complaint(subject="Hóa đơn tính sai tiền điện", **kwargs):
    # Phone only: browser tests flush the database between tests, message templates included,
    # and a complainant without email gets no mail.
    person = services.complainant_get_or_create(full_name="Nguyễn Thị Lan", phone="0912345678")
    return services.complaint_receive(
        actor=Actor.channel("web"),
        complainant=person,
        channel="web",
        subject=subject,
        description="Tháng này công ty tính phí gấp đôi so với hợp đồng.",
        unit=OrgUnit.objects.get(code="care"),
        amount_claimed=6_000_000,
        **kwargs,
    ).complaint


def sign_out(page):
    page.click("form[action='/staff/logout/'] button")
    page.wait_for_selector("#id_username")


def act(page, action, fill=None, expect_status=None):
    """Open an action's form (HTMX), fill it, submit, and wait for the workspace to refresh."""
    page.click(f"a[data-action={action}]")
    page.wait_for_selector(f"#action-form[data-action={action}]")
    if fill:
        fill(page)
    page.click("#action-form button[type=submit]")
    if expect_status:
        page.wait_for_selector(f".case-head .status.s-{expect_status}")
    else:
        page.wait_for_selector("#action-form", state="detached")


def test_handler_journey_with_four_eyes_approval(page):
    demo_organisation()
    limit = organisation_get().four_eyes_threshold
    for i in range(3):
        new_complaint(subject=f"Giao hàng trễ hẹn lần {i + 1}")
    complaint = new_complaint()

    sign_in(page, "xuly")
    page.goto(page.base_url + "/staff/queue/unassigned/")
    page.wait_for_selector(f"text={complaint.reference}")
    page.click(f"a.ref:has-text('{complaint.reference}')")
    page.wait_for_selector(".case-head")
    handler_pk = str(
        Complaint.objects.model._meta.get_field("owner")
        .related_model.objects.get(username="xuly")
        .pk
    )

    act(page, "assign", lambda p: p.select_option("#action-form select[name=owner]", handler_pk))
    page.wait_for_selector(".meta strong:has-text('Tuấn')")
    act(page, "acknowledge", expect_status="acknowledged")
    act(
        page,
        "assess",
        lambda p: (
            p.select_option("#action-form select[name=severity]", "high"),
            p.select_option("#action-form select[name=impact]", "medium"),
            p.select_option("#action-form select[name=complexity]", "low"),
            p.fill("#action-form textarea[name=immediate_action]", "Tạm ngừng thu phí tháng sau"),
        ),
        expect_status="assessed",
    )
    act(
        page,
        "start_investigation",
        lambda p: p.fill("#action-form textarea[name=plan]", "Đối chiếu hóa đơn"),
        expect_status="investigating",
    )
    act(
        page,
        "propose_decision",
        lambda p: (
            p.select_option("#action-form select[name=outcome]", "upheld"),
            p.fill("#action-form textarea[name=summary]", "Hoàn lại tiền thu thừa"),
            p.fill("#action-form textarea[name=reasons]", "Hệ thống tính phí hai lần"),
            p.select_option("#action-form select[name='remedies-0-type']", "refund"),
            p.fill("#action-form input[name='remedies-0-amount']", str(limit + 1_000_000)),
        ),
        expect_status="decision_proposed",
    )
    assert page.locator("a[data-action=approve_decision]").count() == 0  # a handler never approves
    page.goto(page.base_url + f"/staff/c/{complaint.reference}/?action=add_note")
    sign_out(page)

    sign_in(page, "quanly")
    page.goto(page.base_url + "/staff/queue/awaiting_approval/")
    page.click(f"a.ref:has-text('{complaint.reference}')")
    act(page, "approve_decision", expect_status="decision_approved")
    sign_out(page)

    sign_in(page, "xuly")
    page.goto(page.base_url + f"/staff/c/{complaint.reference}/")
    act(page, "communicate_decision", expect_status="decision_communicated")
    act(
        page,
        "record_reaction",
        lambda p: p.select_option("#action-form select[name=reaction]", "accepted"),
        expect_status="resolved",
    )
    assert page.locator("button[data-blocked=close]").count() == 1  # the refund is not paid yet
    act(page, "settle_remedy")
    act(page, "close", expect_status="closed")

    closed = Complaint.objects.get(pk=complaint.pk)
    decision = Decision.objects.get(complaint=closed)
    assert closed.status == Status.CLOSED
    assert decision.proposed_by.username == "xuly" and decision.approved_by.username == "quanly"
    assert decision.remedies.get().amount == Decimal(limit + 1_000_000)


def test_the_proposer_cannot_approve_their_own_decision(page):
    demo_organisation()
    limit = organisation_get().four_eyes_threshold
    complaint = new_complaint()
    sign_in(page, "quanly")
    page.goto(page.base_url + f"/staff/c/{complaint.reference}/")
    act(page, "acknowledge", expect_status="acknowledged")
    act(page, "assess", expect_status="assessed")
    act(page, "start_investigation", expect_status="investigating")
    act(
        page,
        "propose_decision",
        lambda p: (
            p.fill("#action-form textarea[name=summary]", "Hoàn tiền"),
            p.fill("#action-form textarea[name=reasons]", "Tính sai"),
            p.select_option("#action-form select[name='remedies-0-type']", "refund"),
            p.fill("#action-form input[name='remedies-0-amount']", str(limit + 1)),
        ),
        expect_status="decision_proposed",
    )
    approve = page.locator("button[data-blocked=approve_decision]")
    assert approve.count() == 1
    assert "Nguyên tắc bốn mắt" in page.locator("#why-approve_decision").inner_text()
    page.goto(page.base_url + f"/staff/c/{complaint.reference}/act/approve_decision/")
    assert "Nguyên tắc bốn mắt" in page.content()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED
