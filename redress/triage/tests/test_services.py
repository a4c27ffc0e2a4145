"""Training from the register and recording suggestions against choices."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from redress.audit.models import AuditEntry
from redress.complaints.models import Status
from redress.core.actors import Actor
from redress.handling.testing import make_team, receive
from redress.privacy.models import AnonymisedComplaint, Erasure
from redress.triage import selectors
from redress.triage.models import KeywordRule, Stage, SuggestionOutcome, TriageModel
from redress.triage.services import suggestion_outcomes_record, triage_train
from redress.triage.testing import closed_complaints

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("triage")


def test_training_on_closed_complaints_puts_a_version_in_use_that_suggests():
    vocab, _rows = closed_complaints(300)
    model = triage_train(actor=SYSTEM)
    assert model.version == 1 and model.is_active and model.examples == 300
    assert default_storage.exists(model.file)
    assert model.metrics["fields"]["category"]["accuracy"] >= 0.95
    assert AuditEntry.objects.filter(action="triage.train").count() == 1
    found = selectors.suggestions_for(
        "Kiện hàng bị thất lạc", "Shipper không giao hàng", stage=Stage.INTAKE
    )
    category = found.get("category")
    assert category is not None and category.source == "model"
    assert category.value == str(vocab.categories["delivery"].pk)
    assert found.get("unit").value == str(vocab.units["logistics"].pk)
    assert found.model_version == 1 and found.token


def test_open_complaints_and_erased_complainants_are_not_learned_from():
    closed_complaints(60, seed=1)
    closed_complaints(50, seed=2, start=100, status=Status.INVESTIGATING)
    erased = list(closed_complaints(20, seed=3, start=200)[1])
    from redress.complaints.models import Complaint

    erasure = Erasure.objects.create(at="2026-01-01T00:00Z", reason="request", actor_label="dpo")
    for complaint in Complaint.objects.filter(reference__startswith="DS-3-"):
        AnonymisedComplaint.objects.create(
            complaint=complaint, erasure=erasure, anonymised_at="2026-01-01T00:00Z"
        )
    assert len(erased) == 20
    assert triage_train(actor=SYSTEM).examples == 60


def test_personal_identifiers_are_removed_from_the_training_text():
    closed_complaints(5)
    texts = selectors.training_set().texts
    joined = "\n".join(texts)
    assert len(texts) == 5
    assert "@example.com" not in joined
    assert not any(ch.isdigit() for ch in joined)  # phones gone, with any long number


def test_with_no_closed_complaints_the_keyword_rules_suggest():
    team = make_team()
    rule = KeywordRule.objects.create(
        name="Bỏng",
        keywords="bỏng\nburn, điện giật",
        priority="urgent",
        health_safety=True,
        unit=team.unit,
    )
    model = triage_train(actor=SYSTEM)
    assert not model.is_active and model.file == "" and model.examples == 0
    found = selectors.suggestions_for("Bi bong", "Con toi bi bong tay", stage=Stage.ASSESSMENT)
    assert [(f.field, f.value, f.source) for f in found.fields] == [
        ("unit", str(team.unit.pk), "rules"),
        ("priority", "urgent", "rules"),
        ("health_safety", "true", "rules"),
    ]
    rule.is_active = False
    rule.save()
    assert not selectors.suggestions_for("Bi bong", "", stage=Stage.ASSESSMENT)


def test_what_was_chosen_is_recorded_against_what_was_suggested():
    team = make_team()
    KeywordRule.objects.create(name="Đơn vị", keywords="hoá đơn", unit=team.unit, priority="high")
    shown = selectors.suggestions_for("Hoá đơn sai", "", stage=Stage.ASSESSMENT)
    complaint = receive(team).complaint
    complaint.priority = "low"
    complaint.save()
    actor = Actor.for_user(team.handler)
    rows = suggestion_outcomes_record(
        complaint=complaint, stage=Stage.ASSESSMENT, token=shown.token, actor=actor
    )
    # Assessment asks for category, priority and the flag: the unit suggested is not recorded.
    assert [(r.field, r.suggested, r.chosen, r.accepted) for r in rows] == [
        ("priority", "high", "low", False)
    ]
    again = suggestion_outcomes_record(
        complaint=complaint, stage=Stage.ASSESSMENT, token=shown.token, actor=actor
    )
    assert again == []
    assert (
        suggestion_outcomes_record(
            complaint=complaint, stage=Stage.INTAKE, token=shown.token, actor=actor
        )
        == []
    )
    assert (
        suggestion_outcomes_record(
            complaint=complaint, stage=Stage.ASSESSMENT, token="forged", actor=actor
        )
        == []
    )
    assert SuggestionOutcome.objects.count() == 1
    rates = selectors.acceptance_rates()
    assert [(r.field, r.shown, r.accepted) for r in rates] == [("priority", 1, 0)]


def test_old_model_files_are_deleted_and_one_version_is_in_use(
    django_capture_on_commit_callbacks,
):
    closed_complaints(120)
    with django_capture_on_commit_callbacks(execute=True):
        models = [triage_train(actor=SYSTEM) for _ in range(4)]
    assert TriageModel.objects.filter(is_active=True).get().version == 4
    first = TriageModel.objects.get(version=1)
    assert first.file == "" and not default_storage.exists(models[0].file)
    assert default_storage.exists(models[3].file)


def test_the_command_trains_and_prints_the_evaluation():
    closed_complaints(200)
    out = StringIO()
    call_command("triage", "train", stdout=out)
    text = out.getvalue()
    assert "version 1: 200 closed complaints" in text
    assert "category: accuracy" in text and "uses model" in text


def test_the_daily_job_trains_once_a_day_from_its_hour(settings):
    from redress.sla.testing import frozen_clock
    from redress.triage.jobs import triage_train_daily

    settings.REDRESS_TRIAGE_TRAIN_HOUR = 3
    closed_complaints(40)
    with frozen_clock("2026-03-10 02:00") as clock:
        assert triage_train_daily() is None
        clock.set("2026-03-10 04:00")
        assert triage_train_daily().version == 1
        clock.set("2026-03-10 23:00")
        assert triage_train_daily() is None
        clock.set("2026-03-11 03:05")
        assert triage_train_daily().version == 2


def test_a_complainant_erased_through_privacy_leaves_the_training_set_at_the_next_training():
    from redress.complaints.models import Complaint
    from redress.privacy.erasure import complaints_anonymise

    closed_complaints(60, seed=4)
    first = triage_train(actor=SYSTEM)
    assert first.examples == 60
    erased = list(
        Complaint.objects.filter(reference__startswith="DS-4-")
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    complaints_anonymise(erased, actor=Actor.system("retention"), reason="Yêu cầu xoá dữ liệu")
    assert AnonymisedComplaint.objects.filter(complaint_id__in=erased).count() == 2
    assert triage_train(actor=SYSTEM).examples == 58
    # The version learned before the erasure is kept only as its row, not its file, once
    # enough later versions exist (FILES_KEPT); its held-out figures hold no text.
    assert "DS-4-" not in str(TriageModel.objects.get(version=1).metrics)
