"""Messages, attachments, categories and units, the OpenAPI document, the docs page, languages."""

from __future__ import annotations

import base64
import json
import re

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from redress.api.tests.conftest import error_of
from redress.complaints.models import Message
from redress.complaints.testing import CategoryFactory, plain_pdf
from redress.handling.testing import make_team, receive

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
PDF = plain_pdf()


def test_messages_in_every_direction_then_listed_in_pages(team, api_as):
    complaint = receive(team).complaint
    api = api_as(team.handler)
    base = f"/complaints/{complaint.reference}/messages"

    inbound = api.post(
        base,
        {
            "direction": "inbound",
            "body": "Tôi gửi thêm ảnh",
            "channel": "chat",
            "attachments": [{"name": "anh.png", "content_base64": base64.b64encode(PNG).decode()}],
        },
    )
    outbound = api.post(
        base, {"direction": "outbound", "body": "Cảm ơn anh/chị", "subject": "Phản hồi"}
    )
    internal = api.post(base, {"direction": "internal", "body": "Ghi chú nội bộ"})

    assert [r.status_code for r in (inbound, outbound, internal)] == [201, 201, 201]
    assert inbound.json()["channel"] == "chat"
    assert inbound.json()["attachments"][0]["name"] == "anh.png"
    assert outbound.json()["delivery_state"] == "queued"  # emailed through the outbox
    assert internal.json()["direction"] == "internal"

    first = api.get(base, {"limit": 2}).json()
    rest = api.get(base, {"limit": 2, "cursor": first["next_cursor"]}).json()
    ids = [m["id"] for m in first["items"] + rest["items"]]
    expected = list(
        Message.objects.filter(complaint=complaint).order_by("pk").values_list("pk", flat=True)
    )
    assert ids == expected
    assert rest["next_cursor"] is None


def test_message_errors(team, api_as):
    complaint = receive(team).complaint
    base = f"/complaints/{complaint.reference}/messages"

    assert (
        api_as(team.handler).post(base, {"direction": "sideways", "body": "x"}).status_code == 422
    )
    assert api_as(team.handler).post(base, {"direction": "inbound", "body": ""}).status_code == 422
    assert (
        api_as(team.auditor).post(base, {"direction": "internal", "body": "x"}).status_code == 403
    )
    assert (
        api_as(make_team().handler).post(base, {"direction": "internal", "body": "x"}).status_code
        == 404
    )
    assert (
        api_as(team.handler, scopes=["read"])
        .post(base, {"direction": "internal", "body": "x"})
        .status_code
        == 403
    )
    assert api_as(team.handler).get(base, {"cursor": "@@"}).status_code == 422


def test_attachments_upload_list_and_download(team, api_as):
    complaint = receive(team).complaint
    api = api_as(team.handler)
    base = f"/complaints/{complaint.reference}/attachments"

    response = api.upload(
        base,
        {
            "files": [SimpleUploadedFile("bien-ban.pdf", PDF), SimpleUploadedFile("anh.png", PNG)],
            "note": "Biên bản và ảnh chụp",
        },
    )

    assert response.status_code == 201, response.content
    uploaded = response.json()
    assert [(a["name"], a["content_type"]) for a in uploaded] == [
        ("bien-ban.pdf", "application/pdf"),
        ("anh.png", "image/png"),
    ]
    note = Message.objects.get(complaint=complaint, direction="internal")
    assert note.body == "Biên bản và ảnh chụp"

    listed = api.get(base).json()
    assert [a["id"] for a in listed["items"]] == [a["id"] for a in uploaded]

    download = api.get(f"{base}/{uploaded[1]['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert 'filename="anh.png"' in download["Content-Disposition"]

    assert api.get(f"{base}/999999").status_code == 404
    other = receive(team).complaint
    assert (
        api.get(f"/complaints/{other.reference}/attachments/{uploaded[0]['id']}").status_code == 404
    )


def test_attachment_errors(team, api_as, settings):
    complaint = receive(team).complaint
    api = api_as(team.handler)
    base = f"/complaints/{complaint.reference}/attachments"

    wrong_type = api.upload(
        base, {"files": [SimpleUploadedFile("script.exe", b"MZ\x90\x00" + b"\x00" * 60)]}
    )
    assert wrong_type.status_code == 422
    assert (
        "files" in error_of(wrong_type)["fields"] or "attachments" in error_of(wrong_type)["fields"]
    )

    no_files = api.upload(base, {"note": "x"})
    assert no_files.status_code == 422

    settings.REDRESS_ATTACHMENT_MAX_BYTES = 10
    too_big = api.upload(base, {"files": [SimpleUploadedFile("anh.png", PNG)]})
    assert too_big.status_code == 413
    assert error_of(too_big)["code"] == "payload_too_large"
    assert not complaint.attachments.exists()


def test_categories_and_units(team, api_as):
    parent = CategoryFactory(code="billing")
    CategoryFactory(code="billing-double", parent=parent)
    CategoryFactory(code="retired", is_active=False)
    api = api_as(team.frontline, scopes=["read"])

    categories = api.get("/categories").json()
    units = api.get("/units").json()

    assert [(c["code"], c["parent"]) for c in categories] == [
        ("billing", None),
        ("billing-double", "billing"),
    ]
    assert {
        "code": team.unit.code,
        "name": team.unit.name,
        "name_en": team.unit.name_en,
        "parent": None,
    } in units


def test_openapi_document_and_offline_docs(db):
    client = Client()

    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200

    def no_duplicate_keys(pairs):  # a duplicated key breaks Swagger UI ("duplicated mapping key")
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(schema.content, object_pairs_hook=no_duplicate_keys)
    paths = schema.json()["paths"]
    assert "/api/v1/complaints" in paths
    assert "/api/v1/complaints/{reference}/actions/propose_decision" in paths
    assert schema.json()["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not re.search(r"(src|href)=\"https?://", html), (
        "the docs page must not load assets from the internet"
    )
    for asset in re.findall(r"/static/(ninja/[^\"']+)", html):
        assert finders.find(asset), asset


def test_unknown_api_path_is_a_json_404(db):
    response = Client().get("/api/v1/nothing/here")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_errors_speak_the_language_of_accept_language(team, api_as):
    complaint = receive(team).complaint
    english = api_as(team.handler, language="en")
    vietnamese = api_as(team.handler, language="vi")

    en = error_of(english.post(f"/complaints/{complaint.reference}/actions/close", {}))
    vi = error_of(vietnamese.post(f"/complaints/{complaint.reference}/actions/close", {}))
    vi_missing = error_of(vietnamese.post(f"/complaints/{complaint.reference}/actions/reopen", {}))
    vi_auth = error_of(api_as(None, language="vi").get("/complaints"))

    assert en["message"].startswith("The action")
    assert vi["message"] != en["message"]
    assert vi_missing["fields"]["reason"] == ["Trường này là bắt buộc."]
    assert "Bearer" in vi_auth["message"] and "token" in vi_auth["message"]
    assert vi_auth["message"] != "Send the API token as “Authorization: Bearer <token>”."


def test_top_management_reads_the_complainant_masked_through_the_api(team, api_as):
    from redress.complaints.attachments import IncomingFile
    from redress.complaints.testing import ComplainantFactory
    from redress.core.actors import Actor
    from redress.handling.services import complaint_add_message, complaint_add_note

    complaint = receive(
        team,
        complainant=ComplainantFactory(full_name="Trần Thị Mai", email="mai@example.vn"),
        attachments=[IncomingFile("cmnd.png", PNG)],
    ).complaint
    handler = Actor.for_user(team.handler)
    complaint_add_message(
        complaint=complaint, actor=handler, direction="inbound", body="Số tài khoản của tôi là 0123"
    )
    complaint_add_note(
        complaint=complaint,
        actor=handler,
        body="Đã gọi lại",
        attachments=[IncomingFile("bb.png", PNG)],
    )
    top, own = api_as(team.top), api_as(team.handler)
    base = f"/complaints/{complaint.reference}"

    person = top.get(base).json()["complainant"]
    assert person["masked"] is True and person["full_name"] == "T. T. M."
    assert "mai@example.vn" not in top.get(base).content.decode()
    assert own.get(base).json()["complainant"]["full_name"] == "Trần Thị Mai"

    messages = {m["direction"]: m for m in top.get(f"{base}/messages").json()["items"]}
    assert messages["inbound"]["content_hidden"] and "0123" not in messages["inbound"]["body"]
    assert (
        messages["internal"]["body"] == "Đã gọi lại" and not messages["internal"]["content_hidden"]
    )

    files = {a["message"] is None: a for a in top.get(f"{base}/attachments").json()["items"]}
    assert files[True]["name"] != "cmnd.png" and files[False]["name"] == "bb.png"
    refused = top.get(f"{base}/attachments/{files[True]['id']}")
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    assert top.get(f"{base}/attachments/{files[False]['id']}").status_code == 200
    assert own.get(f"{base}/attachments/{files[True]['id']}").status_code == 200


def test_the_message_list_runs_a_fixed_number_of_queries(
    team, api_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from redress.core.actors import Actor
    from redress.handling.services import complaint_add_message

    complaint = receive(team).complaint
    api = api_as(team.manager)  # whose need to know is worked out from the unit tree
    url = f"/complaints/{complaint.reference}/messages"

    def add(count):
        for n in range(count):
            complaint_add_message(
                complaint=complaint,
                actor=Actor.for_user(team.handler),
                direction="inbound",
                body=f"Tin {n}",
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert api.get(url).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(url).json()["items"]) == 22  # with the receipt email
