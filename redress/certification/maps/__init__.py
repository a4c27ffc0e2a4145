"""The maps shipped with Redress, as JSON files beside this module, and their loader.

A map file holds one standard and its items, in order::

    {"standard": {"code": "iso10002", "name": "...", "edition": "...", "order": 1},
     "items": [{"code": "7.4", "kind": "clause", "parent": "7", "title": "...",
                "title_en": "...", "order": 12,
                "rules": [{"evaluator": "kpi_target", "params": {"kpi": "ack_on_time_pct",
                           "target": 95}, "title": "...", "title_en": "..."}],
                "references": ["iso10002:8.3"]}]}

``map_load`` makes the database say what the file says: the standard, every item (a parent
before its children), each item's rules replaced by the file's, and the references to other
standards' items (loaded before). It is given the models to write (the migration's historical
ones) and refuses an evaluator no module registers, naming it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAPS_DIR = Path(__file__).resolve().parent
SHIPPED = ("iso10002", "iso9001")  # in loading order: a map after those it refers to


def map_read(code: str) -> dict[str, Any]:
    return json.loads((MAPS_DIR / f"{code}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def map_load(data: dict[str, Any], *, apps: Any) -> Any:
    """Load one map into the models of ``apps`` (``django.apps.apps`` or a migration's)."""
    import redress.certification.evaluators  # noqa: F401  (registers them)
    from redress.certification.evaluation import evaluators_unknown

    standard_model = apps.get_model("certification", "Standard")
    item_model = apps.get_model("certification", "Item")
    rule_model = apps.get_model("certification", "EvidenceRule")
    names = [rule["evaluator"] for item in data["items"] for rule in item.get("rules", [])]
    unknown = evaluators_unknown(names)
    if unknown:
        raise ValueError(f"the map names evaluators nobody registered: {', '.join(unknown)}")
    head = data["standard"]
    standard, _created = standard_model.objects.update_or_create(
        code=head["code"],
        defaults={
            "name": head["name"],
            "edition": head.get("edition", ""),
            "order": head.get("order", 0),
        },
    )
    loaded: dict[str, Any] = {}
    for position, entry in enumerate(data["items"], start=1):
        item, _created = item_model.objects.update_or_create(
            standard=standard,
            code=entry["code"],
            defaults={
                "kind": entry["kind"],
                "parent": loaded[entry["parent"]] if entry.get("parent") else None,
                "title": entry["title"],
                "title_en": entry.get("title_en", ""),
                "order": entry.get("order", position),
            },
        )
        loaded[entry["code"]] = item
        rule_model.objects.filter(item=item).delete()
        rule_model.objects.bulk_create(
            rule_model(
                item=item,
                evaluator=rule["evaluator"],
                params=rule.get("params", {}),
                title=rule["title"],
                title_en=rule.get("title_en", ""),
                order=order,
            )
            for order, rule in enumerate(entry.get("rules", []), start=1)
        )
        targets = []
        for reference in entry.get("references", []):
            other, code = reference.split(":", 1)
            targets.append(item_model.objects.get(standard__code=other, code=code))
        item.references.set(targets)
    item_model.objects.filter(standard=standard).exclude(code__in=list(loaded)).delete()
    return standard
