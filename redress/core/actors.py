"""Who did something: a signed-in person, an intake channel, or a system job.

Services take an ``Actor`` so that the audit trail can name a channel ("email", "portal") or a
job ("sla-sweep") as precisely as a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from redress.core.models import User

ActorKind = Literal["user", "channel", "system"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    user: User | None = None

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(kind="user", label=user.get_username(), user=user)

    @classmethod
    def channel(cls, name: str) -> Actor:
        return cls(kind="channel", label=name)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(kind="system", label=name)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}"
