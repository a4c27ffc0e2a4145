from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health and readiness, Prometheus metrics, backup and restore, doctor."""

    name = "redress.ops"
    verbose_name = _("Operations")
