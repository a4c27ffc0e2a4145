"""Reference data an integration needs to fill a complaint: categories and units."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from redress.api.auth import READ
from redress.api.errors import error_responses
from redress.api.schemas import CategoryOut, UnitOut
from redress.complaints.models import Category
from redress.core.models import OrgUnit

router = Router(tags=["reference data"])

# Vocabularies are small; the bound keeps a misconfigured one from loading without end.
MAX_ROWS = 2000


@router.get(
    "/categories",
    auth=READ,
    response={200: list[CategoryOut], **error_responses(401, 403, 429)},
    operation_id="category_list",
    summary="List active categories",
)
def category_list(request: HttpRequest) -> Any:
    rows = (
        Category.objects.filter(is_active=True).select_related("parent").order_by("code")[:MAX_ROWS]
    )
    return [
        {
            "code": c.code,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "parent": c.parent.code if c.parent else None,
        }  # type: ignore[union-attr]
        for c in rows
    ]


@router.get(
    "/units",
    auth=READ,
    response={200: list[UnitOut], **error_responses(401, 403, 429)},
    operation_id="unit_list",
    summary="List active organisation units",
)
def unit_list(request: HttpRequest) -> Any:
    rows = (
        OrgUnit.objects.filter(is_active=True).select_related("parent").order_by("code")[:MAX_ROWS]
    )
    return [
        {
            "code": u.code,
            "name": u.name,
            "name_en": u.name_en,
            "parent": u.parent.code if u.parent else None,
        }  # type: ignore[union-attr]
        for u in rows
    ]
