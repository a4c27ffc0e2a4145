from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "redress.intake"
    label = "intake"

    def ready(self) -> None:
        # The inbound mail store joins the retention run (privacy never imports intake).
        from redress.intake.retention import register

        register()
