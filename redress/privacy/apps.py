from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "redress.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        # The kinds of record the retention run deals with itself (privacy.retention).
        from redress.privacy.retention_targets import register

        register()
        # dsar_on_time_pct joins the analytics catalogue (analytics never imports this app).
        from redress.privacy import figures  # noqa: F401

        # Each published version of the public notice states the retention periods as set.
        from redress.privacy.retention_rules import retention_notice_text
        from redress.transparency.services import notice_retention_source_set

        notice_retention_source_set(retention_notice_text)
