from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from redress.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database, the attachments and the audit anchors into DIR (a new or empty "
        "directory), with a manifest of versions and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        directory = options["directory"]
        assert isinstance(directory, Path)
        try:
            result = backup_create(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "backup written to %(folder)s: %(files)s files, %(media)s of them attachments "
                "and other stored files"
            )
            % {"folder": result.directory, "files": result.files, "media": result.media_files}
        )
