from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "redress.analytics"
    label = "analytics"
    verbose_name = _("Analysis and monitoring")

    def ready(self) -> None:
        # The breakdowns and control charts register their codes in ``tables.BREAKDOWNS``.
        from redress.analytics import breakdowns, control  # noqa: F401
