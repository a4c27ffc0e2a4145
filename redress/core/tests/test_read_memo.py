"""The reference reads kept for one read-only request: read once within a GET or HEAD, afresh
in a request that writes, in the next request, and outside any request."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from redress.core.read_memo import ReadMemoMiddleware, read_memo, remembered
from redress.core.selectors import unit_descendant_ids
from redress.core.testing import UnitFactory


def _counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_outside_a_request_every_read_is_fresh():
    calls, compute = _counting()
    assert remembered("key", compute) == 1
    assert remembered("key", compute) == 2


@pytest.mark.parametrize(("method", "reads"), [("get", 1), ("head", 1), ("post", 2)])
def test_a_read_only_request_reads_once_and_a_request_that_writes_reads_afresh(method, reads):
    calls, compute = _counting()

    def view(request):
        remembered("key", compute)
        remembered("key", compute)
        return HttpResponse("")

    handler = ReadMemoMiddleware(view)
    handler(getattr(RequestFactory(), method)("/"))
    assert len(calls) == reads
    handler(getattr(RequestFactory(), method)("/"))
    assert len(calls) == 2 * reads, "the next request reads again"


@pytest.mark.django_db
def test_a_unit_added_below_is_seen_by_the_next_request_not_kept_from_the_last():
    parent = UnitFactory.create()
    with read_memo():
        assert unit_descendant_ids([parent.pk]) == {parent.pk}
        child = UnitFactory.create(parent=parent)
        # Within the read-only request the tree read first stands.
        assert unit_descendant_ids([parent.pk]) == {parent.pk}
    with read_memo():
        assert unit_descendant_ids([parent.pk]) == {parent.pk, child.pk}
    assert unit_descendant_ids([parent.pk]) == {parent.pk, child.pk}
