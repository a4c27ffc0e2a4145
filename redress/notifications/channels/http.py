"""One HTTP request to a gateway, with urllib (no client library): a timeout, no redirects, and
the answer read whatever its status, so that adapters can read a gateway's error body."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

TIMEOUT_SECONDS = 10
USER_AGENT = "Redress-Channels/1"


@dataclass
class Answer:
    """What the gateway answered; ``status`` is None when no answer came (timeout, refused)."""

    status: int | None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is a misconfigured gateway URL: following it would send credentials elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(
    url: str,
    *,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Answer:
    """POST ``body`` to ``url`` and return the answer; never raises for transport failures."""
    if not url.lower().startswith(("http://", "https://")):
        return Answer(status=None, error="the URL is not http(s)")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "User-Agent": USER_AGENT, **(headers or {})},
    )
    try:
        with _OPENER.open(request, timeout=timeout or TIMEOUT_SECONDS) as response:
            return Answer(
                status=response.status,
                body=response.read(65536).decode("utf-8", "replace"),
                headers={k.lower(): v for k, v in response.headers.items()},
            )
    except urllib.error.HTTPError as failure:
        text = failure.read(65536).decode("utf-8", "replace") if failure.fp else ""
        return Answer(
            status=failure.code,
            body=text,
            headers={k.lower(): v for k, v in (failure.headers or {}).items()},
            error=f"HTTP {failure.code}",
        )
    except Exception as failure:  # noqa: BLE001 - timeouts, refused connections, TLS errors
        return Answer(status=None, error=f"{type(failure).__name__}: {failure}"[:500])
