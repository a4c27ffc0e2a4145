"""Prometheus metrics (docs/deployment.md, "Health and metrics").

Two kinds: what each process counts as it serves (requests, their latency), kept by
``prometheus_client`` (in multiprocess mode under gunicorn when ``PROMETHEUS_MULTIPROC_DIR`` is
set); and what the database holds (intake per channel, queue depths, the outbox, overdue
stages, worker heartbeats), read at scrape time by ``RedressCollector`` with indexed counts
and the figures rollup, never a scan of the complaints table.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "redress_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "redress_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Counts every request and its latency, labelled by the route's name (bounded, unlike
    paths, which hold references). /metrics itself is not counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = (match.view_name or match.route) if match else "unmatched"
        if route != "ops:metrics":
            method = request.method if request.method in _METHODS else "other"
            LATENCY.labels(route, method).observe(time.perf_counter() - started)
            REQUESTS.labels(route, method, f"{response.status_code // 100}xx").inc()
        return response


_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

# Stages with a deadline whose pending complaints have a partial index (complaints.models).
_STAGES = (
    ("acknowledge", "acknowledge_due_at", "acknowledged_at"),
    ("assess", "assess_due_at", "assessed_at"),
    ("decision", "decision_due_at", "decision_communicated_at"),
    ("close", "close_due_at", "closed_at"),
)


class RedressCollector(Collector):
    """Figures read from the database on each scrape (a handful of indexed queries)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from _intake()
        yield from _overdue(now)
        yield from _outbox()
        yield from _webhooks()
        yield from _queues()
        yield from _workers(now)


def _intake() -> Iterator[Metric]:
    from redress.analytics.models import RollupFigures, RollupLevel

    family = GaugeMetricFamily(
        "redress_complaints_received",
        "Complaints received, by channel (the monthly figures rollup, refreshed every minute).",
        labels=["channel"],
    )
    rows = (
        RollupFigures.objects.filter(level=RollupLevel.MONTH, dimension="channel")
        .values("value")
        .annotate(n=Sum("volume"))
        .order_by("value")
    )
    for row in rows:
        family.add_metric([row["value"] or "none"], row["n"] or 0)
    yield family


def _overdue(now: dt.datetime) -> Iterator[Metric]:
    from redress.complaints.models import Complaint

    family = GaugeMetricFamily(
        "redress_sla_overdue",
        "Complaints past a stage's deadline with the stage not done (SLA breaches open now).",
        labels=["stage"],
    )
    counts = Complaint.objects.aggregate(
        **{
            stage: Count("pk", filter=Q(**{f"{due}__lt": now, f"{done}__isnull": True}))
            for stage, due, done in _STAGES
        }
    )
    for stage, *_rest in _STAGES:
        family.add_metric([stage], counts[stage] or 0)
    yield family


def _outbox() -> Iterator[Metric]:
    from redress.notifications.models import OutboundEmail

    family = GaugeMetricFamily(
        "redress_outbox_emails", "Outgoing emails waiting or failed, by state.", labels=["state"]
    )
    states = [OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING, OutboundEmail.State.FAILED]
    found = dict(
        OutboundEmail.objects.filter(state__in=states)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for state in states:
        family.add_metric([state], found.get(state, 0))
    yield family


def _webhooks() -> Iterator[Metric]:
    from redress.integrations.models import WebhookDelivery

    family = GaugeMetricFamily(
        "redress_webhook_deliveries",
        "Webhook deliveries waiting or failed, by state.",
        labels=["state"],
    )
    S = WebhookDelivery.State
    states = [S.PENDING, S.SENDING, S.RETRYING, S.FAILED]
    found = dict(
        WebhookDelivery.objects.filter(state__in=states)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for state in states:
        family.add_metric([state], found.get(state, 0))
    yield family


def _queues() -> Iterator[Metric]:
    from redress.ops.health import tasks_use_rq

    depth = GaugeMetricFamily(
        "redress_task_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"]
    )
    failed = GaugeMetricFamily(
        "redress_task_queue_failed", "Tasks that failed, by queue.", labels=["queue"]
    )
    if tasks_use_rq():
        import django_rq

        queue = django_rq.get_queue("default")
        depth.add_metric(["default"], queue.count)
        failed.add_metric(["default"], queue.failed_job_registry.count)
    else:
        from django_tasks_db.models import DBTaskResult

        for name, n in (
            DBTaskResult.objects.ready()
            .values_list("queue_name")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            depth.add_metric([name], n)
    yield depth
    yield failed


def _workers(now: dt.datetime) -> Iterator[Metric]:
    from redress.core.models import WorkerHeartbeat

    seen = GaugeMetricFamily(
        "redress_worker_last_seen_seconds",
        "Seconds since each worker (host:pid) last beat (workers seen in the last day).",
        labels=["worker"],
    )
    for name, at in WorkerHeartbeat.objects.filter(
        seen_at__gte=now - dt.timedelta(days=1)
    ).values_list("name", "seen_at")[:100]:
        seen.add_metric([name], (now - at).total_seconds())
    yield seen


def multiprocess_dir() -> str:
    return str(settings.PROMETHEUS_MULTIPROC_DIR)
