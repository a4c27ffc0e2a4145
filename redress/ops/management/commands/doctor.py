from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from redress.ops.doctor import doctor_run


class Command(BaseCommand):
    help = (
        "Check this deployment (settings, database, Redis, storage, mail server, workers) and "
        "say what to fix; exits with an error when something is wrong."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the findings (default: the site's language).",
        )

    def handle(self, *args: object, **options: object) -> None:
        with translation.override(str(options["language"])):
            self._report()

    def _report(self) -> None:
        findings = doctor_run()
        for finding in findings:
            mark = _("ok") if finding.ok else _("FAIL")
            self.stdout.write(f"{mark:<4} {finding.name}: {finding.message}")
            if not finding.ok and finding.fix:
                self.stdout.write("     " + _("fix: %(fix)s") % {"fix": finding.fix})
        problems = [f for f in findings if not f.ok]
        if problems:
            raise CommandError(
                _("%(count)s problem(s): %(names)s")
                % {"count": len(problems), "names": ", ".join(f.name for f in problems)}
            )
        self.stdout.write(_("everything checked is in order"))
