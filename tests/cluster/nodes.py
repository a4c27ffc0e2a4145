"""The parts of the test cluster (tests/cluster/cluster.py): its own PostgreSQL, Redis, an SMTP
server, two gunicorn app servers behind nginx, two RQ workers, each started and stopped on call;
the attachment storage on a small filesystem of its own that can be filled or made read-only."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests
from receivers import Hooks, Smtp, free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CONCURRENCY = 8


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait_for(condition: Callable[[], bool], seconds: float, every: float = 0.2) -> bool:
    """Poll ``condition`` until it holds (True) or ``seconds`` pass (False): no fixed sleeps."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# --- the cluster ---------------------------------------------------------------------


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


@dataclass
class Cluster:
    tmp: Path
    smtp: Smtp
    # The checkout whose code the app servers and workers run (another release's for the
    # upgrade test); the cluster's own files (nginx site) always come from this checkout.
    code: Path = ROOT
    hooks: Hooks = field(default_factory=Hooks)
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    proxy_port: int = field(default_factory=free_port)
    app_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    apps: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    workers: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    redis: subprocess.Popen | None = None
    restarts: int = 0
    nginx: subprocess.Popen | None = None
    media_mounted: bool = False

    @property
    def pgdata(self) -> Path:
        return self.tmp / "pgdata"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def env(self) -> dict[str, str]:
        shared = self.tmp / "shared"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/redress",
            "REDRESS_DB_CONN_MAX_AGE": "0",
            "REDRESS_TASKS": "rq",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "REDRESS_CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "REDRESS_SECRET_KEY": self.secret,
            "REDRESS_VAR_DIR": str(self.tmp / "var"),
            "REDRESS_MEDIA_ROOT": str(shared / "media"),
            "REDRESS_AUDIT_ANCHOR_FILE": str(shared / "audit-anchors.log"),
            "REDRESS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REDRESS_CSRF_TRUSTED_ORIGINS": self.base,
            "REDRESS_PUBLIC_URL": self.base,
            "REDRESS_PROXY_COUNT": "1",
            "REDRESS_EMAIL_HOST": "127.0.0.1",
            "REDRESS_EMAIL_PORT": str(self.smtp.port),
            "REDRESS_EMAIL_TIMEOUT": "5",
            "REDRESS_OUTBOX_RETRY_SECONDS": "2",
            "REDRESS_OUTBOX_LEASE_SECONDS": "10",
            "REDRESS_PORTAL_SUBMIT_RATE": "100000/60",
            "REDRESS_PORTAL_TRACK_RATE": "100000/60",
            "REDRESS_LOG_LEVEL": "WARNING",
            # Mail in through the inbound-mail webhook (docs/email.md), from many senders.
            "REDRESS_MAIL_WEBHOOK_SECRET": self.mail_secret,
            "REDRESS_MAIL_SENDER_LIMIT": "0",
        }

    secret: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    mail_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def manage(
        self, *argv: str, check: bool = True, code: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *argv],
            cwd=code or self.code,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(argv)}: {result.stderr[-2000:]}")
        return result

    def spawn(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process
        return subprocess.Popen(  # noqa: S603
            argv, cwd=kwargs.pop("cwd", self.code), stdout=out, stderr=subprocess.STDOUT, **kwargs
        )

    def sql(self, query: str, *params: Any) -> list[tuple]:
        """Rows of a query on the cluster's database, read directly (starting Django for each
        look would cost seconds of CPU)."""
        dsn = f"host=127.0.0.1 port={self.pg_port} user=postgres dbname=redress"
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
            return connection.execute(query, params).fetchall()  # type: ignore[arg-type]

    # The attachment storage: a filesystem of its own (tmpfs, 16 MB), so that the test can fill
    # it (ENOSPC) or make it read-only (EROFS) as a real disk does. Mounting needs root.
    @property
    def media(self) -> Path:
        return self.tmp / "shared" / "media"

    def storage_mount(self) -> None:
        self.media.mkdir(parents=True, exist_ok=True)
        mounted = subprocess.run(  # noqa: S603
            ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "redress-media", str(self.media)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        self.media_mounted = mounted.returncode == 0
        if not self.media_mounted:
            log(f"attachment storage not on a filesystem of its own: {mounted.stderr.strip()}")

    def storage_break(self, how: str) -> None:
        """``full``: fill the storage's filesystem to the last byte; ``read-only``: remount it
        read-only."""
        if how == "full":
            descriptor = os.open(self.media / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                for size in (1 << 20, 4096, 1):  # to the last byte that fits
                    try:
                        while True:
                            os.write(descriptor, bytes(size))
                    except OSError:
                        pass
            finally:
                os.close(descriptor)
        else:
            self.remount("ro")

    def storage_mend(self, how: str) -> None:
        if how == "full":
            (self.media / "filler").unlink()
        else:
            self.remount("rw")

    def remount(self, mode: str) -> None:
        subprocess.run(  # noqa: S603
            ["mount", "-o", f"remount,{mode}", str(self.media)],  # noqa: S607
            check=True,
            capture_output=True,
        )

    # PostgreSQL, our own instance: restarting it touches nobody else on the machine.
    def postgres_init(self) -> None:
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
            shutil.chown(self.pgdata, "postgres")
        subprocess.run(  # noqa: S603
            as_postgres(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def postgres(self, action: str) -> None:
        options = f"-p {self.pg_port} -k {self.pgdata} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
        subprocess.run(  # noqa: S603
            as_postgres(
                [
                    pg_bin("pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-o",
                    options,
                    "-w",
                    "-m",
                    "fast",
                    "-l",
                    str(self.pgdata / "server.log"),
                    action,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def redis_start(self) -> None:
        self.redis = self.spawn(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
        )
        wait_port(self.redis_port)

    def redis_stop(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
            self.redis = None

    def app_start(self, index: int, wait: bool = True) -> None:
        self.apps[index] = self.spawn(
            f"app{index + 1}",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.app_ports[index]}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--graceful-timeout",
                "10",
                # As deploy/systemd/redress-web.service: the port opens once the code is loaded,
                # so the proxy does not queue requests on a server that is still starting.
                "--preload",
            ],
            env=self.env(),
        )
        if wait:
            wait_port(self.app_ports[index])

    def app_back(self, index: int) -> None:
        """Start an app server and wait until it is back in service: ready (``/readyz``, as a
        load balancer checks) and sent requests by the proxy again — which sets a server aside
        for ``fail_timeout`` after a failure. Restarting the next one before that would leave
        the proxy none."""
        self.app_start(index)
        port = self.app_ports[index]

        def ready() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).ok
            except requests.RequestException:
                return False

        wait_for(ready, 90, every=0.5)
        log_file = self.tmp / "nginx" / "access.log"
        start = log_file.stat().st_size
        served = re.compile(rf" [234]\d\d 127\.0\.0\.1:{port} ")

        def proxied() -> bool:
            with log_file.open("rb") as lines:
                lines.seek(start)
                return bool(served.search(lines.read().decode(errors="replace")))

        wait_for(proxied, 30, every=0.5)

    def app_stop(self, index: int) -> None:
        app = self.apps[index]
        if app is not None:
            app.terminate()  # graceful: in-flight requests finish
            app.wait(30)
            self.apps[index] = None

    def worker_start(self, index: int) -> None:
        # In its own process group: SIGKILL then takes rqworker's work horse (its child) too.
        self.workers[index] = self.spawn(
            f"worker{index + 1}",
            [PYTHON, "manage.py", "worker", "--sweep-interval", "5"],
            env=self.env(),
            start_new_session=True,
        )

    def supervise(self, stop: threading.Event) -> threading.Thread:
        """Restart a worker that exited, 2 s later, as systemd does for
        deploy/systemd/redress-worker@.service (Restart=always, RestartSec=2): a worker that
        loses Redis other than while waiting for a task may exit."""

        def run() -> None:
            while not stop.wait(2):
                for index, worker in enumerate(self.workers):
                    if worker is not None and worker.poll() is not None:
                        log(f"worker {index + 1} exited ({worker.returncode}); restarted")
                        self.restarts += 1
                        self.worker_start(index)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def worker_kill(self, index: int) -> None:
        worker, self.workers[index] = self.workers[index], None  # not for the supervisor
        if worker is not None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)

    def nginx_start(self) -> None:
        site = (ROOT / "deploy" / "nginx" / "redress.conf").read_text()
        upstream = "\n".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.app_ports
        )
        # The site file of deploy/ with this run's ports, plain HTTP (TLS is not the test).
        site = re.sub(
            r"upstream redress_app \{.*?\}",
            "upstream redress_app {\n" + upstream + "\n}",
            site,
            flags=re.S,
        )
        site = site.split("# --- TLS ---")[0]
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.proxy_port};")
        site = site.replace("listen [::]:80;", "")
        site = site.replace("/srv/redress/static/", f"{self.tmp}/var/static/")
        site = site.replace("return 301 https://$host$request_uri;", "")
        (self.tmp / "nginx").mkdir()
        conf = f"""
daemon off;
worker_processes 2;
pid {self.tmp}/nginx/nginx.pid;
error_log {self.tmp}/nginx/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    log_format cluster '$time_local $status $upstream_addr $upstream_status "$request"';
    access_log {self.tmp}/nginx/access.log cluster;
    client_body_temp_path {self.tmp}/nginx/body;
    proxy_temp_path {self.tmp}/nginx/proxy;
    fastcgi_temp_path {self.tmp}/nginx/fastcgi;
    uwsgi_temp_path {self.tmp}/nginx/uwsgi;
    scgi_temp_path {self.tmp}/nginx/scgi;
{site}
}}
"""
        (self.tmp / "nginx" / "nginx.conf").write_text(conf)
        self.nginx = self.spawn(
            "nginx",
            ["nginx", "-c", str(self.tmp / "nginx" / "nginx.conf"), "-p", str(self.tmp / "nginx")],
        )
        wait_port(self.proxy_port)

    def up(self, *users: str) -> list[str]:
        """Start every part; an API token for each of ``users``."""
        log(f"PostgreSQL on {self.pg_port}, Redis on {self.redis_port}, SMTP on {self.smtp.port}")
        self.postgres_init()
        self.postgres("start")
        subprocess.run(  # noqa: S603
            [
                pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "postgres",
                "redress",
            ],
            check=True,
        )
        self.redis_start()
        self.smtp.start()
        self.storage_mount()
        log("migrate")
        self.manage("migrate", "--noinput", "-v", "0")
        # The app servers and workers start while one process makes the demo organisation,
        # the webhook subscription and the tokens (each start of Django costs seconds).
        for index in (0, 1):
            self.app_start(index, wait=False)
            self.worker_start(index)
        self.nginx_start()
        log("demo organisation, webhook subscription, tokens")
        tokens = self.setup(users)
        for port in self.app_ports:
            wait_port(port)
        log(f"nginx on {self.proxy_port} in front of app servers on {self.app_ports}; two workers")
        return tokens

    def rq_finished(self) -> int:
        """Tasks the RQ workers finished since Redis last started (it keeps nothing across a
        restart): more than 0 after the Redis fault shows the workers serve tasks again."""
        import redis
        from rq.registry import FinishedJobRegistry

        connection = redis.Redis(host="127.0.0.1", port=self.redis_port)
        return FinishedJobRegistry("default", connection=connection).count

    def setup(self, users: tuple[str, ...]) -> list[str]:
        """The demo organisation (units, one user per role), a webhook subscription to the
        test's receiver and an API token for each user, in one process."""
        script = (
            "from django.core.management import call_command\n"
            "from redress.integrations.models import WebhookSubscription as W\n"
            "call_command('demo', complaints=0, verbosity=0)\n"
            f"W.objects.create(name='cluster', url={self.hooks.url!r}, secret='s' * 32, "
            "events=['complaint.received', 'complaint.status_changed'])\n"
        ) + "".join(
            f"call_command('token', 'create', '--user', {user!r}, '--name', 'cluster {user}', "
            f"'--scopes', 'read,write,actions', '--rate', '100000')\n"
            for user in users
        )
        out = self.manage("shell", "-c", script).stdout
        return re.findall(r"rdr_[A-Za-z0-9_\-]+", out)

    def down(self) -> None:
        for index in (0, 1):
            worker = self.workers[index]
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        if self.nginx is not None:
            self.nginx.terminate()
        for index in (0, 1):
            app = self.apps[index]
            if app is not None:
                app.terminate()
        for proc in [*self.workers, self.nginx, *self.apps]:
            if proc is not None:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.redis_stop()
        self.smtp.stop()
        self.hooks.stop()
        if self.media_mounted:
            subprocess.run(["umount", "-l", str(self.media)], check=False, capture_output=True)  # noqa: S603, S607
        if self.pgdata.exists():
            subprocess.run(  # noqa: S603
                as_postgres([pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"]),
                check=False,
                capture_output=True,
            )
