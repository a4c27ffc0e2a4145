"""``redress serve``: help without starting, a clear refusal when the port is taken, and
"running" said only once the server answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from redress.notifications.testing import free_port

pytestmark = pytest.mark.processes

SERVE = [sys.executable, "-m", "redress.core.cli", "serve"]


def _environment() -> dict[str, str]:
    return {**os.environ, "REDRESS_SECRET_KEY": "serve-test-" + "s" * 50}


def test_help_describes_the_options_and_starts_nothing():
    port = free_port()
    result = subprocess.run(  # noqa: S603
        [*SERVE, "--help", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=30,
        env=_environment(),
    )
    assert result.returncode == 0
    assert "--port" in result.stdout and "--with-worker" in result.stdout
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_taken_port_is_refused_with_the_reason():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [*SERVE, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env=_environment(),
        )
    assert result.returncode == 2
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "running" not in result.stdout


def test_a_malformed_bind_is_refused():
    result = subprocess.run(  # noqa: S603
        [*SERVE, "--bind", "localhost"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "--bind must be HOST:PORT" in result.stderr


def test_running_is_said_once_the_server_answers_on_the_chosen_port():
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*SERVE, "--bind", "127.0.0.1:1", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(),
    )
    try:
        assert server.stdout is not None
        started = time.monotonic()
        line = ""
        while "running" not in line and time.monotonic() - started < 60:
            line = server.stdout.readline()
            assert line or server.poll() is None, "the server stopped before it said running"
        assert f"running on http://127.0.0.1:{port}/" in line
        # Said only once listening: a connection made right after it is accepted.
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        server.terminate()
        # The worker finishes loading the application before it stops: on a loaded machine that
        # takes a while.
        server.wait(timeout=90)
    assert server.returncode == 0
