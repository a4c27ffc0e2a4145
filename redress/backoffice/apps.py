from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "redress.backoffice"
    label = "backoffice"
