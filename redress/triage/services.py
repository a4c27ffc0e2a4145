"""Writes of triage: training a new version of the model, and recording what was suggested
against what a person chose. Each is audited (docs/triage.md)."""

from __future__ import annotations

import io
from typing import Any

import joblib
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.triage import learning
from redress.triage.models import Field, Stage, SuggestionOutcome, TriageModel
from redress.triage.selectors import STAGE_FIELDS, rules_active, token_read, training_set

# Model files kept (older versions keep their row and evaluation, not their file).
FILES_KEPT = 3


def triage_train(*, actor: Actor, limit: int | None = None) -> TriageModel:
    """Learn a new version from the closed complaints (identifiers removed, erased complainants
    left out), evaluate it on a held-out split against the keyword rules, and put it in use
    when it beats the rules on at least one field; otherwise the rules stay in use and the
    version is kept with its evaluation. Files of versions older than the last
    ``FILES_KEPT`` are deleted. Audited."""
    data = training_set(limit)
    trained = learning.train(data.texts, data.labels, rules_active())
    blob = b""
    if trained.bundle is not None:
        buffer = io.BytesIO()
        joblib.dump(trained.bundle, buffer, compress=3)
        blob = buffer.getvalue()
    used = [name for name, m in trained.metrics["fields"].items() if m.get("uses_model")]
    with transaction.atomic():
        last = TriageModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        version = last + 1
        name = ""
        if blob and used:
            name = default_storage.save(f"triage/model-v{version}.joblib", ContentFile(blob))
        active = bool(name)
        if active:
            TriageModel.objects.filter(is_active=True).update(is_active=False)
        model = TriageModel.objects.create(
            version=version,
            trained_at=timezone.now(),
            trained_by=actor.label[:150],
            examples=len(data.texts),
            seconds=round(float(trained.metrics.get("seconds", 0.0)), 3),
            metrics=trained.metrics,
            file=name,
            file_bytes=len(blob) if name else 0,
            is_active=active,
        )
        audit_record(
            actor=actor,
            action="triage.train",
            target=model,
            target_label=str(model),
            after={
                "version": version,
                "examples": model.examples,
                "in_use": active,
                "fields_learned": used,
            },
        )
        old = list(
            TriageModel.objects.exclude(file="")
            .order_by("-version")
            .values_list("pk", "file")[FILES_KEPT:]
        )
        if old:
            TriageModel.objects.filter(pk__in=[pk for pk, _f in old]).update(file="")
            files = [f for _pk, f in old]
            transaction.on_commit(lambda: _files_delete(files))
    return model


def _files_delete(files: list[str]) -> None:
    for name in files:
        default_storage.delete(name)


def _chosen(complaint: Complaint, name: str) -> str:
    values: dict[str, Any] = {
        Field.CATEGORY: complaint.category_id,
        Field.PRODUCT: complaint.product_id,
        Field.UNIT: complaint.unit_id,
        Field.PRIORITY: complaint.priority,
        Field.HEALTH_SAFETY: "true" if complaint.health_safety else "false",
    }
    value = values[Field(name)]
    return "" if value is None else str(value)


def suggestion_outcomes_record(
    *, complaint: Complaint, stage: str, token: str, actor: Actor
) -> list[SuggestionOutcome]:
    """Record, for each field of the stage's form that was suggested (as the signed ``token``
    says), the suggestion and what the person chose (the complaint as it now stands). A token
    not made here, made for another stage, or already recorded for this complaint and stage
    records nothing. Audited."""
    data = token_read(token)
    if data is None or data.get("stage") != stage or stage not in Stage.values:
        return []
    fields: dict[str, list[Any]] = data.get("fields") or {}
    with transaction.atomic():
        current = Complaint.objects.get(pk=complaint.pk)
        done = SuggestionOutcome.objects.filter(complaint=current, stage=stage).exists()
        if done:
            return []
        now = timezone.now()
        model_id = data.get("model")
        rows = []
        for name in STAGE_FIELDS[stage]:
            if name not in fields:
                continue
            value, confidence, source = fields[name]
            chosen = _chosen(current, name)
            rows.append(
                SuggestionOutcome(
                    complaint=current,
                    stage=stage,
                    field=name,
                    source=source,
                    model_id=model_id
                    if model_id and TriageModel.objects.filter(pk=model_id).exists()
                    else None,
                    suggested=str(value)[:32],
                    confidence=float(confidence),
                    chosen=chosen[:32],
                    accepted=chosen == str(value),
                    person_id=actor.user_id,
                    at=now,
                )
            )
        if not rows:
            return []
        SuggestionOutcome.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="triage.suggestion_outcome",
            target=current,
            target_label=current.reference,
            after={
                "stage": stage,
                "fields": {r.field: {"suggested": r.suggested, "chosen": r.chosen} for r in rows},
            },
        )
    return rows
