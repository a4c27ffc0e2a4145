"""The Django admin with Redress's audited site as its default (``audit.adminsite``): listed in
``INSTALLED_APPS`` in place of ``django.contrib.admin``."""

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    default_site = "redress.audit.adminsite.AuditedAdminSite"
