"""Intake side by side with django-helpdesk (issue 19, item 5): alternating runs, one sitting.

    PEER_HOME=~/peer bash ../shared/bench-peer/setup.sh        # once: the peer's venv and site
    uv run python bench/intake_vs_peer.py --rounds 3            # peer, Redress, peer, Redress, ...
    uv run python bench/intake_vs_peer.py --rounds 2 --redress-args "--workers 3"

Each round runs the peer's own load (``loadgen.py intake --mode api``: 2,000 tickets through
``POST /api/tickets/`` with a DRF token, concurrency 8, gunicorn with 2 sync workers, from an
empty ticket table) and then Redress's (``bench/api_bench.py``: 2,000 complaints through
``POST /api/v1/complaints`` with an integration token, the same concurrency and workers, from
an empty register). The load average is read before each run, and each stack's server CPU per
item is counted the same way (its gunicorn workers and their PostgreSQL backends, from
``/proc``), the fairest figure on a shared machine. It prints one JSON line per run
and, at the end, the ratio of Redress's rate to the peer's in each round. Only 127.0.0.1 is
used; every server it starts is stopped.

Environment: ``PEER_HOME`` (default ``~/peer``), ``PEER_DB`` (the peer's database, default
``helpdesk``), ``REDRESS_BENCH_DB`` (Redress's, default ``redress_bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from api_bench import backends_of, cpu_seconds, server_pids  # the same CPU count for both stacks

ROOT = Path(__file__).resolve().parent.parent
KIT = Path(os.environ.get("PEER_KIT", ROOT.parent / "shared" / "bench-peer"))
PEER_HOME = Path(os.environ.get("PEER_HOME", Path.home() / "peer"))


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def last_json(text: str) -> dict[str, object]:
    """The last JSON object printed (api_bench prints one, indented; loadgen one per line)."""
    start = text.rfind("\n{")
    start = 0 if start < 0 and text.startswith("{") else start + 1
    return json.loads(text[start:])


def peer_run(count: int, concurrency: int, workers: int) -> dict[str, object]:
    python = str(PEER_HOME / "venv" / "bin" / "python")
    env = dict(os.environ)
    subprocess.run(
        [python, str(KIT / "bulkload.py"), "--tickets", "0"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    env["PEER_PORT"] = str(port)
    server = subprocess.Popen(  # noqa: S603
        [
            str(PEER_HOME / "venv" / "bin" / "gunicorn"),
            "peersite.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=PEER_HOME / "site",
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/tickets/submit/", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        before = load_average()
        # The server's CPU, as api_bench.py counts Redress's: its workers and their backends.
        database = os.environ.get("PEER_DB", "helpdesk")
        gunicorn_workers, backends = server_pids(server.pid), backends_of(database)
        cpu_before = (cpu_seconds(gunicorn_workers), cpu_seconds(backends))
        out = subprocess.run(
            [
                python,
                str(KIT / "loadgen.py"),
                "intake",
                "--mode",
                "api",
                "--n",
                str(count),
                "--conc",
                str(concurrency),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        new_backends = [pid for pid in backends_of(database) if pid not in backends]
        cpu_after = (
            cpu_seconds(gunicorn_workers),
            cpu_seconds(backends) + cpu_seconds(new_backends),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = last_json(out.stdout)
    return {
        "who": "django-helpdesk",
        "per_s": result["tickets_per_s"],
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "p99_ms": result["p99_ms"],
        "ok": result["ok"],
        "errors": result["errors"],
        "cpu_ms_per_complaint": {
            "gunicorn_workers": round((cpu_after[0] - cpu_before[0]) / count * 1000, 2),
            "postgresql": round((cpu_after[1] - cpu_before[1]) / count * 1000, 2),
        },
        "load_average_before": before,
    }


def redress_run(
    count: int, concurrency: int, workers: int, extra: list[str], root: Path = ROOT
) -> dict[str, object]:
    before = load_average()
    out = subprocess.run(
        [
            sys.executable,
            str(root / "bench" / "api_bench.py"),
            "--count",
            str(count),
            "--concurrency",
            str(concurrency),
            "--workers",
            str(workers),
            *extra,
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"api_bench.py failed:\n{out.stderr[-3000:]}")
    result = last_json(out.stdout)
    return {
        "who": "Redress" if root == ROOT else f"Redress at {root}",
        "per_s": result["complaints_per_s"],
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "p99_ms": result["p99_ms"],
        "ok": result["created"],
        "errors": result["complaints"] - result["created"],
        "cpu_ms_per_complaint": result["cpu_ms_per_complaint"],
        "load_average_before": before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="the peer's (and Redress's)")
    parser.add_argument(
        "--redress-args", default="", help="more arguments for api_bench.py (e.g. --workers 3)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout of Redress (an earlier commit) run after this one in each round",
    )
    args = parser.parse_args()
    extra = shlex.split(args.redress_args)
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for round_number in range(1, args.rounds + 1):
        peer = peer_run(args.count, args.concurrency, args.workers)
        print(json.dumps({"round": round_number, **peer}), flush=True)
        ours = redress_run(args.count, args.concurrency, args.workers, extra)
        print(json.dumps({"round": round_number, **ours}), flush=True)
        if args.before:
            earlier = redress_run(args.count, args.concurrency, args.workers, extra, args.before)
            print(json.dumps({"round": round_number, **earlier}), flush=True)
        ratios.append(round(float(ours["per_s"]) / float(peer["per_s"]), 2))
        # The fairest figure on a shared machine: the peer's server CPU per item over ours.
        cpu_ratios.append(
            round(
                peer["cpu_ms_per_complaint"]["gunicorn_workers"]  # type: ignore[index]
                / ours["cpu_ms_per_complaint"]["gunicorn_workers"],  # type: ignore[index]
                2,
            )
        )
    print(json.dumps({"ratios_redress_to_peer": ratios, "cpu_ratios": cpu_ratios}), flush=True)


if __name__ == "__main__":
    main()
