"""How long `redress seed` takes on PostgreSQL for 100,000 and 1,000,000 complaints.

Run by hand (never in the test suite): `uv run python bench/seed_bench.py [N ...]`.
Each size gets a fresh database `redress_seedbench`, migrated, then seeded; the wall time of the
seed alone is reported, with the rows written. Results go in bench/seed.md.
"""

import os
import subprocess
import sys
import time

BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "redress_seedbench")


def run(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    for size in sizes:
        subprocess.run(
            ["psql", f"{BASE}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"], check=True
        )
        subprocess.run(["psql", f"{BASE}/postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
        env = {**os.environ, "DATABASE_URL": f"{BASE}/{DB}"}
        run(sys.executable, "manage.py", "migrate", "-v0", env=env)
        started = time.monotonic()
        out = run(
            sys.executable,
            "manage.py",
            "seed",
            "--complaints",
            str(size),
            "--verbosity",
            "1",
            env=env,
        )
        seconds = time.monotonic() - started
        counts = run(
            "psql",
            f"{BASE}/{DB}",
            "-Atc",
            "select (select count(*) from complaints_complaint), (select count(*) from complaints_complaintevent),"
            " pg_size_pretty(pg_database_size(current_database()))",
            env=env,
        ).strip()
        print(
            f"{size:>9} complaints: {seconds:6.1f} s wall ({size / seconds:,.0f}/s); complaints|events|db size: {counts}"
        )
        print("   ", out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
