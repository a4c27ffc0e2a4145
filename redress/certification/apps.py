from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "redress.certification"
    label = "certification"
    verbose_name = _("Certification readiness")

    def ready(self) -> None:
        # The visibility gate lives in the register, below this app: it asks this app, through
        # its registry, which complaints an external auditor's live grants let them see.
        from redress.certification.selectors import external_complaints
        from redress.complaints.selectors import visibility_grant_register

        visibility_grant_register(external_complaints)
        # The evaluators register themselves by name when their modules are imported.
        from redress.certification import evaluators  # noqa: F401
