"""``manage.py check --deploy`` finds nothing with the production settings of docs/security.md
(issue 16): HTTPS behind the proxy, HSTS with preload, secure cookies, a real secret key, debug
off, the site's host names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.processes

PRODUCTION = {
    "REDRESS_SECRET_KEY": "k3Y-" + "x7Qp9" * 12,
    "REDRESS_DEBUG": "0",
    "REDRESS_ALLOWED_HOSTS": "khieunai.example.vn",
    "REDRESS_CSRF_TRUSTED_ORIGINS": "https://khieunai.example.vn",
    "REDRESS_PUBLIC_URL": "https://khieunai.example.vn",
    "REDRESS_BEHIND_HTTPS_PROXY": "1",
    "REDRESS_PROXY_COUNT": "1",
    "REDRESS_SECURE_COOKIES": "1",
    "REDRESS_HSTS_SECONDS": "31536000",
    "REDRESS_HSTS_PRELOAD": "1",
}


def test_the_deployment_check_is_clean_with_the_production_settings(tmp_path):
    env = {**os.environ, **PRODUCTION, "REDRESS_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    done = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_settings_the_check_says_so(tmp_path):
    env = {**os.environ, "REDRESS_SECRET_KEY": PRODUCTION["REDRESS_SECRET_KEY"]}
    env.update(REDRESS_DEBUG="0", REDRESS_VAR_DIR=str(tmp_path))
    for name in ("REDRESS_SECURE_COOKIES", "REDRESS_HSTS_SECONDS", "REDRESS_BEHIND_HTTPS_PROXY"):
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "security.W012" in done.stderr + done.stdout  # SESSION_COOKIE_SECURE
