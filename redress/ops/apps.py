from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness, Prometheus metrics, backup and restore, doctor. No
    models and no pages: nothing here is shown to people, so nothing here is translated."""

    name = "redress.ops"
    verbose_name = "Operations"
