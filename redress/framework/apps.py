from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    name = "redress.framework"
    label = "framework"
    verbose_name = _("Management system")

    def ready(self) -> None:
        # Competence's KPI joins the analytics catalogue (analytics never imports this app).
        from redress.framework import figures  # noqa: F401
