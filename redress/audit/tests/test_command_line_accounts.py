"""Accounts changed on the server's command line reach the audit chain (issue 16: every change to
people and roles is audited, whichever way it is made)."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.core.models import User
from redress.core.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_createsuperuser_is_audited_without_the_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-Passphrase-2026")
    call_command(
        "createsuperuser",
        interactive=False,
        username="quantri9",
        email="qt9@example.vn",
        verbosity=0,
    )
    user = User.objects.get(username="quantri9")
    entry = AuditEntry.objects.get(action="user.superuser_create")
    assert entry.target_id == str(user.pk) and entry.actor_kind == "system"
    assert entry.actor_label.startswith("createsuperuser (")
    assert "Passphrase" not in str(entry.after) and entry.after["is_superuser"] is True
    assert audit_verify().ok


def test_changepassword_is_audited_and_a_refused_change_is_not():
    user = UserFactory(username="xuly9")
    with mock.patch("getpass.getpass", return_value="another-long-Passphrase-7"):
        call_command("changepassword", "xuly9", verbosity=0)
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.target_id == str(user.pk) and entry.after == {"password": "changed"}
    user.refresh_from_db()
    assert user.check_password("another-long-Passphrase-7")

    # Mismatched or refused passwords three times: Django gives up and nothing is recorded.
    with (
        mock.patch("getpass.getpass", side_effect=["short", "other"] * 3),
        pytest.raises(CommandError),
    ):
        call_command("changepassword", "xuly9", verbosity=0)
    assert AuditEntry.objects.filter(action="user.password_set").count() == 1
