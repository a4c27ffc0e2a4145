"""The multi-node test (``make cluster-test``, docs/deployment.md "Cluster test").

On this machine, in a temporary directory, it starts the layout of docs/deployment.md: its own
PostgreSQL (initdb, on a free port), its own Redis, an SMTP server (aiosmtpd), two gunicorn app
servers on different loopback ports, nginx in front of them, and two RQ workers. It drives a
mixed load through nginx — portal submissions, API intake with Idempotency-Keys at concurrency
8, staff actions through the API — while it injects faults one after another: an app server
stopped, a worker killed with SIGKILL while mail is being sent, the SMTP server down then back,
Redis restarted, PostgreSQL restarted in the middle of intake. Clients retry as a real
integration does (same Idempotency-Key, same portal form token). At the end it checks that
every accepted complaint is there once, every receipt reached the SMTP server (once per
complaint, counted by Message-ID) and the audit chain verifies, and prints the figures.

Exit status 0 when every check holds. ``--no-faults`` runs the load alone; ``--keep`` leaves
the temporary directory (logs of every process) for a look.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import email
import email.policy
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CONCURRENCY = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


# --- SMTP -------------------------------------------------------------------------------


class Collector:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        with self.lock:
            self.received.append(bytes(envelope.original_content))
        return "250 Message accepted for delivery"


class Smtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[email.message.EmailMessage]:
        with self.collector.lock:
            raws = list(self.collector.received)
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]  # type: ignore[misc]


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
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    proxy_port: int = field(default_factory=free_port)
    app_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    apps: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    workers: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    redis: subprocess.Popen | None = None
    restarts: int = 0
    nginx: subprocess.Popen | None = None

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
        }

    secret: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    def manage(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *argv],
            cwd=ROOT,
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
            argv, cwd=kwargs.pop("cwd", ROOT), stdout=out, stderr=subprocess.STDOUT, **kwargs
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

    def app_start(self, index: int) -> None:
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
            ],
            env=self.env(),
        )
        wait_port(self.app_ports[index])

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
        deploy/systemd/redress-worker@.service (Restart=always, RestartSec=2): an RQ worker
        exits when it loses Redis."""

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
    access_log {self.tmp}/nginx/access.log;
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

    def up(self) -> None:
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
        log("migrate")
        self.manage("migrate", "--noinput", "-v", "0")
        log("demo organisation")
        self.manage("demo", "--complaints", "0")
        for index in (0, 1):
            self.app_start(index)
        self.nginx_start()
        for index in (0, 1):
            self.worker_start(index)
        log(f"nginx on {self.proxy_port} in front of app servers on {self.app_ports}; two workers")

    def tokens(self, *users: str) -> list[str]:
        """An API token for each user, made in one process (each start of Django costs)."""
        script = "from django.core.management import call_command\n" + "".join(
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
        if self.pgdata.exists():
            subprocess.run(  # noqa: S603
                as_postgres([pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"]),
                check=False,
                capture_output=True,
            )


# --- load --------------------------------------------------------------------------


@dataclass
class Figures:
    requests: int = 0
    retries: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    api_keys: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> reference
    portal: dict[str, str] = field(default_factory=dict)  # form token -> reference
    actions: int = 0
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None, retry: bool) -> None:
        with self.lock:
            self.requests += 1
            self.retries += retry
            self.answers[status or 0] += 1


def with_retries(figures: Figures, send, attempts: int = 40):
    """Send until an answer that is not a failure of the infrastructure; as an integration
    retries: the same key, backing off up to 2 s."""
    for attempt in range(attempts):
        try:
            response = send()
            status = response.status_code
        except requests.RequestException:
            response, status = None, None
        figures.count(status, attempt > 0)
        if status is not None and status < 500 and status != 429:
            return response
        time.sleep(min(2.0, 0.2 * (attempt + 1)))
    return None


def api_intake(cluster: Cluster, token: str, figures: Figures, number: int) -> None:
    key = f"cluster-{uuid.uuid4()}"
    body = {
        "complainant": {"full_name": f"Khách hàng {number}", "email": f"kh{number}@example.test"},
        "channel": "phone",
        "unit": "care",
        "subject": f"Hóa đơn bị tính hai lần ({number})",
        "description": f"Tôi bị trừ tiền hai lần cho hóa đơn HD-{number}.",
    }
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/api/v1/complaints", json=body, headers=headers, timeout=30
        ),
    )
    if response is None or response.status_code not in (200, 201):
        figures.failed.append(
            f"api {key}: {'no answer' if response is None else response.text[:200]}"
        )
        return
    with figures.lock:
        figures.api_keys[key] = response.json()["reference"]


def portal_submission(cluster: Cluster, figures: Figures, number: int) -> None:
    session = requests.Session()
    page = with_retries(figures, lambda: session.get(f"{cluster.base}/vi/complain/", timeout=30))
    if page is None:
        figures.failed.append(f"portal form {number}")
        return
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    data = {
        "csrfmiddlewaretoken": csrf,
        "form_token": token,
        "hp_contact": "",
        "on_behalf": "self",
        "full_name": f"Người dân {number}",
        "email": f"dan{number}@example.test",
        "phone": "",
        "preferred_channel": "email",
        "preferred_language": "vi",
        "subject": f"Dịch vụ bị gián đoạn ({number})",
        "description": f"Dịch vụ của tôi bị gián đoạn từ hôm qua, mã khách hàng {number}.",
        "consent": "on",
    }
    # The complainant presses "send" again until the receipt shows: the same form (its token)
    # lands on the same complaint, however the first sending ended.
    found = None
    for _again in range(10):
        response = with_retries(
            figures,
            lambda: session.post(
                f"{cluster.base}/vi/complain/",
                data=data,
                timeout=30,
                headers={"Referer": f"{cluster.base}/vi/complain/"},
            ),
        )
        found = re.search(r"KN-\d{4}-\d{6}", response.text) if response is not None else None
        if found is not None:
            break
        with figures.lock:
            figures.retries += 1  # the next sending is a retry
        time.sleep(1)
    if found is None:
        figures.failed.append(
            f"portal {number}: {None if response is None else response.status_code}"
        )
        return
    with figures.lock:
        figures.portal[token] = found.group(0)


def staff_action(cluster: Cluster, token: str, figures: Figures) -> None:
    with figures.lock:
        references = list(figures.api_keys.values())[-20:]
    if not references:
        return
    reference = secrets.choice(references)
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/api/v1/complaints/{reference}/actions/acknowledge",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ),
    )
    if response is not None and response.status_code == 200:
        with figures.lock:
            figures.actions += 1


def drive(cluster: Cluster, figures: Figures, seconds: float, intake: str, staff: str) -> None:
    """A mixed load at concurrency 8 for ``seconds``: 6 parts API intake, 2 portal, 1 action."""
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client(slot: int) -> None:
        while time.monotonic() < stop:
            number = next(counter)
            kind = number % 9
            if kind < 6:
                api_intake(cluster, intake, figures, number)
            elif kind < 8:
                portal_submission(cluster, figures, number)
            else:
                staff_action(cluster, staff, figures)

    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(client, range(CONCURRENCY)))


# --- faults ------------------------------------------------------------------------


def faults(cluster: Cluster, stop: threading.Event) -> list[str]:
    done: list[str] = []

    def pause(seconds: float) -> bool:
        return not stop.wait(seconds)

    def run() -> None:
        if not pause(4):
            return
        log("fault: app server 1 stopped under load")
        cluster.app_stop(0)
        done.append("app server stopped")
        if not pause(5):
            return
        cluster.app_start(0)
        log("app server 1 back")
        log("fault: worker 1 killed with SIGKILL")
        cluster.worker_kill(0)
        done.append("worker SIGKILL")
        if not pause(3):
            return
        cluster.worker_start(0)
        log("fault: SMTP server down")
        cluster.smtp.stop()
        done.append("SMTP down")
        if not pause(8):
            return
        cluster.smtp.start()
        log("SMTP back; fault: Redis restarted")
        cluster.redis_stop()
        done.append("Redis restarted")
        time.sleep(2)
        cluster.redis_start()
        if not pause(4):
            return
        log("fault: PostgreSQL restarted mid-intake")
        cluster.postgres("restart")
        done.append("PostgreSQL restarted")
        log("PostgreSQL back")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.done = done  # type: ignore[attr-defined]
    return done


# --- checks ------------------------------------------------------------------------

REPORT = """
import json
from redress.complaints.models import Complaint
from redress.notifications.models import OutboundEmail
print(json.dumps({
    "complaints": list(Complaint.objects.values_list("reference", flat=True)),
    "subjects": list(Complaint.objects.values_list("subject", flat=True)),
    "unsent": OutboundEmail.objects.exclude(state__in=["sent", "bounced"]).count(),
}))
"""


def state(cluster: Cluster) -> dict:
    return json.loads(cluster.manage("shell", "-c", REPORT).stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45, help="length of the load")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="redress-cluster-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - the postgres user reaches its data directory
    cluster = Cluster(tmp=tmp, smtp=Smtp())
    ok = False
    try:
        cluster.up()
        intake, staff = cluster.tokens("tiepnhan", "quanly")
        figures = Figures()
        stop = threading.Event()
        supervising = threading.Event()
        cluster.supervise(supervising)
        injected = [] if options.no_faults else faults(cluster, stop)
        log(f"load: {options.seconds:.0f} s at concurrency {CONCURRENCY} through nginx")
        drive(cluster, figures, options.seconds, intake, staff)
        stop.set()
        if cluster.apps[0] is None:
            cluster.app_start(0)
        if cluster.workers[0] is None:
            cluster.worker_start(0)
        if cluster.smtp.controller is None:
            cluster.smtp.start()
        log("load done; waiting for the outbox to drain")
        deadline = time.monotonic() + 120
        while True:
            now = state(cluster)
            if now["unsent"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(3)
        supervising.set()
        ok = check(cluster, figures, now, injected)
    finally:
        cluster.down()
        if options.keep or not ok:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"cluster test: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def check(cluster: Cluster, figures: Figures, now: dict, injected: list[str]) -> bool:
    accepted = {**figures.api_keys, **figures.portal}
    in_db = Counter(now["complaints"])
    accepted_refs = Counter(accepted.values())
    lost = [ref for ref in accepted_refs if ref not in in_db]
    # Each load item has its own number in its subject: a subject twice is a complaint made
    # twice (a retry that was not recognised), or two keys answered with one complaint.
    doubled = [subject for subject, n in Counter(now["subjects"]).items() if n > 1] + [
        ref for ref, n in accepted_refs.items() if n > 1
    ]
    # Made, receipt mailed, but the client was never shown the reference (it gave up).
    unanswered = [ref for ref in in_db if ref not in accepted_refs]
    receipts: dict[str, set[str]] = {}
    raw = Counter()
    for mail in cluster.smtp.messages():
        found = re.search(r"KN-\d{4}-\d{6}", str(mail["Subject"]))
        if found and "đã nhận" in str(mail["Subject"]):
            receipts.setdefault(found.group(0), set()).add(str(mail["Message-ID"]))
            raw[found.group(0)] += 1
    no_receipt = [ref for ref in in_db if ref not in receipts]
    two_receipts = [ref for ref, ids in receipts.items() if len(ids) > 1]
    resent = sum(n - 1 for n in raw.values())
    audit = cluster.manage("audit", "verify", check=False)
    print()
    print("== figures")
    print(f"faults injected        {', '.join(injected) or 'none'}")
    print(f"requests               {figures.requests} (retries {figures.retries})")
    print(f"answers                {dict(sorted(figures.answers.items()))}")
    print(
        f"complaints accepted    {len(accepted)} (API {len(figures.api_keys)}, portal {len(figures.portal)})"
    )
    print(f"staff actions          {figures.actions}")
    print(f"workers restarted      {cluster.restarts} (as systemd would)")
    print(f"complaints in database {sum(in_db.values())}")
    print(f"requests given up      {len(figures.failed)} {figures.failed[:5]}")
    print(f"losses                 {len(lost)} {lost[:5]}")
    print(f"duplicates             {len(doubled)} {doubled[:5]}")
    print(f"made, not shown        {len(unanswered)} {unanswered[:5]}")
    print(
        f"receipts               {len(receipts)}; missing {len(no_receipt)} {no_receipt[:5]}; "
        f"two different receipts {len(two_receipts)}; same receipt delivered again {resent}"
    )
    print(f"outbox left unsent     {now['unsent']}")
    print(
        f"audit chain            {'verifies' if audit.returncode == 0 else 'FAILS: ' + audit.stdout[-500:] + audit.stderr[-500:]}"
    )
    return (
        not lost
        and not doubled
        and not no_receipt
        and not two_receipts
        and not figures.failed
        and now["unsent"] == 0
        and audit.returncode == 0
        and len(accepted) > 0
    )


if __name__ == "__main__":
    sys.exit(main())
