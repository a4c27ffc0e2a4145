"""Categories, products and services kept by administrators (``complaints.catalogue``):
validated by field, audited, deactivated rather than deleted, listed in Vietnamese order."""

import pytest

from redress.audit.models import AuditEntry
from redress.complaints import catalogue
from redress.complaints.models import Category, Product
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(staff(Role.ADMIN, UnitFactory.create()))


def add(admin, code, name, parent=None):
    return catalogue.category_create(
        actor=admin, code=code, name_vi=name, name_en=code.title(), parent=parent
    )


def test_a_category_is_added_and_audited(admin):
    category = add(admin, "giao-hang", "Giao hàng")
    entry = AuditEntry.objects.get(action="catalogue.category_create")
    assert entry.target_id == str(category.pk)
    assert entry.after == {
        "code": "giao-hang",
        "name_vi": "Giao hàng",
        "name_en": "Giao-Hang",
        "is_active": True,
        "parent": None,
    }


def test_a_bad_category_names_each_field_and_adds_nothing(admin):
    add(admin, "giao-hang", "Giao hàng")
    with pytest.raises(ValidationFailed) as refused:
        catalogue.category_create(actor=admin, code="GIAO-HANG", name_vi="", name_en=" ")
    assert set(refused.value.fields) == {"code", "name_vi", "name_en"}
    assert Category.objects.count() == 1


def test_a_category_does_not_move_under_its_own_sub_category(admin):
    top = add(admin, "dich-vu", "Dịch vụ")
    sub = add(admin, "thai-do", "Thái độ", parent=top)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.category_update(
            actor=admin,
            category=top,
            name_vi="Dịch vụ",
            name_en="Service",
            parent=sub,
            is_active=True,
        )
    assert set(refused.value.fields) == {"parent"}
    with pytest.raises(ValidationFailed) as refused:
        catalogue.category_update(
            actor=admin,
            category=top,
            name_vi="Dịch vụ",
            name_en="Service",
            parent=None,
            is_active=False,
        )
    assert set(refused.value.fields) == {"is_active"}


def test_an_edit_records_only_what_changed(admin):
    category = add(admin, "giao-hang", "Giao hàng")
    catalogue.category_update(
        actor=admin,
        category=category,
        name_vi="Giao hàng chậm",
        name_en="Giao-Hang",
        parent=None,
        is_active=False,
    )
    entry = AuditEntry.objects.get(action="catalogue.category_update")
    assert entry.before == {"name_vi": "Giao hàng", "is_active": True}
    assert entry.after == {"name_vi": "Giao hàng chậm", "is_active": False}


def test_products_are_filed_under_active_categories(admin):
    old = add(admin, "cu", "Cũ")
    catalogue.category_update(
        actor=admin, category=old, name_vi="Cũ", name_en="Old", parent=None, is_active=False
    )
    old.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        catalogue.product_create(
            actor=admin, code="may-giat", name_vi="Máy giặt", name_en="Washer", category=old
        )
    assert set(refused.value.fields) == {"category"}
    product = catalogue.product_create(
        actor=admin, code="may-giat", name_vi="Máy giặt", name_en="Washer"
    )
    assert Product.objects.get(pk=product.pk).is_active
    assert AuditEntry.objects.filter(action="catalogue.product_create").count() == 1


def test_only_administrators_change_the_catalogue():
    handler = Actor.for_user(staff(Role.HANDLER, UnitFactory.create()))
    with pytest.raises(NotPermitted):
        catalogue.category_create(actor=handler, code="x", name_vi="X", name_en="X")


def test_the_list_follows_the_vietnamese_alphabet(admin):
    for code, name in [
        ("g", "Giao hàng"),
        ("dd", "Đổi trả"),
        ("d", "Dịch vụ"),
        ("aw", "Ăn uống"),
        ("b", "Bảo hành"),
        ("a", "An toàn"),
    ]:
        add(admin, code, name)
    names = [c.name_vi for c in catalogue.categories_for_admin(language="vi")]
    assert names == ["An toàn", "Ăn uống", "Bảo hành", "Dịch vụ", "Đổi trả", "Giao hàng"]
