from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from redress.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `redress backup DIR` into an empty database and the file "
        "storage (checksums checked first). --force replaces a database that holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the contents of a non-empty database"
        )

    def handle(self, *args: object, **options: object) -> None:
        directory = options["directory"]
        assert isinstance(directory, Path)
        try:
            manifest = backup_restore(directory, force=bool(options["force"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "restored the backup of %(created)s (Redress %(version)s); run `redress migrate` "
                "if this code is newer, then `redress audit verify`"
            )
            % {"created": manifest["created_at"], "version": manifest["redress"]}
        )
