"""Test helpers for the register: factories for complainants, categories and products.
Bringing a complaint to a stage through the real services is ``redress.handling.testing``."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from redress.complaints.models import Category, Complainant, Product


class ComplainantFactory(DjangoModelFactory):
    class Meta:
        model = Complainant

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.Sequence(lambda n: f"khach{n}@example.test")
    phone = factory.Sequence(lambda n: f"09{n:08d}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"cat-{n}")
    name_vi = factory.Sequence(lambda n: f"Danh mục {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"prod-{n}")
    name_vi = factory.Sequence(lambda n: f"Sản phẩm {n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")


def plain_pdf() -> bytes:
    """A small, valid PDF with one blank page and nothing that runs (accepted as an attachment)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
