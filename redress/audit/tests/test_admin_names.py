"""The Django admin names the packages' apps and models, and Django's stored permissions, in
the person's language (``audit.admin_names``)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import translation

from redress.audit.admin_names import permission_label
from redress.audit.adminsite import AuditedAdminSite
from redress.core.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_default_permissions_are_named_from_the_translated_model_name():
    add_group = Permission.objects.get(codename="add_group")
    with translation.override("en"):
        assert (
            permission_label(add_group)
            == "Authentication and Authorization | group | Can add group"
        )
    with translation.override("vi"):
        # Django's own Vietnamese names of the app and the model.
        assert permission_label(add_group).startswith("Xác thực và ủy quyền | Nhóm | ")


def test_a_custom_permission_keeps_its_own_name():
    publish = Permission.objects.get(codename="publish_notice")
    with translation.override("en"):
        assert permission_label(publish).endswith("| Can publish the public information")


def test_the_packages_apps_are_named_in_the_admins_index():
    from django.contrib import admin

    site = admin.site
    assert isinstance(site, AuditedAdminSite)
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.create(is_superuser=True, is_staff=True)
    with translation.override("en"):
        names = {app["app_label"]: app["name"] for app in site.get_app_list(request)}
    assert names["axes"] == "Sign-in lockout"
    assert names["otp_totp"] == "Authenticator apps"
    assert names["notifications"] == "Messages and notifications"


def test_every_app_and_model_a_superuser_sees_in_the_admin_is_named_in_vietnamese():
    from django.contrib import admin

    request = RequestFactory().get("/admin/")
    request.user = UserFactory.create(is_superuser=True, is_staff=True)

    def names(language):
        with translation.override(language):
            return {
                (app["app_label"], model["object_name"]): (str(app["name"]), str(model["name"]))
                for app in admin.site.get_app_list(request)
                for model in app["models"]
            }

    english, vietnamese = names("en"), names("vi")
    same = {
        key: english[key]
        for key in english
        # Only an abbreviation in capitals ("SMS") may read the same in both languages.
        if any(
            e == v and not e.isupper() for e, v in zip(english[key], vietnamese[key], strict=True)
        )
    }
    assert same == {}


def test_every_permission_is_named_in_vietnamese():
    english_only = []
    with translation.override("vi"):
        for permission in Permission.objects.select_related("content_type"):
            name = permission_label(permission).rsplit(" | ", 1)[-1]
            if name.startswith("Can "):
                english_only.append(permission.codename)
    assert english_only == []
