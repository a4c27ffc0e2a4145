from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from redress.intake.seed import seed_complaints, seed_jobs_default


class Command(BaseCommand):
    help = "Generate realistic bilingual complaints over the last 24 months (demo and volume data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--complaints", type=int, default=200, help="how many complaints (default 200)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes generating batches (default: every core on PostgreSQL, 1 on SQLite)",
        )

    def handle(self, *args: object, **options: int) -> None:
        jobs = options["jobs"] or seed_jobs_default()
        with tqdm(
            total=options["complaints"], unit="complaint", disable=options["verbosity"] == 0
        ) as bar:
            result = seed_complaints(
                options["complaints"],
                seed=options["seed"],
                batch=options["batch"],
                jobs=jobs,
                progress=bar.update,
            )
        self.stdout.write(
            f"{result.complaints} complaints, {result.events} events in {result.seconds:.1f} s "
            f"({result.complaints / max(result.seconds, 0.001):.0f} complaints/s)"
        )
