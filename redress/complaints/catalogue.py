"""What complaints are about, as administrators keep it: categories (a tree) and the products and
services of the organisation.

Only an administrator (or a superuser, or a system job) changes them; every change is
validated first (each problem named by field, nothing written) and audited
(``catalogue.<action>``). Nothing is deleted: complaints keep their category and product, so a
category or product no longer offered is deactivated (new complaints cannot choose it). The
lists read by administrators are in Vietnamese alphabetical order (``core.collation``).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Category, Product
from redress.core.actors import Actor
from redress.core.collation import vietnamese_key
from redress.core.errors import FieldProblems, NotPermitted
from redress.core.memo import memo_clear
from redress.core.roles import Role
from redress.core.selectors import tree_descendant_ids, user_roles

# How many rows an administrator's list sorts at most (in Python: Vietnamese order). Far
# beyond any organisation's catalogue; the list's pages are cut from these.
LIST_LIMIT = 5000


def _administrator_check(actor: Actor) -> None:
    if actor.kind == "system":
        return
    user = actor.user
    if user is None or not (Role.ADMIN in user_roles(user) or user.is_superuser):
        raise NotPermitted(_("Only administrators may change the organisation's settings."))


def _values(row: Category | Product) -> dict[str, Any]:
    values = {
        "code": row.code,
        "name_vi": row.name_vi,
        "name_en": row.name_en,
        "is_active": row.is_active,
    }
    if isinstance(row, Category):
        values["parent"] = row.parent_id
    else:
        values["category"] = row.category_id
    return values


def _check(
    model: type[Category] | type[Product],
    *,
    row: Category | Product | None,
    code: str,
    name_vi: str,
    name_en: str,
) -> FieldProblems:
    problems = FieldProblems()
    if row is None:
        problems.new_code(
            "code",
            code,
            taken=model.objects.filter(code__iexact=code.strip()),
            taken_message=_("This code is already used."),
        )
    for field, value in (("name_vi", name_vi), ("name_en", name_en)):
        if not value.strip():
            problems.add(field, _("This field is required."))
        elif len(value.strip()) > 200:
            problems.add(field, _("At most %(count)d characters.") % {"count": 200})
    return problems


def _record(actor: Actor, action: str, row: models.Model, before: Any, after: Any) -> None:
    audit_record(
        actor=actor,
        action=f"catalogue.{action}",
        target=row,
        target_label=str(row),
        before=before,
        after=after,
    )
    transaction.on_commit(memo_clear)


def _changes(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {n: before[n] for n in changed}, {n: after[n] for n in changed}


@transaction.atomic
def category_create(
    *,
    actor: Actor,
    code: str,
    name_vi: str,
    name_en: str,
    parent: Category | None = None,
) -> Category:
    """A new active category, under ``parent`` or at the top. Raises ``ValidationFailed``
    naming each bad field (code taken or not a slug, a name missing, parent inactive) and
    ``NotPermitted``."""
    _administrator_check(actor)
    problems = _check(Category, row=None, code=code, name_vi=name_vi, name_en=name_en)
    if parent is not None and not parent.is_active:
        problems.add("parent", _("This category is no longer active."))
    problems.raise_if_any(_("The category cannot be saved."))
    category = Category.objects.create(
        code=code.strip().lower(), name_vi=name_vi.strip(), name_en=name_en.strip(), parent=parent
    )
    _record(actor, "category_create", category, {}, _values(category))
    return category


@transaction.atomic
def category_update(
    *,
    actor: Actor,
    category: Category,
    name_vi: str,
    name_en: str,
    parent: Category | None,
    is_active: bool,
) -> Category:
    """Rename, move, deactivate or reactivate a category (its code stays: imports, the API
    and the time-limit policies name it). It cannot move under itself or a sub-category, nor
    be deactivated while it has active sub-categories. Nothing changed, nothing recorded."""
    _administrator_check(actor)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    problems = _check(Category, row=locked, code=locked.code, name_vi=name_vi, name_en=name_en)
    if parent is not None:
        if parent.pk in tree_descendant_ids(Category, [locked.pk]):
            problems.add(
                "parent",
                _("A category cannot be placed under itself or one of its sub-categories."),
            )
        elif not parent.is_active and parent.pk != locked.parent_id:
            problems.add("parent", _("This category is no longer active."))
    if locked.is_active and not is_active and locked.children.filter(is_active=True).exists():
        problems.add(
            "is_active",
            _("This category has active sub-categories: deactivate or move them first."),
        )
    problems.raise_if_any(_("The category cannot be saved."))
    before = _values(locked)
    locked.name_vi, locked.name_en = name_vi.strip(), name_en.strip()
    locked.parent, locked.is_active = parent, is_active
    old, new = _changes(before, _values(locked))
    if new:
        locked.save(update_fields=["name_vi", "name_en", "parent", "is_active"])
        _record(actor, "category_update", locked, old, new)
    return locked


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    code: str,
    name_vi: str,
    name_en: str,
    category: Category | None = None,
) -> Product:
    """A new active product or service, in ``category`` (optional). Raises
    ``ValidationFailed`` naming each bad field and ``NotPermitted``."""
    _administrator_check(actor)
    problems = _check(Product, row=None, code=code, name_vi=name_vi, name_en=name_en)
    if category is not None and not category.is_active:
        problems.add("category", _("This category is no longer active."))
    problems.raise_if_any(_("The product or service cannot be saved."))
    product = Product.objects.create(
        code=code.strip().lower(),
        name_vi=name_vi.strip(),
        name_en=name_en.strip(),
        category=category,
    )
    _record(actor, "product_create", product, {}, _values(product))
    return product


@transaction.atomic
def product_update(
    *,
    actor: Actor,
    product: Product,
    name_vi: str,
    name_en: str,
    category: Category | None,
    is_active: bool,
) -> Product:
    """Rename, re-file, deactivate or reactivate a product or service (its code stays).
    Nothing changed, nothing recorded."""
    _administrator_check(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    problems = _check(Product, row=locked, code=locked.code, name_vi=name_vi, name_en=name_en)
    if category is not None and not category.is_active and category.pk != locked.category_id:
        problems.add("category", _("This category is no longer active."))
    problems.raise_if_any(_("The product or service cannot be saved."))
    before = _values(locked)
    locked.name_vi, locked.name_en = name_vi.strip(), name_en.strip()
    locked.category, locked.is_active = category, is_active
    old, new = _changes(before, _values(locked))
    if new:
        locked.save(update_fields=["name_vi", "name_en", "category", "is_active"])
        _record(actor, "product_update", locked, old, new)
    return locked


def categories_for_admin(*, language: str = "vi") -> list[Category]:
    """Every category (active first), in the alphabetical order of its name in ``language``
    (Vietnamese collation), with its parent; at most ``LIST_LIMIT``."""
    rows = list(Category.objects.select_related("parent").order_by("pk")[:LIST_LIMIT])
    rows.sort(key=lambda c: (not c.is_active, vietnamese_key(c.display_name(language))))
    return rows


def products_for_admin(*, language: str = "vi") -> list[Product]:
    """Every product or service (active first), alphabetical in ``language`` (Vietnamese
    collation), with its category; at most ``LIST_LIMIT``."""
    rows = list(Product.objects.select_related("category").order_by("pk")[:LIST_LIMIT])
    rows.sort(key=lambda p: (not p.is_active, vietnamese_key(p.display_name(language))))
    return rows
