from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from redress.complaints.models import Complaint
from redress.intake.seed import DEMO_PASSWORD, DEMO_USERS, demo_organisation
from redress.intake.seed.demo_notices import demo_notices_settle
from redress.intake.seed.framework_demo import demo_management_system


class Command(BaseCommand):
    help = "Load the demo organisation and ~200 complaints (once), then print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, default=200)

    def handle(self, *args: object, **options: int) -> None:
        users = demo_organisation()
        if not Complaint.objects.exists():
            call_command("seed", complaints=options["complaints"], verbosity=0)
            # Generated complaints bypass the services, so their clocks are rebuilt from their
            # events: the demo queues then show real deadlines, near-due and overdue work.
            call_command("sla", "rebuild", verbosity=0)
            # ... and what their past deadlines owe is filed, read, not announced at sign-in.
            demo_notices_settle()
        demo_management_system(users)
        self.stdout.write("")
        self.stdout.write("Redress demo — http://127.0.0.1:8000/  (staff: /staff/, admin: /admin/)")
        self.stdout.write(f"Every demo login has the password: {DEMO_PASSWORD}")
        for username, name, role, unit in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label!s:<22} {name} ({unit})")
        self.stdout.write("")
