"""Test helpers shared by every app: factories for people, units and complaints."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from redress.complaints.models import Category, Complainant, Product
from redress.core.actors import Actor
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")


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


def staff(role: Role, unit: OrgUnit, **kwargs: object) -> User:
    user: User = UserFactory.create(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def actor(user: User) -> Actor:
    return Actor.for_user(user)
