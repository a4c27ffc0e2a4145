"""What the Django admin shows of the packages Redress builds on, in the person's language.

Redress's own apps and models name themselves through gettext; the packages below (sign-in
lockout, second-factor devices, background tasks) and the permissions Django stores in English
("Can add group") do not. The admin site (``audit.adminsite.AuditedAdminSite``) shows them
through these names instead; nothing is changed in the packages or the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Sign-in lockout"),
    "otp_static": _("Recovery codes"),
    "otp_totp": _("Authenticator apps"),
    "django_tasks_database": _("Background tasks"),
}
MODEL_NAMES = {
    ("axes", "accessattempt"): _("Sign-in attempts"),
    ("axes", "accessfailurelog"): _("Failed sign-ins"),
    ("axes", "accesslog"): _("Sign-in log"),
    ("axes", "accessattemptexpiration"): _("Sign-in attempt expiries"),
    ("otp_static", "staticdevice"): _("Recovery code sets"),
    ("otp_totp", "totpdevice"): _("Authenticator apps"),
    ("django_tasks_database", "dbtaskresult"): _("Task results"),
}
# Django's four default permissions, by the first word of their codename.
ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def app_list_translate(app_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The admin's list of apps and their models with the packages' names translated."""
    for app in app_list:
        label = app.get("app_label", "")
        if label in APP_NAMES:
            app["name"] = str(APP_NAMES[label])
        for model in app.get("models", []):
            name = MODEL_NAMES.get((label, model.get("object_name", "").lower()))
            if name is not None:
                model["name"] = str(name)
    return app_list


def permission_label(permission: Permission) -> str:
    """A permission as "app | model | action" in the person's language: Django's default
    permissions are named from the model's (translated) name; others keep their stored name."""
    content_type = permission.content_type
    model = content_type.model_class()
    app = APP_NAMES.get(content_type.app_label)
    if model is not None:
        model_name = str(
            MODEL_NAMES.get((content_type.app_label, content_type.model))
            or model._meta.verbose_name
        )
        app_name = str(app or model._meta.app_config.verbose_name)
    else:
        model_name, app_name = content_type.model, str(app or content_type.app_label)
    action, _sep, rest = permission.codename.partition("_")
    if action in ACTIONS and model is not None and rest == model._meta.model_name:
        name = str(ACTIONS[action]) % {"name": model_name}
    else:
        name = gettext(permission.name)
    return f"{app_name} | {model_name} | {name}"
