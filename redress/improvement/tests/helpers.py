"""Test helpers for continual improvement: complaints received on a given day with a category
or a recorded root cause, and CAPA brought to a stage through the real services."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps as django_apps

from redress.complaints.models import Category, Complaint
from redress.core.actors import Actor
from redress.handling.testing import Team, receive
from redress.improvement.models import Capa, CapaSource, CapaType, Cause
from redress.improvement.services import (
    capa_implement,
    capa_open,
    capa_plan,
    capa_start,
    investigation_conclude,
)


def cause(code: str) -> Cause:
    """A cause of the seeded taxonomy (migration 0002), e.g. ``process-handover``. Seeded again
    when a transactional test emptied the tables before."""
    if not Cause.objects.exists():
        seed = importlib.import_module("redress.improvement.migrations.0002_cause_taxonomy_seed")
        seed.seed(django_apps, None)
    return Cause.objects.get(code=code)


def complaint_on(
    team: Team,
    when: dt.datetime,
    *,
    category: Category | None = None,
    root_cause: Cause | None = None,
    **kwargs: object,
) -> Complaint:
    """A complaint received at ``when``, its root cause recorded by the team's handler."""
    complaint = receive(team, received_at=when, category=category, **kwargs).complaint
    if root_cause is not None:
        investigation_conclude(
            complaint=complaint,
            actor=Actor.for_user(team.handler),
            findings="Đã kiểm tra",
            root_cause=root_cause,
        )
    return complaint


def capa_for(team: Team, **kwargs: object) -> Capa:
    """A draft CAPA owned by the team's handler, opened by its manager."""
    values: dict[str, object] = {
        "actor": Actor.for_user(team.manager),
        "title": "Sửa quy trình bàn giao",
        "type": CapaType.CORRECTIVE,
        "source": CapaSource.SUGGESTION,
        "source_note": "Góp ý của nhân viên",
        "owner": team.handler,
        "unit": team.unit,
    }
    values.update(kwargs)
    return capa_open(**values)  # type: ignore[arg-type]


def capa_implemented(team: Team, **kwargs: object) -> Capa:
    """A CAPA planned (10 working days), started and implemented by its owner."""
    capa = capa_for(team, **kwargs)
    owner = Actor.for_user(team.handler)
    capa = capa_plan(capa=capa, actor=owner, plan="Viết lại hướng dẫn", due_working_days=10)
    capa = capa_start(capa=capa, actor=owner)
    return capa_implement(capa=capa, actor=owner)
