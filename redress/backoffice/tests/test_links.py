"""The workspace's "Possible duplicates and linked complaints" panel (ISO 10002 7.2): what intake
found, through the visibility gate and masked as the viewer's role requires, with link, dismiss
and merge for those who may; one query however many links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redress.complaints.models import ComplaintLink, LinkKind, Status
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db

SUBJECT = "Hóa đơn tính sai tiền"


def _page(client, complaint):
    response = client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair(team):
    person = ComplainantFactory(full_name="Trần Thị Mai", email="mai@example.vn")
    earlier = receive(team, complainant=person, subject=SUBJECT).complaint
    new = receive(team, complainant=person, subject=SUBJECT, duplicate_of=[earlier]).complaint
    return earlier, new


def test_the_panel_lists_a_possible_duplicate_with_its_actions(team, signed_in, pair):
    earlier, new = pair
    page = _page(signed_in(team.handler), new)
    assert 'id="h-links"' in page and f'data-link="{earlier.reference}"' in page
    assert "Trần Thị Mai" in page
    for action in ("link", "dismiss_duplicate", "merge"):
        assert f'data-link-action="{action}"' in page
    # The older complaint shows the same link, from its side.
    assert f'data-link="{new.reference}"' in _page(signed_in(team.handler), earlier)


def test_a_linked_complaint_the_viewer_may_not_see_is_not_shown(team, signed_in, pair):
    earlier, new = pair
    elsewhere = receive(make_team(), subject=SUBJECT).complaint
    ComplaintLink.objects.create(
        complaint=new,
        other=elsewhere,
        kind=LinkKind.POSSIBLE_DUPLICATE,
        found_by="web",
        found_at=new.received_at,
    )
    page = _page(signed_in(team.handler), new)
    assert f'data-link="{earlier.reference}"' in page
    assert elsewhere.reference not in page


def test_the_panel_is_masked_and_offers_nothing_to_top_management(team, signed_in, pair):
    earlier, new = pair
    page = _page(signed_in(team.top), new)
    assert f'data-link="{earlier.reference}"' in page
    assert "Trần Thị Mai" not in page and "T. T. M." in page
    assert "data-link-action" not in page


def test_link_dismiss_and_merge_from_the_panel(team, signed_in, pair):
    earlier, new = pair
    client = signed_in(team.handler)
    url = reverse("backoffice:act", args=[new.reference, "link"])
    assert client.post(url, {"other": earlier.reference}).status_code == 302
    assert ComplaintLink.objects.get().kind == LinkKind.RELATED

    url = reverse("backoffice:act", args=[new.reference, "dismiss_duplicate"])
    assert client.post(url, {"other": earlier.reference}).status_code == 302
    assert ComplaintLink.objects.get().kind == LinkKind.NOT_DUPLICATE
    assert 'id="h-links"' not in _page(client, new)

    url = reverse("backoffice:act", args=[new.reference, "merge"])
    response = client.post(url, {"other": earlier.reference, "note": "Cùng một hóa đơn"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Status.CLOSED
    assert f'class="link-merged_from" data-link="{new.reference}"' in _page(client, earlier)


def test_merging_into_a_complaint_the_viewer_cannot_see_is_refused(team, signed_in, pair):
    earlier, new = pair
    elsewhere = receive(make_team(), subject=SUBJECT).complaint
    url = reverse("backoffice:act", args=[new.reference, "merge"])
    response = signed_in(team.handler).post(url, {"other": elsewhere.reference})
    assert response.status_code == 422
    new.refresh_from_db()
    assert new.status == Status.RECEIVED


def test_the_workspace_makes_the_same_queries_for_one_link_or_many(team, signed_in, pair):
    earlier, new = pair
    client = signed_in(team.handler)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _page(client, new)
        return len(captured)

    _page(client, new)  # what a first page remembers (the session, the organisation)
    one = queries()
    for number in range(4):
        other = receive(team, subject=f"{SUBJECT} {number}").complaint
        ComplaintLink.objects.create(
            complaint=new,
            other=other,
            kind=LinkKind.POSSIBLE_DUPLICATE,
            found_by="email",
            found_at=new.received_at,
        )
    assert queries() == one


def test_the_panel_costs_one_query(team, signed_in, pair):
    earlier, new = pair
    client = signed_in(team.handler)
    _page(client, new)
    with CaptureQueriesContext(connection) as captured:
        _page(client, new)
    links = [q for q in captured.captured_queries if "complaints_complaintlink" in q["sql"]]
    assert len(links) == 1
