"""The maps as loaded by the migrations, the readiness they give, the ISO 9001
cross-references resolving to the ISO 10002 items they name, the daily snapshot, and the
readiness page for each role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from redress.certification.evaluation import REGISTRY, Status
from redress.certification.jobs import readiness_snapshot_daily
from redress.certification.maps import map_load, map_read
from redress.certification.models import EvidenceRule, Item, ItemKind, ReadinessSnapshot
from redress.certification.readiness import readiness_for
from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.models import Audit, AuditStatus, RiskLevel
from redress.framework.services.policy import policy_approve, policy_draft
from redress.handling.testing import make_team
from redress.sla.testing import frozen_clock, local

pytestmark = pytest.mark.django_db
NOW = local("2026-03-09 12:00")


@pytest.fixture
def team():
    return make_team()


def test_the_iso_10002_map_covers_clauses_4_to_8_and_the_fourteen_principles():
    items = Item.objects.filter(standard__code="iso10002")
    top = set(items.filter(parent=None).values_list("code", flat=True))
    assert top == {"4", "5", "6", "7", "8"}
    principles = items.filter(kind=ItemKind.PRINCIPLE)
    assert principles.count() == 14
    assert {f"7.{n}" for n in range(1, 10)} <= set(items.values_list("code", flat=True))
    # Every sub-clause and principle asks for evidence, and every rule names an evaluator.
    assert not items.exclude(parent=None).filter(rules=None).exists()
    assert set(EvidenceRule.objects.values_list("evaluator", flat=True)) <= set(REGISTRY)


def test_a_map_naming_an_unknown_evaluator_is_refused():
    data = map_read("iso10002")
    data["items"][1]["rules"] = [{"evaluator": "crystal_ball", "title": "?"}]
    with pytest.raises(ValueError, match="crystal_ball"):
        map_load(data, apps=apps)


def test_loading_a_map_again_changes_nothing():
    before = EvidenceRule.objects.count(), Item.objects.count()
    map_load(map_read("iso10002"), apps=apps)
    map_load(map_read("iso9001"), apps=apps)
    assert (EvidenceRule.objects.count(), Item.objects.count()) == before


def combined(statuses: list[Status]) -> Status:
    if set(statuses) == {Status.EVIDENCED}:
        return Status.EVIDENCED
    return Status.MISSING if set(statuses) == {Status.MISSING} else Status.WEAK


def audit_reported(team) -> None:
    Audit.objects.create(
        year=2026,
        sequence=1,
        title="Đánh giá",
        unit=team.unit,
        period_start="2025-01-01",
        period_end="2025-12-31",
        planned_on="2026-02-01",
        risk_level=RiskLevel.MEDIUM,
        rationale="Rủi ro",
        planned_by=team.manager,
        created_at=local("2026-01-02 09:00"),
        status=AuditStatus.REPORTED,
        reported_at=local("2026-02-20 09:00"),
    )


def test_the_iso_9001_map_resolves_to_the_iso_10002_items_it_references(team):
    iso10002 = readiness_for("iso10002", now=NOW).by_code()
    assert readiness_for("iso9001", now=NOW).by_code()["9.2"].status == Status.MISSING
    for result in readiness_for("iso9001", now=NOW).assessed:
        codes = list(result.item.references.values_list("code", flat=True))
        assert codes, result.item.code
        expected = combined([iso10002[code].status for code in codes])
        assert result.status == expected, result.item.code
    audit_reported(team)
    # 9.2 internal audit follows 8.5 of ISO 10002 as the audit is reported.
    assert readiness_for("iso10002", now=NOW).by_code()["8.5"].status == Status.EVIDENCED
    assert readiness_for("iso9001", now=NOW).by_code()["9.2"].status == Status.EVIDENCED


def test_a_clause_gathers_its_sub_clauses_and_the_score_rises_with_the_records(team):
    before = readiness_for("iso10002", now=NOW)
    clause_8 = next(c for c in before.clauses if c.item.code == "8")
    assert {child.item.code for child in clause_8.children} >= {"8.5", "8.6"}
    assert any(g.rule.evaluator == "internal_audit_held" for g in clause_8.gaps)
    audit_reported(team)
    with frozen_clock("2026-03-09 09:00"):
        version = policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="…")
        policy_approve(
            actor=Actor.for_user(team.top), version=version, effective_from=dt.date(2026, 3, 9)
        )
    after = readiness_for("iso10002", now=NOW)
    assert after.score > before.score
    assert after.count(Status.EVIDENCED) > before.count(Status.EVIDENCED)
    assert not any(
        g.rule.evaluator == "internal_audit_held"
        for c in after.clauses
        if c.item.code == "8"
        for g in c.gaps
    )


def test_the_snapshot_is_taken_once_a_day_however_often_the_job_runs():
    first = readiness_snapshot_daily(now=local("2026-03-09 00:05"))
    assert {s.standard.code for s in first} == {"iso10002", "iso9001"}
    assert readiness_snapshot_daily(now=local("2026-03-09 00:06")) == []
    assert readiness_snapshot_daily(now=local("2026-03-09 23:59")) == []
    assert ReadinessSnapshot.objects.count() == 2
    # The next day in Hà Nội is a new day, although it is still the 9th in UTC.
    readiness_snapshot_daily(now=local("2026-03-10 00:30"))
    days = ReadinessSnapshot.objects.filter(standard__code="iso10002").values_list("day", flat=True)
    assert list(days.order_by("day")) == [dt.date(2026, 3, 9), dt.date(2026, 3, 10)]
    kept = ReadinessSnapshot.objects.filter(standard__code="iso10002").first()
    assert kept is not None and kept.items["8.5"]["status"] == Status.MISSING


def client_for(user) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


@pytest.mark.parametrize("who", ["manager", "top", "auditor"])
def test_the_page_shows_the_readiness_to_the_roles_that_answer_for_it(team, who):
    readiness_snapshot_daily(now=local("2026-03-08 09:00"))
    readiness_snapshot_daily(now=local("2026-03-09 09:00"))
    with translation.override("vi"):
        answer = client_for(getattr(team, who)).get(reverse("backoffice:readiness"))
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Nguyên tắc chỉ đạo" in body  # clause 4, Vietnamese first
    assert 'id="readiness-history"' in body and "<svg" in body
    assert reverse("backoffice:audit_plan") in body  # a gap links to where it is fixed


@pytest.mark.parametrize("who", ["frontline", "handler"])
def test_the_page_is_refused_to_other_roles(team, who):
    answer = client_for(getattr(team, who)).get(reverse("backoffice:readiness"))
    assert answer.status_code == 403


def test_the_page_filters_by_standard(team):
    client = client_for(team.manager)
    answer = client.get(reverse("backoffice:readiness"), {"standard": "iso9001"})
    assert answer.status_code == 200
    assert "ISO 9001:2015" in answer.content.decode()
    assert "9.1.2" in answer.content.decode()
    missing = client.get(reverse("backoffice:readiness"), {"standard": "iso-none"})
    assert missing.status_code == 404


def test_the_workers_run_the_snapshot_job():
    from django.conf import settings
    from django.utils.module_loading import import_string

    jobs = dict(settings.REDRESS_PERIODIC_JOBS)
    assert import_string(jobs["readiness snapshot"]) is readiness_snapshot_daily
