"""The priority matrix in the admin (ISO 10002 7.5): every severity × impact cell asked for,
an incomplete matrix refused, each change in the audit chain, and the next assessment reads it."""

from __future__ import annotations

import pytest

from redress.audit.models import AuditEntry
from redress.audit.tests.adminforms import admin_submit
from redress.complaints.admin import PriorityMatrixForm
from redress.complaints.models import PriorityMatrix
from redress.complaints.models.priority import default_priority_matrix
from redress.complaints.selectors import priority_matrix_cells
from redress.core.selectors import organisation_get

pytestmark = pytest.mark.django_db


def _matrix():
    return PriorityMatrix.objects.create(
        organisation=organisation_get(), cells=default_priority_matrix()
    )


def test_a_cell_changed_in_the_admin_is_audited_and_read(admin_client):
    matrix = _matrix()
    url = f"/admin/complaints/prioritymatrix/{matrix.pk}/change/"
    admin_submit(admin_client, url, {"cell_medium_high": "urgent"})
    matrix.refresh_from_db()
    assert matrix.cells["medium"]["high"] == "urgent"
    assert priority_matrix_cells()["medium"]["high"] == "urgent"
    entry = AuditEntry.objects.get(
        action="admin.change", target_type="complaints.prioritymatrix", target_id=str(matrix.pk)
    )
    assert entry.before["cells"]["medium"]["high"] == "high"
    assert entry.after["cells"]["medium"]["high"] == "urgent"


def test_an_incomplete_matrix_is_refused(admin_client):
    matrix = _matrix()
    form = PriorityMatrixForm(
        data={"organisation": matrix.organisation_id, "cell_low_low": "low"}, instance=matrix
    )
    assert not form.is_valid()
    assert "cell_critical_high" in form.errors
    matrix.cells = {"low": {"low": "low"}}
    with pytest.raises(Exception) as error:
        matrix.full_clean()
    assert "cells" in error.value.message_dict


def test_without_a_matrix_the_default_one_proposes():
    assert priority_matrix_cells() == default_priority_matrix()
