"""/healthz, /readyz and /metrics: for load balancers and Prometheus, not for people."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from redress.ops.health import readiness
from redress.ops.metrics import RedressCollector, multiprocess_dir


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no cache, nothing that can be slow."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: every check and its result; 503 when one fails."""
    checks = readiness()
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)


def _allowed(request: HttpRequest) -> bool:
    token = settings.REDRESS_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # The peer's own address: a proxy in front makes every request look local, which is why
    # the proxy must not pass /metrics on (docs/deployment.md) or a token must be set.
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format: this process's (or all gunicorn workers') request metrics and the
    figures read from the database. Loopback only, or with the token."""
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    own = CollectorRegistry()
    own.register(RedressCollector())
    output += generate_latest(own)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
