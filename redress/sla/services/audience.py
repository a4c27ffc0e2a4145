"""Who each level of the escalation ladder reaches for a complaint: the same answer for the
check of one clock and for the sweep of thousands, which asks it once per unit."""

from __future__ import annotations

from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.sla.models import EscalationLevel

Audience = EscalationLevel.Audience


class Audiences:
    """The recipients (user ids) of each audience, remembered per unit for as long as the
    object lives (one check, or one sweep)."""

    def __init__(self) -> None:
        self._chains: dict[int, list[int]] = {}
        self._unit_managers: dict[int, list[int]] = {}
        self._organisation_managers: dict[int, list[int]] = {}
        self._top_management: list[int] | None = None
        self._data_protection: list[int] | None = None

    def _chain(self, unit_id: int) -> list[int]:
        if unit_id not in self._chains:
            self._chains[unit_id] = unit_ancestor_ids(unit_id)
        return self._chains[unit_id]

    def _managers_of(self, unit_id: int) -> list[int]:
        if unit_id not in self._unit_managers:
            managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[unit_id])
            self._unit_managers[unit_id] = [user.pk for user in managers]
        return self._unit_managers[unit_id]

    def recipients(
        self,
        *,
        audience: str,
        unit_id: int,
        owner_id: int | None,
        owner_active: bool,
        restricted: bool = False,
    ) -> list[int]:
        """Rules: a complaint whose processing is restricted (Law 91/2025) is told to the one
        who may read it, the data-protection officer, whatever the level; otherwise the owner if there is one and they are active, else the unit's complaints
        managers (the notice must not be lost); the unit's managers are those of the nearest
        unit up the tree that has any; the organisation's are the top unit's, else every
        complaints manager; top management is everyone holding that role."""
        if restricted:
            if self._data_protection is None:
                self._data_protection = [u.pk for u in users_with_role(Role.DPO)]
            return self._data_protection
        if audience == Audience.OWNER:
            if owner_id is not None and owner_active:
                return [owner_id]
            audience = Audience.UNIT_MANAGERS
        if audience == Audience.UNIT_MANAGERS:
            for ancestor in self._chain(unit_id):
                if managers := self._managers_of(ancestor):
                    return managers
            return []
        if audience == Audience.ORGANISATION_MANAGERS:
            top_unit = self._chain(unit_id)[-1]
            if top_unit not in self._organisation_managers:
                found = self._managers_of(top_unit) or [
                    user.pk for user in users_with_role(Role.COMPLAINTS_MANAGER)
                ]
                self._organisation_managers[top_unit] = found
            return self._organisation_managers[top_unit]
        if audience == Audience.TOP_MANAGEMENT:
            if self._top_management is None:
                self._top_management = [u.pk for u in users_with_role(Role.TOP_MANAGEMENT)]
            return self._top_management
        return []
