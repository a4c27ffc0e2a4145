from django.core.management.base import BaseCommand, CommandError

from redress.ops.doctor import doctor_run


class Command(BaseCommand):
    help = (
        "Check this deployment (settings, database, Redis, storage, mail server, workers) and "
        "say what to fix; exits with an error when something is wrong."
    )

    def handle(self, *args: object, **options: object) -> None:
        findings = doctor_run()
        for finding in findings:
            mark = "ok  " if finding.ok else "FAIL"
            self.stdout.write(f"{mark} {finding.name}: {finding.message}")
            if not finding.ok and finding.fix:
                self.stdout.write(f"     fix: {finding.fix}")
        problems = [f for f in findings if not f.ok]
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s): " + ", ".join(f.name for f in problems)
            )
        self.stdout.write("everything checked is in order")
