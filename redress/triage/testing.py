"""Closed complaints of the generated data set (``triage.dataset``) written straight to the
register, for tests, browser journeys and the benchmark: what triage learns from is the closed
register, and bringing hundreds of complaints through every stage would test the lifecycle,
not triage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from redress.complaints.models import Category, Complainant, Complaint, Product, Status
from redress.core.models import OrgUnit
from redress.triage.dataset import CATEGORIES, Example, examples


@dataclass
class Vocabulary:
    categories: dict[str, Category]
    products: dict[str, Product]
    units: dict[str, OrgUnit]


def vocabulary() -> Vocabulary:
    """The data set's categories, products and units (created when missing)."""
    categories, products, units = {}, {}, {}
    for code, (product, unit, vi, en) in CATEGORIES.items():
        categories[code], _ = Category.objects.get_or_create(
            code=f"ds-{code}", defaults={"name_vi": vi[0].capitalize(), "name_en": en[0]}
        )
        products[product], _ = Product.objects.get_or_create(
            code=f"ds-{product}",
            defaults={"name_vi": f"Sản phẩm {product}", "name_en": f"Product {product}"},
        )
        units[unit], _ = OrgUnit.objects.get_or_create(
            code=f"ds-{unit}", defaults={"name": f"Phòng {unit}"}
        )
    return Vocabulary(categories, products, units)


def closed_complaints(
    n: int, *, seed: int = 7, start: int = 0, status: str = Status.CLOSED
) -> tuple[Vocabulary, list[Example]]:
    """``n`` complaints of the data set, in ``status`` (closed by default), with their own
    complainants (whose names and phones appear in the text)."""
    vocab = vocabulary()
    rows = examples(n, seed=seed)
    now = timezone.now()
    people = Complainant.objects.bulk_create(
        [
            Complainant(
                full_name=f"Khách hàng {start + i}",
                email=f"kh{start + i}@example.com",
                phone=f"09{start + i:08d}",
            )
            for i in range(n)
        ]
    )
    complaints = []
    for i, (row, person) in enumerate(zip(rows, people, strict=True)):
        at = now - dt.timedelta(days=120, minutes=i)
        complaints.append(
            Complaint(
                reference=f"DS-{seed}-{start + i:06d}",
                tracking_code_hash="-",
                status=status,
                channel="web",
                received_at=at,
                language=row.language,
                complainant=person,
                subject=row.subject,
                description=row.description,
                category=vocab.categories[row.category],
                product=vocab.products[row.product],
                unit=vocab.units[row.unit],
                priority=row.priority,
                health_safety=row.health_safety,
                closed_at=at + dt.timedelta(days=5) if status == Status.CLOSED else None,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=500)
    return vocab, rows
