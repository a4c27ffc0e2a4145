"""Redress settings.

Everything that differs between machines is read from the environment here, in one place
(DESIGN.md rule: apps never read os.environ). Defaults give a working demo on SQLite.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("REDRESS_DEBUG", False)
# Seals stored secrets such as mailbox passwords (redress.core.sealing); SECRET_KEY when empty.
REDRESS_SEALING_KEY = env("REDRESS_SEALING_KEY", "")
ALLOWED_HOSTS = [
    h for h in env("REDRESS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env("REDRESS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

VAR_DIR = Path(env("REDRESS_VAR_DIR", str(BASE_DIR / "var")))
# The key that signs sessions and keys tracking codes: REDRESS_SECRET_KEY, else the machine's
# own key in var/secret-key (``redress secret_key`` writes one; ``make run`` does it first), else
# the public demo key, which the web server and the worker refuse unless debugging
# (redress.core.startup): with it anyone could forge a session or a tracking code.
DEMO_SECRET_KEY = "redress-demo-insecure-key-change-me"  # noqa: S105
SECRET_KEY_FILE = VAR_DIR / "secret-key"
SECRET_KEY = (
    env("REDRESS_SECRET_KEY")
    or (SECRET_KEY_FILE.read_text().strip() if SECRET_KEY_FILE.is_file() else "")
    or DEMO_SECRET_KEY
)
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database and uploaded files live here
# The audit chain (docs/security.md, "Audit trail"): entries are sealed with HMAC under
# REDRESS_AUDIT_KEY (else a key derived from SECRET_KEY), which the database never holds;
# REDRESS_AUDIT_OLD_KEYS (comma-separated) are earlier keys, kept to verify what they sealed.
# The worker appends a signed anchor of the chain's head to REDRESS_AUDIT_ANCHOR_FILE at most
# every REDRESS_AUDIT_ANCHOR_MINUTES, for the operator to ship where the database cannot reach.
REDRESS_AUDIT_KEY = env("REDRESS_AUDIT_KEY")
REDRESS_AUDIT_OLD_KEYS = [k for k in env("REDRESS_AUDIT_OLD_KEYS").split(",") if k.strip()]
REDRESS_AUDIT_ANCHOR_FILE = Path(
    env("REDRESS_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.log"))
)
REDRESS_AUDIT_ANCHOR_MINUTES = env_int("REDRESS_AUDIT_ANCHOR_MINUTES", 15)

INSTALLED_APPS = [
    # django.contrib.admin, whose site records every change in the audit chain.
    "redress.audit.adminconfig.AuditedAdminConfig",
    # Before django.contrib.auth: its createsuperuser and changepassword write the audit chain.
    "redress.audit.commandline",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its swagger/redoc assets are served from static files, no CDN
    "redress.core",
    "redress.audit",
    "redress.sla",
    "redress.complaints",
    "redress.handling",
    "redress.analytics",
    "redress.notifications",
    "redress.intake",
    "redress.integrations",
    "redress.transparency",
    "redress.improvement",
    "redress.framework",
    "redress.privacy",
    "redress.triage",
    "redress.certification",
    "redress.portal",
    "redress.backoffice",
    "redress.api",
    "redress.ops",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) every log line and queued task carries.
    "redress.core.requestid.RequestIdMiddleware",
    # The request counts and latencies of /metrics (docs/deployment.md, "Health and metrics").
    "redress.ops.metrics.RequestMetricsMiddleware",
    # A read-only request reads the small reference tables once (redress.core.read_memo).
    "redress.core.read_memo.ReadMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "redress.core.middleware.RefuseNulMiddleware",
    "redress.core.middleware.PrivateNoStoreMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session gave its second factor; then the gate of staff pages and the admin.
    "django_otp.middleware.OTPMiddleware",
    "redress.core.middleware.SessionTimeoutMiddleware",
    "redress.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "redress.backoffice.middleware.SecondFactorMiddleware",
    # An external auditor reaches only the packs granted to them (docs/certification.md).
    "redress.backoffice.middleware.ExternalAuditorMiddleware",
    # Last: turns a sign-in refused by the lockout into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "redress" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'redress.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("REDRESS_DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so concurrent intake
    # waits instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, like production, not an in-memory database: concurrent-intake tests then
    # see SQLite's real locking. One file per test process, so parallel runs never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": env(
            "REDRESS_TEST_SQLITE",
            str(Path(tempfile.gettempdir()) / f"redress-test-{os.getpid()}.sqlite3"),
        )
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if not IS_POSTGRES:
    # The covering columns of some indexes (INCLUDE) serve PostgreSQL at a million complaints;
    # SQLite (tests, the demo) builds the same indexes without them, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if IS_POSTGRES:
    # PostgreSQL's JIT compiles a query when its estimated cost is high: for the figures'
    # aggregates that took longer (about 180 ms) than running them (docs/decisions.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A pool of connections in each process (psycopg_pool; docs/deployment.md, "PostgreSQL
    # settings"): "MIN,MAX" connections, e.g. "2,4". It replaces REDRESS_DB_CONN_MAX_AGE (a
    # pooled connection is checked before each request, so a database restart is ridden out).
    POOL = env("REDRESS_DB_POOL")
    if POOL:
        pool_min, _comma, pool_max = POOL.partition(",")
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(pool_min),
            "max_size": int(pool_max or pool_min),
            "timeout": env_int("REDRESS_DB_POOL_TIMEOUT", 10),
        }
    # Parameters bound by the server (and, with REDRESS_DB_PREPARE_THRESHOLD, statements run
    # that many times prepared once per connection): off by default, measured in bench/api.md.
    if env_bool("REDRESS_DB_SERVER_SIDE_BINDING"):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    if env("REDRESS_DB_PREPARE_THRESHOLD"):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int(
            "REDRESS_DB_PREPARE_THRESHOLD", 0
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "backoffice:login"

# Lockout after repeated failed sign-ins (django-axes; staff site and admin alike), two counters
# kept apart (redress.core.lockout): REDRESS_LOGIN_FAILURES failures for one account, from any
# address, lock that account; REDRESS_LOGIN_IP_FAILURES failures from one client address, for any
# accounts, lock that address; each for REDRESS_LOGIN_COOLOFF_MINUTES. Attempts are kept in the
# database (visible and resettable in the admin).
AUTHENTICATION_BACKENDS = [
    "redress.backoffice.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "redress.core.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("REDRESS_LOGIN_FAILURES", 5)
REDRESS_LOGIN_IP_FAILURES = env_int("REDRESS_LOGIN_IP_FAILURES", 20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("REDRESS_LOGIN_COOLOFF_MINUTES", 15))
# The address is the client's behind REDRESS_PROXY_COUNT trusted proxies, not the proxy's
# (which would lock everyone behind it out with one person's failures).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "redress.core.clientip.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "redress.backoffice.auth.lockout_response"
# Second factor (django-otp): a TOTP authenticator app, required for the roles in
# redress.core.roles.SECOND_FACTOR_ROLES and for Django-admin accounts, optional for the others;
# ten single-use recovery codes. The admin's device pages never show a secret.
OTP_TOTP_ISSUER = env("REDRESS_OTP_ISSUER", "Redress")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_VERBOSE = False

# Language and time: Vietnamese first, times stored in UTC and shown in Asia/Ho_Chi_Minh.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = env("REDRESS_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("REDRESS_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Attachments, exports and raw inbound mail on S3-compatible object storage (AWS S3, MinIO,
# Ceph RGW, Garage...) instead of REDRESS_MEDIA_ROOT: every app server and worker then shares
# the bucket, no shared filesystem needed (docs/deployment.md "Attachments on shared storage").
REDRESS_STORAGE = env("REDRESS_STORAGE", "filesystem").strip().lower()
if REDRESS_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("REDRESS_S3_BUCKET", "redress"),
            "endpoint_url": env("REDRESS_S3_ENDPOINT_URL") or None,
            "region_name": env("REDRESS_S3_REGION") or None,
            "access_key": env("REDRESS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("REDRESS_S3_SECRET_ACCESS_KEY") or None,
            "location": env("REDRESS_S3_PREFIX", ""),
            # "path" (https://host/bucket/key) suits MinIO and most self-hosted servers.
            "addressing_style": env("REDRESS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # Objects stay private: Redress checks who may see each file and streams it itself.
            "default_acl": None,
            "querystring_auth": True,
            # Django's rule, as on disk: a name taken gets another name, never overwritten.
            "file_overwrite": False,
        },
    }

# Background work: Django's Tasks API. The database backend needs nothing more than the
# database; REDRESS_TASKS=rq moves the queue to Redis for several machines.
REDRESS_TASKS = env("REDRESS_TASKS", "db")
if REDRESS_TASKS == "rq":
    # django_rq holds the queue configuration and its `rqworker` command (the RQ backend needs it).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0")}}
elif REDRESS_TASKS == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What `redress worker` runs every minute, in order, beside the tasks: (name, function without
# arguments). Each catches up on work that no task did (queue lost, worker down meanwhile).
REDRESS_PERIODIC_JOBS = [
    ("sla sweep", "redress.sla.services.sla_sweep"),
    ("outbox flush", "redress.notifications.tasks.outbox_flush"),
    ("sms and zalo flush", "redress.notifications.channels.outbox.texts_flush"),
    ("mail poll", "redress.intake.tasks.mail_sweep"),
    ("webhooks flush", "redress.integrations.tasks.webhooks_flush"),
    ("monthly report", "redress.analytics.tasks.monthly_report_send"),
    ("figures rollup", "redress.analytics.rollup.rollup_refresh_job"),
    ("queue tally", "redress.complaints.queue_tally.queue_tally_compact_job"),
    ("audit anchor", "redress.audit.anchors.audit_anchor_due"),
    ("improvement", "redress.improvement.services.improvement_sweep"),
    ("management system", "redress.framework.jobs.framework_sweep"),
    ("answer period", "redress.handling.jobs.answer_period_sweep"),
    ("progress updates", "redress.handling.jobs.progress_update_sweep"),
    (
        "internal audit reminders",
        "redress.framework.services.audit_reminders.audit_reminders_sweep",
    ),
    ("training expiry", "redress.framework.services.training.training_expiry_notices"),
    ("management review", "redress.framework.services.review_jobs.review_duties"),
    ("breach clock", "redress.privacy.jobs.breach_clock_sweep"),
    ("retention", "redress.privacy.jobs.retention_daily"),
    ("data-subject request clock", "redress.privacy.jobs.request_clock_sweep"),
    ("notice digest", "redress.notifications.digest.notice_digest_send"),
    ("triage training", "redress.triage.jobs.triage_train_daily"),
    ("export files expiry", "redress.complaints.export_jobs.export_files_expire"),
    ("readiness snapshot", "redress.certification.jobs.readiness_snapshot_daily"),
    ("triage clusters", "redress.triage.clusters.clusters_propose_hourly"),
]
# The daily email digest of unread notices (for the people who ask for it on their notices
# page): sent once a day from this local hour (the organisation's time zone).
REDRESS_NOTICE_DIGEST_HOUR = env_int("REDRESS_NOTICE_DIGEST_HOUR", 7)
# Deadline notices (docs/sla.md, "Escalation"): a person owed more than this many by one
# sweep gets a single digest notice (and one email) naming the complaints instead.
REDRESS_DEADLINE_DIGEST_AFTER = env_int("REDRESS_DEADLINE_DIGEST_AFTER", 3)
# Triage (docs/triage.md): the hour of the day (organisation's time) from which the model is
# learned again, once a day; the most closed complaints it learns from; the lowest confidence
# of a suggestion shown.
REDRESS_TRIAGE_TRAIN_HOUR = env_int("REDRESS_TRIAGE_TRAIN_HOUR", 3)
REDRESS_TRIAGE_MAX_EXAMPLES = env_int("REDRESS_TRIAGE_MAX_EXAMPLES", 200_000)
REDRESS_TRIAGE_MIN_CONFIDENCE = float(env("REDRESS_TRIAGE_MIN_CONFIDENCE", "0.2"))
# Clusters of similar complaints proposed as a systemic issue (a person confirms): at least N
# complaints from N complainants within D days, each this alike (0..1) to the cluster's centre.
REDRESS_TRIAGE_CLUSTER_SIZE = env_int("REDRESS_TRIAGE_CLUSTER_SIZE", 5)
REDRESS_TRIAGE_CLUSTER_DAYS = env_int("REDRESS_TRIAGE_CLUSTER_DAYS", 7)
REDRESS_TRIAGE_CLUSTER_LIKENESS = float(env("REDRESS_TRIAGE_CLUSTER_LIKENESS", "0.6"))
# Personal-data breaches (docs/privacy.md): the hours before the 72-hour deadline to notify the
# authority at which the data-protection officers are reminded.
REDRESS_BREACH_WARNING_HOURS = env_int("REDRESS_BREACH_WARNING_HOURS", 24)
# Retention (docs/privacy.md): the hour of the day (organisation's time) from which the daily
# retention run starts; once a day, whichever worker runs the job.
REDRESS_RETENTION_HOUR = env_int("REDRESS_RETENTION_HOUR", 2)
# Data-subject requests (docs/privacy.md): the hours before a request's first response or
# completion is due at which the data-protection officers are reminded; and the days (calendar
# days, Civil Code Art. 147-148) to complete the kinds whose time Decree 356/2025 leaves to the
# organisation (withdrawal of consent, restriction and objection are fixed by the decree).
REDRESS_DSAR_WARNING_HOURS = env_int("REDRESS_DSAR_WARNING_HOURS", 24)
# The days a person may download the answer to their access request on the portal.
REDRESS_DSAR_EXPORT_DAYS = env_int("REDRESS_DSAR_EXPORT_DAYS", 30)
# Minutes a one-time code sent for a personal-data request stays valid (privacy.contact_codes).
REDRESS_CONTACT_CODE_MINUTES = env_int("REDRESS_CONTACT_CODE_MINUTES", 15)
REDRESS_DSAR_COMPLETION_DAYS = {
    "access": env_int("REDRESS_DSAR_ACCESS_DAYS", 20),
    "rectification": env_int("REDRESS_DSAR_RECTIFICATION_DAYS", 10),
    "erasure": env_int("REDRESS_DSAR_ERASURE_DAYS", 20),
}
# Internal audit (docs/management-system.md): the working days before an audit's planned date
# its auditors and planner are reminded of it.
REDRESS_AUDIT_REMINDER_WORKING_DAYS = env_int("REDRESS_AUDIT_REMINDER_WORKING_DAYS", 5)
# Competence (docs/management-system.md): how many days before a training record expires its
# holder and their complaints managers are told, once per record.
REDRESS_TRAINING_EXPIRY_NOTICE_DAYS = env_int("REDRESS_TRAINING_EXPIRY_NOTICE_DAYS", 30)
# Management review (ISO 10002 8.6): the participants are reminded this many working days before
# the review date (the organisation's calendar).
REDRESS_REVIEW_REMINDER_DAYS = env_int("REDRESS_REVIEW_REMINDER_DAYS", 5)
# Continual improvement (docs/improvement.md): the days after a CAPA's implementation its
# effectiveness check waits (each CAPA may set its own), and the fall in recurring complaints,
# in per cent of the baseline, from which Redress proposes "effective".
REDRESS_CAPA_CHECK_DAYS = env_int("REDRESS_CAPA_CHECK_DAYS", 90)
REDRESS_CAPA_EFFECTIVE_REDUCTION = env_int("REDRESS_CAPA_EFFECTIVE_REDUCTION", 50)
# The monthly complaints report (docs/analytics.md, "Monthly report"): on or after this day of
# the month and local hour (the organisation's time zone), last month's report is emailed once
# to the active people with the role(s) in "recipients" (comma-separated role codes).
# REDRESS_MONTHLY_REPORT=off in the environment (the setting None): no report is sent.
REDRESS_MONTHLY_REPORT: dict[str, object] | None = (
    None
    if env("REDRESS_MONTHLY_REPORT").strip().lower() in {"off", "0", "no", "false"}
    else {
        "day": env_int("REDRESS_MONTHLY_REPORT_DAY", 1),
        "hour": env_int("REDRESS_MONTHLY_REPORT_HOUR", 7),
        "recipients": env("REDRESS_MONTHLY_REPORT_RECIPIENTS", "top_management"),
    }
)

EMAIL_BACKEND = env("REDRESS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("REDRESS_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("REDRESS_EMAIL_PORT", 1025)
EMAIL_HOST_USER = env("REDRESS_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("REDRESS_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("REDRESS_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("REDRESS_FROM_EMAIL", "Redress <khieunai@redress.local>")

# Attachments: what a complainant or handler may upload (clear limits shown on forms).
# The outbox (docs/email.md): how long a worker's claim on an email stops the others sending it,
# and the unit of the retry back-off (2, 4, 8, 16, 32 units after the 1st…5th failure).
REDRESS_OUTBOX_LEASE_SECONDS = env_int("REDRESS_OUTBOX_LEASE_SECONDS", 300)
REDRESS_OUTBOX_RETRY_SECONDS = env_int("REDRESS_OUTBOX_RETRY_SECONDS", 60)
# Exports of more rows than this are built by a background job with a download link (issue 19);
# the job's file is kept this many hours, for the person who asked for it alone.
REDRESS_EXPORT_INLINE_MAX = env_int("REDRESS_EXPORT_INLINE_MAX", 20_000)
REDRESS_EXPORT_KEEP_HOURS = env_int("REDRESS_EXPORT_KEEP_HOURS", 24)
REDRESS_ATTACHMENT_MAX_BYTES = env_int("REDRESS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
REDRESS_ATTACHMENT_TYPES = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heic",
    "application/pdf",
]

# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and images
# from Redress itself only, no inline script or style, no plugins, no framing, forms post
# only here. Charts (ECharts) and htmx run from vendored files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# HTTPS in production (docs/deployment in README): HSTS and the proxy's scheme header are set
# only when asked, so that a laptop on http://127.0.0.1 keeps working.
SECURE_HSTS_SECONDS = env_int("REDRESS_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Asks browsers' preload lists to know the domain as HTTPS-only (docs/security.md): a lasting
# commitment for the domain and all its subdomains, so only when the operator says so.
SECURE_HSTS_PRELOAD = env_bool("REDRESS_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("REDRESS_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
SESSION_COOKIE_HTTPONLY = True
# A staff session ends after this long without a request, and this long after sign-in whatever
# happens (redress.core.middleware.SessionTimeoutMiddleware); the cookie goes with the latter.
REDRESS_SESSION_IDLE_MINUTES = env_int("REDRESS_SESSION_IDLE_MINUTES", 30)
REDRESS_SESSION_MAX_HOURS = env_int("REDRESS_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = REDRESS_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_SECURE = env_bool("REDRESS_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Logs (docs/deployment.md, "Logs"): one line per record, with its time, level and the request
# id (X-Request-ID); REDRESS_LOG_FORMAT=json writes one JSON object per line instead. The worker
# adds a line per task at info and keeps tracebacks for real errors (redress.core.logs);
# `redress worker -v 2` says everything.
REDRESS_LOG_FORMAT = env("REDRESS_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "redress.core.requestid.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "redress.core.requestid.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if REDRESS_LOG_FORMAT == "json" else "line",
        }
    },
    "root": {"handlers": ["console"], "level": env("REDRESS_LOG_LEVEL", "WARNING")},
}

# Where complainants reach the portal (links in emails) and the domain of our Message-IDs.
# Organisation settings, calendars, deadline policies, templates and webhook subscriptions are
# remembered per process for this many seconds (redress.core.memo); 0 reads them every time.
REDRESS_SETTINGS_MEMO_SECONDS = env_int("REDRESS_SETTINGS_MEMO_SECONDS", 10)
REDRESS_PUBLIC_URL = env("REDRESS_PUBLIC_URL", "http://127.0.0.1:8000")
REDRESS_MAIL_DOMAIN = env("REDRESS_MAIL_DOMAIN", "redress.local")
# Called with each email to a complainant that reached its final state (sent, failed, bounced):
# the complaint records it as an event. Wired here so that notifications never imports the
# lifecycle (dependencies point from redress.handling down to notifications).
REDRESS_EMAIL_OUTCOME_HOOKS = ["redress.handling.closure.on_email_outcome"]
# The same for SMS and Zalo messages (notifications.channels.outbox).
REDRESS_TEXT_OUTCOME_HOOKS = ["redress.handling.closure.on_text_outcome"]

# Email intake (redress.intake; docs/email.md). The inbound webhook /intake/mail/ is off until
# REDRESS_MAIL_WEBHOOK_SECRET is set. A mailbox raises an alert after this many failed polls
# in a row; a sender with more new complaints than the limit in an hour is held as a mail loop.
EMAIL_TIMEOUT = env_int("REDRESS_EMAIL_TIMEOUT", 30)
REDRESS_MAIL_WEBHOOK_SECRET = env("REDRESS_MAIL_WEBHOOK_SECRET")
REDRESS_MAIL_MAX_BYTES = env_int("REDRESS_MAIL_MAX_BYTES", 50 * 1024 * 1024)
REDRESS_MAIL_POLL_SECONDS = env_int("REDRESS_MAIL_POLL_SECONDS", 60)
REDRESS_MAILBOX_ALERT_AFTER = env_int("REDRESS_MAILBOX_ALERT_AFTER", 3)
REDRESS_MAIL_SENDER_LIMIT = env_int("REDRESS_MAIL_SENDER_LIMIT", 20)
# An emailed complaint is received when its top-most Received header says, unless that is older
# than this many days (then: when Redress read it). 0: always when Redress read it.
REDRESS_MAIL_ARRIVAL_MAX_DAYS = env_int("REDRESS_MAIL_ARRIVAL_MAX_DAYS", 30)

# Cache: the portal's rate limits count here, so every web worker must see the same counts.
# Default: files under var/ (shared by the gunicorn workers of one machine, nothing to set up);
# REDRESS_CACHE_URL=redis://host:6379/1 for several machines, locmem:// for a single process.
REDRESS_CACHE_URL = env("REDRESS_CACHE_URL", "")
if REDRESS_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDRESS_CACHE_URL,
        }
    }
elif REDRESS_CACHE_URL.startswith("locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "redress",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": REDRESS_CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
        }
    }

# Public portal: per-IP limits against spam and guessing of tracking codes, as
# "count/seconds". REDRESS_PROXY_COUNT is the number of trusted reverse proxies in front of
# the app (their X-Forwarded-For entries are skipped to find the client's address).
REDRESS_PORTAL_SUBMIT_RATE = env("REDRESS_PORTAL_SUBMIT_RATE", "20/3600")
REDRESS_PORTAL_TRACK_RATE = env("REDRESS_PORTAL_TRACK_RATE", "10/900")
# Staff password reset requests per address (each sends an email).
REDRESS_PASSWORD_RESET_RATE = env("REDRESS_PASSWORD_RESET_RATE", "5/3600")
REDRESS_PROXY_COUNT = env_int("REDRESS_PROXY_COUNT", 0)

# Operations (docs/deployment.md, "Health and metrics"). /metrics answers loopback clients, and
# others only with "Authorization: Bearer REDRESS_METRICS_TOKEN" when that is set.
# /readyz fails when more emails than REDRESS_READY_MAIL_BACKLOG wait in the outbox, and
# `redress doctor` warns when no worker was seen for REDRESS_WORKER_STALE_SECONDS.
REDRESS_METRICS_TOKEN = env("REDRESS_METRICS_TOKEN")
REDRESS_READY_MAIL_BACKLOG = env_int("REDRESS_READY_MAIL_BACKLOG", 1000)
REDRESS_WORKER_STALE_SECONDS = env_int("REDRESS_WORKER_STALE_SECONDS", 300)
# Under gunicorn with several workers: a directory, emptied before each start, where every
# process writes its request metrics so that /metrics adds them up (prometheus_client reads
# the same variable).
PROMETHEUS_MULTIPROC_DIR = env("PROMETHEUS_MULTIPROC_DIR")
