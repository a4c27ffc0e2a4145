from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "redress.certification"
    label = "certification"
    verbose_name = _("Certification readiness")

    def ready(self) -> None:
        # The evaluators register themselves by name when their modules are imported.
        from redress.certification import evaluators  # noqa: F401
