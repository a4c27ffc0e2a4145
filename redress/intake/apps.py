from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "redress.intake"
    label = "intake"
