from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "redress.improvement"
    label = "improvement"
    verbose_name = _("Continual improvement")

    def ready(self) -> None:
        # The improvement KPIs and the Pareto by root cause join the analytics catalogue and its
        # breakdowns (analytics never imports this app).
        from redress.improvement import figures  # noqa: F401
