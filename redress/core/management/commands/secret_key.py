"""``redress secret_key``: write this machine's own secret key to var/secret-key, once."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write a random secret key to var/secret-key unless one is there already."

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.SECRET_KEY_FILE
        if path.is_file() and path.read_text().strip():
            self.stdout.write(f"{path} is already there; it is kept.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Only this user may read it (0600), written before anything can use it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
        self.stdout.write(f"wrote a new secret key to {path}")
