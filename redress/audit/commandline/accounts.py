"""The audit entry of an account changed on the server's command line: who ran the command (the
operating-system account) and what changed, never the password."""

from __future__ import annotations

import getpass

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.models import User


def command_line_actor(command: str) -> Actor:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no name for the process's user (some containers)
        login = "?"
    return Actor.system(f"{command} ({login})")


def superuser_created(user: User) -> None:
    audit_record(
        actor=command_line_actor("createsuperuser"),
        action="user.superuser_create",
        target=user,
        target_label=user.get_username(),
        after={"username": user.get_username(), "is_superuser": True, "is_staff": user.is_staff},
    )


def password_set(user: User) -> None:
    audit_record(
        actor=command_line_actor("changepassword"),
        action="user.password_set",
        target=user,
        target_label=user.get_username(),
        after={"password": "changed"},
    )
