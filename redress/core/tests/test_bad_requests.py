"""Malformed requests are refused before they reach the database: a NUL character in a page's
address, query or form is a 400 (PostgreSQL cannot store one), in the API's text fields a 422
naming the field; and the API answers a multipart body without a valid boundary with its
JSON 400."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.models import User
from redress.handling.testing import make_team, receive
from redress.integrations.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    team = make_team()
    receive(team)
    client = Client()
    client.force_login(User.objects.get(pk=team.handler.pk))
    return client, team


@pytest.mark.parametrize(
    "url",
    [
        "/staff/c/KN-2026-00%0001/",
        "/staff/intake/duplicates/?email=a%00@x.vn&subject=x%00",
        "/staff/?q=a%00b",
        "/vi/track/?reference=KN%00&code=x",
    ],
)
def test_a_nul_character_in_an_address_or_a_query_is_a_400(staff_client, url):
    client, _team = staff_client
    assert client.get(url).status_code == 400


def test_a_nul_character_in_a_posted_form_is_a_400_and_changes_nothing(staff_client):
    client, team = staff_client
    for post in (
        lambda data: client.post("/staff/intake/", data),  # multipart, as the test client sends
        lambda data: client.post(
            "/staff/intake/", urlencode(data), content_type="application/x-www-form-urlencoded"
        ),
    ):
        assert post({"full_name": "An\x00", "subject": "x"}).status_code == 400
    assert Complaint.objects.count() == 1


def test_the_api_answers_a_nul_character_with_its_documented_error_naming_the_field(
    staff_client,
):
    _client, team = staff_client
    token = token_create(actor=Actor.system("test"), user=team.handler, name="t", scopes=["read"])
    response = Client().get(
        "/api/v1/complaints?q=a%00b", headers={"Authorization": f"Bearer {token.raw}"}
    )
    assert response.status_code == 422
    assert "q" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=" + "x" * 80],  # none; over 70
)
def test_a_multipart_body_without_a_valid_boundary_is_a_400_from_the_api(
    staff_client, content_type
):
    _client, team = staff_client
    token = token_create(
        actor=Actor.system("test"), user=team.handler, name="t", scopes=["read", "write", "actions"]
    ).raw
    reference = Complaint.objects.get().reference
    for path in ("/api/v1/complaints", f"/api/v1/complaints/{reference}/messages"):
        response = Client().generic(
            "POST",
            path,
            b"--x\r\nbroken",
            content_type=content_type,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["code"] == "bad_request"


def test_staff_pages_exports_files_and_api_answers_are_never_stored(staff_client):
    client, team = staff_client
    token = token_create(actor=Actor.system("test"), user=team.handler, name="t", scopes=["read"])
    reference = Complaint.objects.get().reference
    answers = [
        client.get(f"/staff/c/{reference}/"),
        client.get("/staff/queue/unit/export/?format=csv"),
        Client().get("/api/v1/complaints", headers={"Authorization": f"Bearer {token.raw}"}),
    ]
    for response in answers:
        assert response.status_code == 200, response
        assert "no-store" in response["Cache-Control"]
    assert "no-store" not in Client().get("/vi/").get("Cache-Control", "")
