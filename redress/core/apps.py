from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "redress.core"
    label = "core"
    verbose_name = _("Organisation and people")
