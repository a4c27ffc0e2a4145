"""A person's queue columns and saved views: kept for them alone, validated, audited."""

import pytest

from redress.audit.models import AuditEntry
from redress.complaints.models import SavedQueueView
from redress.complaints.queue_views import (
    MAX_SAVED_VIEWS,
    queue_columns_get,
    queue_columns_set,
    saved_query,
    saved_view_create,
    saved_view_delete,
    saved_views_for,
)
from redress.complaints.queues import DEFAULT_COLUMNS
from redress.core.errors import Conflict, NotFound, ValidationFailed
from redress.core.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_columns_default_until_chosen_then_kept_in_the_queues_order():
    user = UserFactory()
    assert queue_columns_get(user) == [str(c) for c in DEFAULT_COLUMNS]
    assert queue_columns_set(user=user, columns=["received", "subject"]) == ["subject", "received"]
    assert queue_columns_get(user) == ["subject", "received"]
    assert queue_columns_get(UserFactory()) == [str(c) for c in DEFAULT_COLUMNS]
    # None at all is a choice too: the reference and the deadline are always shown.
    queue_columns_set(user=user, columns=[])
    assert queue_columns_get(user) == []
    entry = AuditEntry.objects.filter(action="queue.columns").order_by("-seq").first()
    assert entry.before == {"columns": ["subject", "received"]} and entry.after == {"columns": []}


def test_an_unknown_column_is_refused_and_nothing_changes():
    user = UserFactory()
    queue_columns_set(user=user, columns=["owner"])
    with pytest.raises(ValidationFailed) as refused:
        queue_columns_set(user=user, columns=["owner", "password"])
    assert "password" in refused.value.message and "columns" in refused.value.fields
    assert queue_columns_get(user) == ["owner"]


def test_a_saved_view_keeps_only_the_filters_and_sort():
    assert saved_query("page=3&status=received&q=x&sort=deadline&unit=&owner=me") == (
        "status=received&owner=me&sort=deadline"
    )
    user = UserFactory()
    view = saved_view_create(
        user=user, name="  Quá   hạn của tôi ", queue="overdue", query="owner=me&page=2"
    )
    assert (view.name, view.queue, view.query) == ("Quá hạn của tôi", "overdue", "owner=me")
    entry = AuditEntry.objects.get(action="queue.view_saved")
    assert entry.after == {"queue": "overdue", "query": "owner=me"}
    assert saved_views_for(user) == [view] and saved_views_for(UserFactory()) == []


@pytest.mark.parametrize(
    ("name", "queue", "error", "field"),
    [
        ("", "all", ValidationFailed, "name"),
        ("x" * 61, "all", ValidationFailed, "name"),
        ("Mine", "nowhere", ValidationFailed, "queue"),
        ("Taken", "all", Conflict, "name"),
    ],
)
def test_a_bad_view_is_refused_and_nothing_is_saved(name, queue, error, field):
    user = UserFactory()
    saved_view_create(user=user, name="Taken", queue="mine", query="")
    with pytest.raises(error) as refused:
        saved_view_create(user=user, name=name, queue=queue, query="status=received")
    assert field in refused.value.fields
    assert SavedQueueView.objects.filter(user=user).count() == 1


def test_the_number_of_views_is_bounded():
    user = UserFactory()
    for index in range(MAX_SAVED_VIEWS):
        saved_view_create(user=user, name=f"View {index}", queue="all", query="")
    with pytest.raises(Conflict):
        saved_view_create(user=user, name="One more", queue="all", query="")
    # Another person has their own allowance.
    saved_view_create(user=UserFactory(), name="One more", queue="all", query="")


def test_only_the_owner_deletes_a_view():
    owner, other = UserFactory(), UserFactory()
    view = saved_view_create(user=owner, name="Mine", queue="mine", query="")
    with pytest.raises(NotFound):
        saved_view_delete(user=other, view_id=view.pk)
    assert SavedQueueView.objects.filter(pk=view.pk).exists()
    saved_view_delete(user=owner, view_id=view.pk)
    assert not SavedQueueView.objects.filter(pk=view.pk).exists()
    assert AuditEntry.objects.get(action="queue.view_deleted").before == {
        "queue": "mine",
        "query": "",
    }
