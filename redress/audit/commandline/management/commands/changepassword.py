import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from redress.audit.commandline.accounts import password_set
from redress.core.models import User


class Command(changepassword.Command):
    help = changepassword.Command.help + " The change is written to the audit chain."

    def handle(self, *args: Any, **options: Any) -> str | None:
        database = options.get("database") or "default"
        # The account Django's command changes: the one named, else the operating-system user's.
        username = options.get("username") or getpass.getuser()
        people = User.objects.using(database).filter(**{User.USERNAME_FIELD: username})
        with transaction.atomic(using=database):
            before = people.values_list("password", flat=True).first()
            done = super().handle(*args, **options)
            user = people.get()
            if user.password != before:
                password_set(user)
        return done
