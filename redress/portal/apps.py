from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "redress.portal"
    label = "portal"
