"""``redress token create|list|revoke``: API tokens from the command line.

    redress token create --user an.nguyen --name "Tổng đài" --scopes read,write,actions \\
        --integration call-centre --expires-days 365
    redress token list [--user an.nguyen]
    redress token revoke rdr_AbCdEfGh
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.integrations.models import ApiToken, Scope
from redress.integrations.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scopes",
            default=Scope.READ,
            help=f"Comma-separated, among {', '.join(Scope.values)} (default: read).",
        )
        create.add_argument(
            "--integration",
            metavar="SOURCE_SYSTEM",
            default="",
            help="An integration token for this system.",
        )
        create.add_argument("--expires-days", type=int, default=None)
        create.add_argument(
            "--rate", type=int, default=600, help="Requests per minute (default 600)."
        )
        listing = sub.add_parser("list", help="List tokens (never their values).")
        listing.add_argument("--user", default="")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix (rdr_xxxxxxxx).")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        match options["subcommand"]:
            case "create":
                self._create(actor, options)
            case "list":
                self._list(options["user"])
            case "revoke":
                token = ApiToken.objects.filter(prefix=options["prefix"]).first()
                if token is None:
                    raise CommandError(f"No token with prefix {options['prefix']!r}.")
                token_revoke(token=token, actor=actor)
                self.stdout.write(f"Revoked {token}.")

    def _create(self, actor: Actor, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        expires = (
            timezone.now() + dt.timedelta(days=options["expires_days"])
            if options["expires_days"]
            else None
        )
        try:
            created = token_create(
                actor=actor,
                user=user,
                name=options["name"],
                scopes=[s.strip() for s in options["scopes"].split(",") if s.strip()],
                kind=ApiToken.Kind.INTEGRATION
                if options["integration"]
                else ApiToken.Kind.PERSONAL,
                source_system=options["integration"],
                expires_at=expires,
                rate_limit_per_minute=options["rate"],
            )
        except ApplicationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from None
        self.stderr.write(
            f"Token {created.token.name!r} for {user.username} ({', '.join(created.token.scopes)}). "
            "Copy it now; it is not shown again:"
        )
        self.stdout.write(created.raw)

    def _list(self, username: str) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = (
                "revoked"
                if token.revoked_at
                else (
                    "expired" if token.expires_at and token.expires_at <= timezone.now() else "live"
                )
            )
            used = (
                token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
            )
            self.stdout.write(
                f"{token.prefix}  {state:8} {token.user.username:20} {','.join(token.scopes):20} used {used}  {token.name}"
            )
