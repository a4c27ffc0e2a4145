"""The ``redress`` command: Django's management commands plus ``serve`` and ``worker``.

redress serve [--with-worker]   web server on http://127.0.0.1:8000 (gunicorn)
redress worker                  background tasks (Django Tasks, database backend)
redress seed --complaints N     realistic demo and volume data
redress audit verify            check the audit trail's hash chain
redress privacy erase --email ADDRESS --reason TEXT   erase a person's data (anonymise)
redress <any manage.py command>
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _manage(argv: list[str]) -> None:
    # Imported here so that `redress serve`, which only starts gunicorn, does not load Django.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["redress", *argv])


def _serve(argv: list[str]) -> int:
    bind = os.environ.get("REDRESS_BIND", "127.0.0.1:8000")
    workers = os.environ.get("REDRESS_WEB_WORKERS", "2")
    children: list[subprocess.Popen[bytes]] = []
    if "--with-worker" in argv:
        children.append(subprocess.Popen([sys.executable, "-m", "redress.core.cli", "worker"]))  # noqa: S603
    web = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            workers,
            "--access-logfile",
            "-",
        ]
    )
    children.append(web)
    print(f"Redress is running on http://{bind}/  (Ctrl-C stops it)", flush=True)

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
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
