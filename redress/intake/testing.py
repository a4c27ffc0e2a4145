"""A real IMAP server for tests: a private Dovecot instance on 127.0.0.1.

Debian's ``dovecot-imapd`` package provides the server (``.ci/run`` installs it); each test
session runs its own instance as the current user from a temporary directory, with one
mailbox account and plain-text login on loopback only.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from redress.notifications.testing import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


class Dovecot:
    """Start with ``start()``; ``append`` puts a raw message in a folder (as a mail server
    would deliver it); ``stop()`` ends the server (and ``start()`` brings it back)."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        user: str = "khieunai",
        password: str = "mat-khau-thu",  # noqa: S107 - a throw-away test server
    ):
        # Its own folder under the system's temporary directory: Dovecot's unprivileged
        # processes must be able to reach it (pytest's folders are private to their user).
        self.root = root or Path(tempfile.mkdtemp(prefix="redress-dovecot-"))
        self.user = user
        self.password = password
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._write_config()

    def _write_config(self) -> None:
        (self.root / "run").mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        if os.getuid() == 0:
            # As root, Dovecot runs its login and mail processes as its own unprivileged users.
            me, login = "dovecot", "dovenull"
            mail_uid, mail_gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
            for path in (self.root, self.root / "home"):
                os.chmod(path, 0o755)  # noqa: S103 - Dovecot's own users must reach its folder
            os.chown(self.root / "home", mail_uid, mail_gid)
        else:
            me = login = pwd.getpwuid(os.getuid()).pw_name
            mail_uid, mail_gid = os.getuid(), os.getgid()
        group = grp.getgrgid(mail_gid).gr_name
        (self.root / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{mail_uid}:{mail_gid}::{self.root}/home/{self.user}\n"
        )
        (self.root / "dovecot.conf").write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/run
instance_name = redress-test-{self.port}
log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {me}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {me}
}}
service stats {{
  unix_listener stats-reader {{
    user = {me}
  }}
  unix_listener stats-writer {{
    user = {me}
  }}
}}
"""
        )

    def start(self) -> Dovecot:
        if not os.path.exists(DOVECOT):
            raise RuntimeError(
                "The IMAP tests need Dovecot: apt-get install dovecot-imapd (.ci/run installs it)."
            )
        self._process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own config
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"dovecot stopped: {self._process.stderr.read().decode() if self._process.stderr else ''}{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start on port {self.port}: {self.log()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, *, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            if folder != "INBOX":
                client.create(folder)
            status, detail = client.append(folder, None, None, raw)
            assert status == "OK", detail
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        client = self.client()
        try:
            client.select(folder, readonly=True)
            _status, data = client.uid("fetch", "1:*", "(FLAGS)")
            return [item for item in data if item]
        finally:
            client.logout()

    def clear(self, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.select(folder)
            client.store("1:*", "+FLAGS", r"(\Deleted)")
            client.expunge()
        except imaplib.IMAP4.error:
            pass
        finally:
            client.logout()
