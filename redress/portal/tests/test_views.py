"""The portal as a complainant uses it, through Django's test client: complain, get the
receipt once, follow, reply, answer the decision, rate the handling."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redress.complaints.models import Complaint, Message, PauseReason, SatisfactionResponse, Status
from redress.core.actors import Actor
from redress.handling.services import complaint_add_note, complaint_assign, complaint_pause
from redress.handling.testing import make_team, receive
from redress.intake.models import IntakeKey
from redress.notifications.models import Notification, OutboundEmail
from redress.portal.testing import PNG, complaint_data
from redress.transparency.models import NoticeConsent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


@pytest.fixture
def team():
    return make_team()


def submit(client, language="vi", ip="127.0.0.1", **overrides):
    return client.post(f"/{language}/complain/", complaint_data(**overrides), REMOTE_ADDR=ip)


def open_complaint(client, reference, code):
    response = client.post("/en/track/", {"reference": reference, "code": code})
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


# --- home and language ----------------------------------------------------------------------


def test_root_sends_a_visitor_to_the_vietnamese_portal(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/vi/"


def test_home_tells_how_to_complain_the_steps_that_it_is_free_and_where_else_to_go(client):
    page = client.get("/vi/").content.decode()
    assert 'lang="vi"' in page
    assert "Trong 1 ngày làm việc" in page  # a step's target time
    assert "miễn phí" in page
    assert "Sở Công Thương" in page
    assert 'id="privacy"' in page
    english = client.get("/en/").content.decode()
    assert 'lang="en"' in english
    assert "Within 1 working day" in english
    assert "Provincial Department of Industry and Trade" in english


# --- complaint form and receipt -------------------------------------------------------------


def test_a_complaint_sent_from_the_form_is_received_with_a_receipt_and_an_email(client, team):
    response = submit(
        client, attachments=SimpleUploadedFile("hoa-don.png", PNG, content_type="image/png")
    )
    assert response.status_code == 302 and response["Location"] == "/vi/complain/received/"
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert complaint.order_ref == "DH-1001"
    assert complaint.amount_claimed == 1_500_000
    assert complaint.complainant.full_name == "Trần Thị Mai"
    assert [a.original_name for a in complaint.attachments.all()] == ["hoa-don.png"]
    assert NoticeConsent.objects.get(complaint=complaint).notice.version == 1

    receipt = client.get(response["Location"]).content.decode()
    assert complaint.reference in receipt
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', receipt).group(1)
    assert code in OutboundEmail.objects.get(complaint=complaint).body
    # The receipt can be reloaded and still shows the same reference and code.
    assert code in client.get("/vi/complain/received/").content.decode()


def test_a_complaint_for_someone_else_records_the_representative(client, team):
    submit(
        client,
        on_behalf="other",
        representative_name="Trần Văn Nam",
        representative_relation="con trai",
    )
    complaint = Complaint.objects.get()
    assert (complaint.representative_name, complaint.representative_relation) == (
        "Trần Văn Nam",
        "con trai",
    )


def test_sending_the_same_form_twice_makes_one_complaint(client, team):
    data = complaint_data()
    first = client.post("/vi/complain/", data)
    second = client.post("/vi/complain/", data)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1
    assert IntakeKey.objects.filter(scope="portal").count() == 1
    assert Complaint.objects.get().reference in client.get(second["Location"]).content.decode()


def test_the_same_form_sent_again_with_other_answers_is_not_merged_silently(client, team):
    data = complaint_data()
    client.post("/vi/complain/", data)
    response = client.post("/en/complain/", {**data, "subject": "Another problem"})
    assert response.status_code == 200
    page = response.content.decode()
    assert Complaint.objects.get().reference in page
    assert "Another problem" in page  # nothing typed is lost
    assert Complaint.objects.count() == 1
    new_token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    assert new_token != data["form_token"]


def test_errors_are_shown_in_vietnamese_next_to_the_field_and_nothing_typed_is_lost(client, team):
    response = submit(client, full_name="", consent="", description="Máy giặt kêu rất to")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Lỗi:" in page
    assert 'id="full_name-error"' in page and 'aria-invalid="true"' in page
    # The summary at the top names the field of each error and links to it.
    assert (
        '<a href="#id_full_name">Họ và tên người bị ảnh hưởng: Trường này là bắt buộc.</a>' in page
    )
    assert "Để gửi khiếu nại trực tuyến, vui lòng đánh dấu ô này" in page
    assert "Máy giặt kêu rất to" in page
    assert Complaint.objects.count() == 0


def test_a_way_to_reach_the_complainant_is_required(client, team):
    response = submit(client, language="en", email="", phone="", preferred_channel="letter")
    page = response.content.decode()
    assert "Give at least one way to reach you" in page
    assert Complaint.objects.count() == 0


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_with_its_name(client, team):
    fake = SimpleUploadedFile(
        "virus.pdf", b"MZ\x90\x00 not really a pdf", content_type="application/pdf"
    )
    response = submit(client, language="en", attachments=fake)
    assert "virus.pdf is not an accepted type of file" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_future_date_is_refused(client, team):
    response = submit(client, language="en", occurred_on="2999-01-01")
    assert "This date is in the future" in response.content.decode()


def test_the_honeypot_stops_a_script_and_nothing_is_received(client, team):
    response = submit(client, hp_contact="http://spam.example")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_too_many_complaints_from_one_address_are_held_back_keeping_what_was_typed(
    client, team, settings
):
    settings.REDRESS_PORTAL_SUBMIT_RATE = "2/3600"
    assert submit(client).status_code == 302
    assert submit(client).status_code == 302
    response = submit(client, language="en", subject="Third one")
    assert response.status_code == 429
    assert "Third one" in response.content.decode()
    assert Complaint.objects.count() == 2
    # Another address is not affected.
    assert submit(client, ip="10.0.0.9").status_code == 302


# --- tracking -------------------------------------------------------------------------------


def test_tracking_with_reference_and_code_shows_the_public_timeline_only(client, team):
    received = receive(team, subject="Ống nước bị rò")
    complaint = received.complaint
    complaint_add_note(
        complaint=complaint, actor=Actor.for_user(team.handler), body="Nội bộ: khách hàng khó tính"
    )
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert "Ống nước bị rò" in page
    assert "We received your complaint." in page
    assert "khó tính" not in page  # internal notes never reach the complainant


def test_a_wrong_code_and_an_unknown_reference_get_the_same_neutral_answer(client, team):
    received = receive(team, subject="Ống nước bị rò")
    wrong_code = client.post(
        "/en/track/", {"reference": received.complaint.reference, "code": "AAAA-BBBB-CCCC"}
    )
    unknown = client.post("/en/track/", {"reference": "KN-1999-000001", "code": "AAAA-BBBB-CCCC"})
    assert wrong_code.status_code == unknown.status_code == 200

    def error_of(response):
        return re.search(
            r'<div class="error-summary".*?</div>', response.content.decode(), re.S
        ).group(0)

    assert error_of(wrong_code) == error_of(unknown)
    assert "Ống nước bị rò" not in wrong_code.content.decode()
    assert client.get(f"/en/track/{received.complaint.reference}/").status_code == 302  # no access


def test_guessing_codes_is_rate_limited_even_for_the_right_code(client, team, settings):
    settings.REDRESS_PORTAL_TRACK_RATE = "3/900"
    received = receive(team)
    for _ in range(3):
        client.post(
            "/en/track/", {"reference": received.complaint.reference, "code": "AAAA-BBBB-CCCC"}
        )
    response = client.post(
        "/en/track/", {"reference": received.complaint.reference, "code": received.tracking_code}
    )
    assert response.status_code == 429
    assert (
        client.get(
            f"/en/track/{received.complaint.reference}/{received.tracking_code}/"
        ).status_code
        == 429
    )


def test_the_secret_link_of_the_email_opens_the_complaint_and_leaves_the_address_bar(client, team):
    received = receive(team, subject="Giao hàng trễ")
    response = client.get(f"/vi/track/{received.complaint.reference}/{received.tracking_code}/")
    assert response.status_code == 302
    assert response["Location"] == f"/vi/track/{received.complaint.reference}/"
    assert "Giao hàng trễ" in client.get(response["Location"]).content.decode()
    wrong = client.get(f"/vi/track/{received.complaint.reference}/AAAA-BBBB-CCCC/")
    assert wrong.status_code == 404 and "Giao hàng trễ" not in wrong.content.decode()


def test_hiding_the_complaint_on_a_shared_device_removes_access(client, team):
    received = receive(team)
    page = open_complaint(client, received.complaint.reference, received.tracking_code)
    assert "no-store" in page["Cache-Control"]  # not kept by the browser for the next user
    client.post(f"/en/track/{received.complaint.reference}/leave/")
    assert client.get(f"/en/track/{received.complaint.reference}/").status_code == 302


# --- reply, decision, survey ----------------------------------------------------------------


def test_a_reply_reaches_the_handler_and_resumes_a_complaint_waiting_for_the_complainant(
    client, team
):
    received = receive(team)
    complaint = received.complaint
    complaint_assign(complaint=complaint, actor=Actor.for_user(team.handler), owner=team.handler)
    complaint_pause(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        reason=PauseReason.COMPLAINANT,
        note="Ảnh hóa đơn?",
    )
    open_complaint(client, complaint.reference, received.tracking_code)
    response = client.post(
        f"/en/track/{complaint.reference}/reply/",
        {
            "body": "Đây là ảnh hóa đơn",
            "attachments": SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert message.body == "Đây là ảnh hóa đơn" and message.attachments.count() == 1
    complaint.refresh_from_db()
    assert complaint.paused_at is None
    assert Notification.objects.filter(
        recipient=team.handler, kind=Notification.Kind.MESSAGE
    ).exists()


def test_an_empty_reply_is_refused_next_to_the_field(client, team):
    received = receive(team)
    open_complaint(client, received.complaint.reference, received.tracking_code)
    response = client.post(f"/en/track/{received.complaint.reference}/reply/", {"body": ""})
    assert response.status_code == 200 and 'id="body-error"' in response.content.decode()
    assert not Message.objects.filter(direction="inbound").exists()


def test_rejecting_the_decision_needs_a_reason_then_starts_the_review_and_shows_external_options(
    client, team
):
    received = receive(team)
    complaint = received.complaint
    for step in ("acknowledge", "assess", "investigate", "propose", "approve", "communicate"):
        from redress.handling.testing import advance

        complaint = advance(complaint, team, step)
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert (
        "We agree with your complaint" in page
        and "A refund" in page
        and "Tính tiền hai lần" in page
    )
    assert "Please answer by <strong>" in page  # when "no reply" may be recorded
    assert "Next step:" not in page  # the next step is the complainant's

    no_reason = client.post(
        f"/en/track/{complaint.reference}/answer/", {"reaction": "rejected", "note": ""}
    )
    assert 'id="note-error"' in no_reason.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_COMMUNICATED

    client.post(
        f"/en/track/{complaint.reference}/answer/",
        {"reaction": "rejected", "note": "Số tiền chưa đủ"},
    )
    assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW
    page = client.get(f"/en/track/{complaint.reference}/").content.decode()
    assert (
        "Other places you can go" in page and "Provincial Department of Industry and Trade" in page
    )
    assert 'name="reaction"' not in page  # answered once


def test_accepting_the_decision_resolves_the_complaint(client, team):
    received = receive(team)
    complaint = received.complaint
    from redress.handling.testing import advance

    for step in ("acknowledge", "assess", "investigate", "propose", "approve", "communicate"):
        complaint = advance(complaint, team, step)
    open_complaint(client, complaint.reference, received.tracking_code)
    client.post(f"/en/track/{complaint.reference}/answer/", {"reaction": "accepted"})
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED


def test_the_survey_is_offered_after_closure_and_answered_once(client, team):
    received = receive(team)
    complaint = received.complaint
    from redress.handling.testing import PATHS, advance

    for step in PATHS[Status.CLOSED]:
        complaint = advance(complaint, team, step)
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert "How did we do?" in page and 'name="reply"' not in page
    response = client.post(
        f"/en/track/{complaint.reference}/survey/",
        {"overall": "4", "fairness": "5", "speed": "2", "comment": "Hơi chậm"},
    )
    assert response.status_code == 302
    rating = SatisfactionResponse.objects.get(complaint=complaint)
    assert (rating.overall, rating.fairness, rating.clarity, rating.speed) == (4, 5, None, 2)
    client.post(f"/en/track/{complaint.reference}/survey/", {"overall": "1"})
    assert SatisfactionResponse.objects.get(complaint=complaint).overall == 4
    assert "How did we do?" not in client.get(f"/en/track/{complaint.reference}/").content.decode()


def test_the_survey_needs_an_overall_score(client, team):
    received = receive(team)
    complaint = received.complaint
    from redress.handling.testing import PATHS, advance

    for step in PATHS[Status.CLOSED]:
        complaint = advance(complaint, team, step)
    open_complaint(client, complaint.reference, received.tracking_code)
    response = client.post(f"/en/track/{complaint.reference}/survey/", {"comment": "Không biết"})
    page = response.content.decode()
    assert 'id="overall-error"' in page and "Không biết" in page
    assert not SatisfactionResponse.objects.exists()


def test_dates_are_shown_in_vietnam_time(client, team):
    import datetime as dt

    # 20:30 UTC on 31 December is 03:30 on 1 January in Ho Chi Minh City.
    received = receive(team, received_at=dt.datetime(2025, 12, 31, 20, 30, tzinfo=dt.UTC))
    response = client.get(
        f"/vi/track/{received.complaint.reference}/{received.tracking_code}/", follow=True
    )
    assert "03:30, 01/01/2026" in response.content.decode()


def test_the_steps_show_the_time_limits_the_deadline_engine_applies(client):
    from redress.sla.models import SlaPolicy

    page = client.get("/en/").content.decode()
    general = SlaPolicy.objects.get(code="iso-default")
    assert f"Within {general.decision_amount} working days" in page
    assert "Within 7 working days" in page  # negotiation requests, set by law
    # Without a general policy the organisation's own commitment is shown.
    SlaPolicy.objects.filter(code="iso-default").update(is_active=False)
    page = client.get("/en/").content.decode()
    assert "Within 15 working days" in page and "Within 1 working day" in page  # the notice's text


def test_the_complaint_page_says_what_comes_next_and_by_when(client, team):
    received = receive(team)
    complaint = received.complaint
    assert complaint.acknowledge_due_at is not None  # set by the deadline engine on receipt
    page = client.get(
        f"/en/track/{complaint.reference}/{received.tracking_code}/", follow=True
    ).content.decode()
    assert "Next step:" in page
    assert "We confirm your complaint and give it to a person who handles it" in page


def test_the_chosen_way_of_contact_must_be_filled_in(client, team):
    response = submit(client, language="en", preferred_channel="phone", phone="")
    page = response.content.decode()
    assert "You chose phone: enter your phone number, or choose another way." in page
    assert Complaint.objects.count() == 0


def test_a_reply_sent_twice_from_one_form_is_kept_once(client, team):
    received = receive(team)
    page = open_complaint(
        client, received.complaint.reference, received.tracking_code
    ).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    for _ in range(2):
        response = client.post(
            f"/en/track/{received.complaint.reference}/reply/",
            {"form_token": token, "body": "Thêm thông tin"},
        )
        assert response.status_code == 302
    assert Message.objects.filter(complaint=received.complaint, direction="inbound").count() == 1


# --- withdrawing, and the complainant's own files --------------------------------------------


def test_withdrawing_needs_the_confirmation_then_ends_the_handling(client, team):
    received = receive(team)
    reference = received.complaint.reference
    page = open_complaint(client, reference, received.tracking_code).content.decode()
    assert 'id="withdraw"' in page

    refused = client.post(f"/en/track/{reference}/withdraw/", {"reason": "Đã tự giải quyết"})
    assert refused.status_code == 200 and 'id="confirm-error"' in refused.content.decode()
    assert Complaint.objects.get(pk=received.complaint.pk).status == Status.RECEIVED

    done = client.post(
        f"/en/track/{reference}/withdraw/", {"reason": "Đã tự giải quyết", "confirm": "on"}
    )
    assert done.status_code == 302
    complaint = Complaint.objects.get(pk=received.complaint.pk)
    assert complaint.status == Status.WITHDRAWN
    assert complaint.events.get(action="withdraw").data == {"reason": "Đã tự giải quyết"}
    page = client.get(done["Location"]).content.decode()
    assert "Your complaint is withdrawn" in page and 'id="withdraw"' not in page

    again = client.post(f"/en/track/{reference}/withdraw/", {"confirm": "on"}, follow=True)
    assert "This complaint can no longer be withdrawn." in again.content.decode()
    assert complaint.events.filter(action="withdraw").count() == 1


def test_the_complainant_downloads_their_files_but_never_the_staffs(
    client, team, settings, tmp_path
):
    from redress.complaints.attachments import IncomingFile

    settings.MEDIA_ROOT = tmp_path
    received = receive(team, attachments=[IncomingFile("hoa-don.png", PNG)])
    complaint = received.complaint
    complaint_add_note(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        body="Nội bộ",
        attachments=[IncomingFile("noi-bo.png", PNG)],
    )
    own = complaint.attachments.get(message__isnull=True)
    internal = complaint.attachments.get(message__isnull=False)
    url = f"/en/track/{complaint.reference}/files/"

    assert client.get(f"{url}{own.pk}/").status_code == 302  # not opened on this device yet
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert f'href="{url}{own.pk}/"' in page and "noi-bo.png" not in page

    download = client.get(f"{url}{own.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert client.get(f"{url}{internal.pk}/").status_code == 404
    other = receive(team, attachments=[IncomingFile("khac.png", PNG)]).complaint
    assert client.get(f"{url}{other.attachments.get().pk}/").status_code == 404


def test_a_merged_complaints_page_points_to_the_complaint_that_goes_on(client, team):
    from redress.complaints.testing import ComplainantFactory
    from redress.handling.services import complaint_merge

    person = ComplainantFactory(email="lan@example.vn")
    survivor = receive(team, complainant=person, subject="Hóa đơn sai").complaint
    received = receive(team, complainant=person, subject="Hóa đơn sai")
    complaint_merge(
        complaint=received.complaint,
        actor=Actor.for_user(team.handler),
        other=survivor.reference,
    )

    page = open_complaint(client, received.complaint.reference, received.tracking_code)
    body = page.content.decode()
    assert 'id="merged-into"' in body
    assert f"/en/track/?reference={survivor.reference}" in body
    assert f"Your complaint was merged into complaint {survivor.reference}" in body
    assert page.context["survey_form"] is None  # the survey belongs to the surviving complaint
