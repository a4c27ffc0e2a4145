from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.db import transaction

from redress.audit.commandline.accounts import superuser_created
from redress.core.models import User


class Command(createsuperuser.Command):
    help = createsuperuser.Command.help + " The new account is written to the audit chain."

    def handle(self, *args: Any, **options: Any) -> None:
        database = options.get("database") or "default"
        people = User.objects.using(database)
        with transaction.atomic(using=database):
            last = people.order_by("-pk").values_list("pk", flat=True).first() or 0
            super().handle(*args, **options)
            for user in people.filter(pk__gt=last, is_superuser=True).order_by("pk"):
                superuser_created(user)
