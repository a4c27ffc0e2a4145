"""The receipt of a portal complaint survives the database restarting between the complaint's
commit and the browser's receipt page (docs/portal.md "Receipt"): the complainant presses send
again and sees the reference and the tracking code of the one complaint made."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_find_by_tracking
from redress.handling.testing import make_team
from redress.intake.models import IntakeKey
from redress.intake.receive import RECEIPT_REPLAY_SECONDS
from redress.portal.testing import complaint_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def browser():
    # As a browser sees it: an outage is a 503 page, not an exception.
    return Client(raise_request_exception=False)


def _database_gone_while_saving_the_session(monkeypatch):
    """The next session save fails as when PostgreSQL restarts right after the commit."""
    original = SessionStore.save
    calls = {"failed": 0}

    def save(self, must_create=False):
        if not calls["failed"]:
            calls["failed"] += 1
            raise OperationalError("terminating connection due to administrator command")
        return original(self, must_create=must_create)

    monkeypatch.setattr(SessionStore, "save", save)
    return calls


def test_the_receipt_comes_back_when_the_database_restarts_after_the_commit(
    browser, team, monkeypatch
):
    browser.get("/vi/complain/")  # the browser holds a session from the form on
    data = complaint_data()
    failing = _database_gone_while_saving_the_session(monkeypatch)

    first = browser.post("/vi/complain/", data)

    assert failing["failed"] == 1
    assert first.status_code == 503  # "briefly unavailable, nothing changed" as far as it knows
    complaint = Complaint.objects.get()  # yet the complaint was committed
    assert browser.get("/vi/complain/received/").status_code == 302  # the session lost it

    again = browser.post("/vi/complain/", data)  # the complainant presses send again

    assert again.status_code == 302 and again["Location"] == "/vi/complain/received/"
    receipt = browser.get("/vi/complain/received/").content.decode()
    assert complaint.reference in receipt
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', receipt).group(1)
    assert complaint_find_by_tracking(complaint.reference, code) == complaint
    assert Complaint.objects.count() == 1


def test_the_code_is_kept_sealed_and_not_given_back_after_an_hour(browser, team):
    data = complaint_data()
    browser.post("/vi/complain/", data)
    key = IntakeKey.objects.get(scope="portal")
    assert key.receipt.startswith("sealed:")  # a copy of the database does not give it away
    IntakeKey.objects.filter(pk=key.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=RECEIPT_REPLAY_SECONDS + 60)
    )

    stranger = Client()
    response = stranger.post("/vi/complain/", data)
    page = stranger.get(response["Location"], follow=True).content.decode()

    assert "tracking-code" not in page
    assert Complaint.objects.count() == 1


def test_the_receipt_page_waits_out_a_database_restart(browser, team, monkeypatch):
    response = browser.post("/vi/complain/", complaint_data())
    reference = Complaint.objects.get().reference
    original = SessionStore.load
    monkeypatch.setattr(
        SessionStore, "load", lambda self: (_ for _ in ()).throw(OperationalError("restarting"))
    )
    assert browser.get(response["Location"]).status_code == 503
    monkeypatch.setattr(SessionStore, "load", original)

    assert reference in browser.get(response["Location"]).content.decode()
