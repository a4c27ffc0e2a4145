"""Reads of triage: the suggestions for a text, the model in use, what it learns from, the
acceptance of suggestions and the evaluation (docs/triage.md)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q

from redress.complaints.models import Category, Complaint, Priority, Product, Status
from redress.core.models import OrgUnit
from redress.privacy.models import AnonymisedComplaint
from redress.triage import learning
from redress.triage.models import Field, KeywordRule, Source, Stage, SuggestionOutcome, TriageModel
from redress.triage.text import complaint_text, identifiers_of, scrub

SALT = "redress.triage.suggestion"
# The fields each stage's form asks for: what is recorded as chosen there.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    Stage.INTAKE: (Field.CATEGORY, Field.PRODUCT, Field.UNIT, Field.HEALTH_SAFETY),
    Stage.ASSESSMENT: (Field.CATEGORY, Field.PRIORITY, Field.HEALTH_SAFETY),
}
# Below this confidence a suggestion is not shown.
MIN_CONFIDENCE = 0.2


def min_confidence() -> float:
    return float(getattr(settings, "REDRESS_TRIAGE_MIN_CONFIDENCE", MIN_CONFIDENCE))


# --------------------------------------------------------------------------------------------
# The keyword rules and the model in use


def rules_active() -> list[learning.Rule]:
    """The active keyword rules as plain data (one query)."""
    result = []
    for rule in KeywordRule.objects.filter(is_active=True).order_by("pk"):
        targets: dict[str, str] = {}
        if rule.category_id:
            targets[Field.CATEGORY] = str(rule.category_id)
        if rule.product_id:
            targets[Field.PRODUCT] = str(rule.product_id)
        if rule.unit_id:
            targets[Field.UNIT] = str(rule.unit_id)
        if rule.priority:
            targets[Field.PRIORITY] = rule.priority
        if rule.health_safety:
            targets[Field.HEALTH_SAFETY] = "true"
        keywords = tuple(learning.fold_keyword(k) for k in rule.keyword_list())
        if targets and keywords:
            result.append(learning.Rule(keywords, targets))
    return result


def model_active() -> TriageModel | None:
    return TriageModel.objects.filter(is_active=True).first()


_LOADED: dict[tuple[int, str], learning.Bundle] = {}
_LOCK = threading.Lock()


def bundle_of(model: TriageModel) -> learning.Bundle | None:
    """The learned model of a version, read from storage once per process."""
    if not model.file:
        return None
    key = (model.pk, model.file)
    found = _LOADED.get(key)
    if found is not None:
        return found
    with _LOCK:
        if not default_storage.exists(model.file):
            return None
        with default_storage.open(model.file, "rb") as handle:
            loaded: learning.Bundle = joblib.load(io.BytesIO(handle.read()))
        _LOADED.clear()  # one version in memory
        _LOADED[key] = loaded
    return loaded


# --------------------------------------------------------------------------------------------
# Suggestions


@dataclass(frozen=True)
class FieldSuggestion:
    field: str
    value: str  # a primary key, a priority code, or "true" for the health or safety flag
    label: str
    confidence: float
    source: str

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Suggestions:
    fields: list[FieldSuggestion] = field(default_factory=list)
    model_version: int | None = None
    token: str = ""

    def get(self, name: str) -> FieldSuggestion | None:
        return next((f for f in self.fields if f.field == name), None)

    def __bool__(self) -> bool:
        return bool(self.fields)


def _labels(raw: dict[str, tuple[str, float, str]], language: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    models: dict[str, Any] = {Field.CATEGORY: Category, Field.PRODUCT: Product}
    for name, model in models.items():
        if name in raw and raw[name][0].isdigit():
            found = model.objects.filter(pk=int(raw[name][0]), is_active=True).first()
            if found is not None:
                labels[name] = found.display_name(language)
    if Field.UNIT in raw and raw[Field.UNIT][0].isdigit():
        unit = OrgUnit.objects.filter(pk=int(raw[Field.UNIT][0]), is_active=True).first()
        if unit is not None:
            labels[Field.UNIT] = unit.display_name(language)
    if Field.PRIORITY in raw and raw[Field.PRIORITY][0] in Priority.values:
        labels[Field.PRIORITY] = str(Priority(raw[Field.PRIORITY][0]).label)
    if raw.get(Field.HEALTH_SAFETY, ("",))[0] == "true":
        labels[Field.HEALTH_SAFETY] = str(Field.HEALTH_SAFETY.label)
    return labels


def suggestions_for(
    subject: str, description: str, *, stage: str, language: str = "vi"
) -> Suggestions:
    """The category, product, unit, priority and health or safety flag suggested for a text,
    each with its confidence and source: the model in use where its evaluation beat the
    keyword rules, the rules otherwise. Nothing is applied; ``token`` carries what was shown,
    signed, so that what the person then chose can be recorded against it."""
    text = complaint_text(subject, description)
    if not text.strip():
        return Suggestions()
    model = model_active()
    raw: dict[str, tuple[str, float, str]] = {}
    bundle = bundle_of(model) if model is not None else None
    if model is not None and bundle is not None:
        learned = [f for f in learning.FIELDS if model.uses_model(f)]
        for name, (value, confidence) in bundle.predict(scrub(text), learned).items():
            raw[name] = (value, confidence, Source.MODEL)
    for name, (value, confidence) in learning.rules_predict(rules_active(), text).items():
        raw.setdefault(name, (value, confidence, Source.RULES))
    raw = {k: v for k, v in raw.items() if v[1] >= min_confidence()}
    labels = _labels(raw, language)
    fields = [
        FieldSuggestion(name, raw[name][0], labels[name], raw[name][1], raw[name][2])
        for name in learning.FIELDS
        if name in labels
    ]
    version = model.version if model is not None and bundle is not None else None
    token = signing.dumps(
        {
            "stage": stage,
            "model": model.pk if version is not None and model is not None else None,
            "fields": {f.field: [f.value, round(f.confidence, 4), f.source] for f in fields},
        },
        salt=SALT,
    )
    return Suggestions(fields, version, token if fields else "")


def token_read(token: str) -> dict[str, Any] | None:
    """What a suggestion token says was shown, or None when it was not made here."""
    try:
        data = signing.loads(token, salt=SALT, max_age=60 * 60 * 24)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------------------------
# What the model learns from


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: dict[str, list[str]]


def training_rows(limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Closed complaints, newest first, without those whose complainant was erased (their text
    leaves the training set at the next training), with the complainant's identifiers."""
    limit = limit or int(getattr(settings, "REDRESS_TRIAGE_MAX_EXAMPLES", 200_000))
    erased = AnonymisedComplaint.objects.filter(complaint_id=OuterRef("pk"))
    rows = (
        Complaint.objects.filter(status=Status.CLOSED)
        .exclude(Exists(erased))
        .order_by("-closed_at", "-pk")
        .values(
            "subject",
            "description",
            "category_id",
            "product_id",
            "unit_id",
            "priority",
            "health_safety",
            "representative_name",
            "representative_contact",
            "complainant__full_name",
            "complainant__organisation",
            "complainant__email",
            "complainant__phone",
            "complainant__address",
        )[:limit]
    )
    for row in rows.iterator(chunk_size=2000):
        yield dict(row)


def training_set(limit: int | None = None) -> TrainingSet:
    """The scrubbed texts and labels of ``training_rows``."""
    texts: list[str] = []
    labels: dict[str, list[str]] = {name: [] for name in learning.FIELDS}
    for row in training_rows(limit):
        identifiers = identifiers_of(
            [
                row["complainant__full_name"] or "",
                row["complainant__organisation"] or "",
                row["complainant__email"] or "",
                row["complainant__address"] or "",
                row["representative_name"] or "",
                row["representative_contact"] or "",
            ],
            [row["complainant__phone"] or "", row["representative_contact"] or ""],
        )
        texts.append(scrub(complaint_text(row["subject"], row["description"]), identifiers))
        labels[Field.CATEGORY].append(str(row["category_id"] or ""))
        labels[Field.PRODUCT].append(str(row["product_id"] or ""))
        labels[Field.UNIT].append(str(row["unit_id"] or ""))
        labels[Field.PRIORITY].append(row["priority"] or "")
        labels[Field.HEALTH_SAFETY].append("true" if row["health_safety"] else "false")
    return TrainingSet(texts, labels)


# --------------------------------------------------------------------------------------------
# Acceptance and evaluation


@dataclass(frozen=True)
class Acceptance:
    field: str
    source: str
    shown: int
    accepted: int

    @property
    def rate(self) -> float:
        return self.accepted / self.shown if self.shown else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


def acceptance_rates() -> list[Acceptance]:
    """Per field and source: how many suggestions were recorded and how many the person kept
    (one aggregate query)."""
    rows = (
        SuggestionOutcome.objects.values("field", "source")
        .annotate(shown=Count("pk"), kept=Count("pk", filter=Q(accepted=True)))
        .order_by("field", "source")
    )
    return [Acceptance(r["field"], r["source"], r["shown"], r["kept"]) for r in rows]


def models_recent(limit: int = 10) -> list[TriageModel]:
    return list(TriageModel.objects.order_by("-version")[:limit])


def label_names(field_name: str, labels: Sequence[str], language: str) -> list[str]:
    """The names of a field's labels, as the evaluation shows them (one query)."""
    if field_name == Field.PRIORITY:
        return [str(Priority(v).label) if v in Priority.values else v for v in labels]
    if field_name == Field.HEALTH_SAFETY:
        return [str(_yes_no(v)) for v in labels]
    model: Any = {Field.CATEGORY: Category, Field.PRODUCT: Product, Field.UNIT: OrgUnit}[
        Field(field_name)
    ]
    ids = [int(v) for v in labels if v.isdigit()]
    found = {str(obj.pk): obj for obj in model.objects.filter(pk__in=ids)}
    names = []
    for value in labels:
        obj = found.get(value)
        if obj is None:
            names.append(value)
        elif hasattr(obj, "display_name"):
            names.append(obj.display_name(language))
        else:
            names.append(obj.name)
    return names


def _yes_no(value: str) -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("yes") if value == "true" else _("no")
