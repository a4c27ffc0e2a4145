"""The web server and the worker refuse to start with the public demo secret key unless
debugging (issue 16, finding 7); ``redress secret_key`` writes the machine's own key once."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from redress.core.startup import secret_key_check

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_key_is_refused_unless_debugging(settings):
    settings.SECRET_KEY = settings.DEMO_SECRET_KEY
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="REDRESS_SECRET_KEY"):
        secret_key_check()
    with pytest.raises(ImproperlyConfigured):
        call_command("worker", "--once")
    settings.DEBUG = True
    secret_key_check()


def _wsgi(
    tmp_path: Path, code: str = "import config.wsgi", **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDRESS_")}
    env.update(REDRESS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.processes
def test_the_web_server_starts_only_with_a_real_key(tmp_path):
    refused = _wsgi(tmp_path)
    assert refused.returncode != 0
    assert "demo secret key" in refused.stderr
    assert _wsgi(tmp_path, REDRESS_SECRET_KEY="x" * 60).returncode == 0
    # With REDRESS_DEBUG=1 it starts on the demo key: the next test starts it so.


@pytest.mark.processes
def test_the_web_server_freezes_what_it_loaded_out_of_the_collectors_reach(tmp_path):
    """A full garbage collection in a serving process walks only what requests left behind,
    not the modules, settings and URL patterns loaded at start (a pause of 70–145 ms before).
    Among them the libraries the code imports only where it uses them (scikit-learn for the
    duplicates at intake, pypdf for attachments), so that no request waits seconds for them,
    while a management command does not load them at all. Started when debugging, on the
    demo key."""
    code = (
        "import gc, sys, django; django.setup(); lazy = 'sklearn' in sys.modules; "
        "import config.wsgi; print(lazy, 'sklearn' in sys.modules, 'pypdf' in sys.modules, "
        "gc.get_freeze_count())"
    )
    started = _wsgi(tmp_path, code, REDRESS_DEBUG="1")
    assert started.returncode == 0, started.stderr
    lazy, sklearn_loaded, pypdf_loaded, frozen = started.stdout.split()[-4:]
    assert (lazy, sklearn_loaded, pypdf_loaded) == ("False", "True", "True")
    assert int(frozen) > 50_000


@pytest.mark.processes
def test_secret_key_writes_a_private_key_once_and_the_settings_read_it(settings, tmp_path):
    settings.SECRET_KEY_FILE = tmp_path / "secret-key"
    call_command("secret_key", stdout=io.StringIO())
    first = settings.SECRET_KEY_FILE.read_text().strip()
    assert len(first) >= 64
    assert stat.S_IMODE(settings.SECRET_KEY_FILE.stat().st_mode) == 0o600
    call_command("secret_key", stdout=io.StringIO())
    assert settings.SECRET_KEY_FILE.read_text().strip() == first
    # A server started with that folder finds the key without REDRESS_SECRET_KEY.
    assert _wsgi(tmp_path).returncode == 0
