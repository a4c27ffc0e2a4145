"""Test helpers shared by every app: factories for people and units, staff with a role."""

from __future__ import annotations

from typing import Any

import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

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


def staff(role: Role, unit: OrgUnit, **kwargs: object) -> User:
    user: User = UserFactory.create(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def actor(user: User) -> Actor:
    return Actor.for_user(user)


def second_factor_verified(client: Any, user: User) -> None:
    """Make a test client's signed-in session one that gave its second factor: the person gets a
    confirmed authenticator (once) and the session is marked verified by it, as the code page
    does. The root conftest does this on every ``force_login`` of a person whose role requires
    a second factor, unless the test is marked ``second_factor``."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
