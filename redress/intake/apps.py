from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "redress.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # The inbound mail store joins the retention run (privacy never imports intake).
        from redress.intake.retention import register

        register()
