from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "redress.core"
    label = "core"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from redress.core.middleware import session_stamp

        # A new session carries when it began, written with the sign-in's own save.
        user_logged_in.connect(session_stamp, dispatch_uid="redress-session-stamp")
