from django.apps import AppConfig


class CommandLineConfig(AppConfig):
    """Django's account commands (``createsuperuser``, ``changepassword``) made to write the audit
    chain. Listed before ``django.contrib.auth`` in the settings, so its commands are the ones
    that run."""

    name = "redress.audit.commandline"
    label = "audit_commandline"
