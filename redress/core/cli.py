"""The ``redress`` command: Django's management commands plus ``serve`` and ``worker``.

redress serve [--with-worker] [--port N] [--bind HOST:PORT]
                                web server on http://127.0.0.1:8000 (gunicorn)
redress worker                  background tasks (Django Tasks, database backend)
redress seed --complaints N     realistic demo and volume data
redress audit verify            check the audit trail's hash chain
redress backup DIR              database, files and audit anchors, with a manifest
redress restore DIR [--force]   a backup back into an empty database and the file storage
redress doctor                  check this deployment and say what to fix
redress privacy erase --email ADDRESS --reason TEXT   erase a person's data (anonymise)
redress <any manage.py command>
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time


def _manage(argv: list[str]) -> None:
    # Imported here so that `redress serve`, which only starts gunicorn, does not load Django.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["redress", *argv])


def _serve_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="redress serve",
        description="Serve Redress with gunicorn; with --with-worker, also run the background worker.",
    )
    parser.add_argument(
        "--bind",
        default=os.environ.get("REDRESS_BIND", "127.0.0.1:8000"),
        help="address and port to listen on (default: REDRESS_BIND, else 127.0.0.1:8000)",
    )
    parser.add_argument("--port", type=int, help="port to listen on (replaces the port of --bind)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("REDRESS_WEB_WORKERS", "2")),
        help="web worker processes (default: REDRESS_WEB_WORKERS, else 2)",
    )
    parser.add_argument(
        "--with-worker", action="store_true", help="also run the background worker (redress worker)"
    )
    arguments = parser.parse_args(argv)
    host, _, port = arguments.bind.rpartition(":")
    if not host or not port.isdigit():
        parser.error(f"--bind must be HOST:PORT, not {arguments.bind!r}")
    arguments.host = host.strip("[]")
    arguments.port = arguments.port if arguments.port is not None else int(port)
    return arguments


def _port_taken(host: str, port: int) -> bool:
    """Whether something already listens on the address (binding it ourselves is refused)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _listening(host: str, port: int) -> bool:
    connect_to = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)  # noqa: S104
    try:
        with socket.create_connection((connect_to, port), timeout=0.5):
            return True
    except OSError:
        return False


def _serve(argv: list[str]) -> int:
    arguments = _serve_arguments(argv)
    host, port = arguments.host, arguments.port
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if _port_taken(host, port):
        print(
            f"Redress cannot start: {address} is already in use. Stop what is listening there, "
            "or choose another port with --port (or REDRESS_BIND).",
            file=sys.stderr,
        )
        return 2
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    web = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            address,
            "--workers",
            str(arguments.workers),
            "--access-logfile",
            "-",
        ]
    )
    children.append(web)
    signal.signal(signal.SIGTERM, stop)
    try:
        # "Running" is said only once the server answers, so that a script (or a person) that
        # waits for it can use it at once.
        deadline = time.monotonic() + 60
        while not _listening(host, port):
            if web.poll() is not None:
                print(
                    f"Redress did not start: the web server stopped ({web.returncode}).",
                    file=sys.stderr,
                )
                return web.returncode or 1
            if time.monotonic() > deadline:
                print(
                    "Redress did not start: the web server did not answer in 60 s.", file=sys.stderr
                )
                return 1
            time.sleep(0.2)
        if arguments.with_worker:
            children.append(
                subprocess.Popen([sys.executable, "-m", "redress.core.cli", "worker"])  # noqa: S603
            )
        print(f"Redress is running on http://{address}/  (Ctrl-C stops it)", flush=True)
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        for child in children:
            child.wait(timeout=10)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    argv = sys.argv[1:]
    if argv and argv[0] == "serve":
        sys.exit(_serve(argv[1:]))
    _manage(argv)


if __name__ == "__main__":
    main()
