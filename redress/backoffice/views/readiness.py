"""The readiness page (ISO 10002 self-assessment, docs/certification.md): for a chosen map
(ISO 10002, or the ISO 9001 cross-references) the score, per clause a score and its gaps each
linked to where it is fixed, per guiding principle its status, and the readiness over time
from the daily snapshots (a chart drawn on the server and the same figures as a table).
Complaints managers, top management and auditors open it; everyone else is refused (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from redress.analytics.svg import chart_svg
from redress.analytics.tables import Column, Row, Table
from redress.backoffice.views.common import page, staff_view
from redress.certification.evaluation import Status
from redress.certification.models import ReadinessSnapshot
from redress.certification.readiness import (
    may_read_readiness,
    readiness_for,
    readiness_history,
    standards,
)
from redress.core.models import User

HISTORY_DAYS = 365


def _history_table(snapshots: list[ReadinessSnapshot]) -> Table:
    return Table(
        code="readiness_history",
        title=_("Readiness over time"),
        summary=gettext("Readiness score of each day, in per cent, with the items missing."),
        chart="line",
        columns=[
            Column("score", _("Score (%)"), "percent", "line"),
            Column("missing", _("Missing"), "count", ""),
            Column("weak", _("Weak"), "count", ""),
        ],
        rows=[
            Row(
                f"{s.day:%d/%m/%Y}",
                {"score": s.score, "missing": s.missing, "weak": s.weak},
            )
            for s in snapshots
        ],
    )


@require_GET
@staff_view
def readiness(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_read_readiness(user):
        raise PermissionDenied(
            gettext("Only complaints managers, top management and auditors see the readiness.")
        )
    choices = list(standards())
    if not choices:
        raise Http404(gettext("No certification map is loaded."))
    wanted = request.GET.get("standard") or choices[0].code
    standard = next((s for s in choices if s.code == wanted), None)
    if standard is None:
        raise Http404(gettext("There is no such map."))
    now = timezone.now()
    result = readiness_for(standard, now=now)
    snapshots = list(readiness_history(standard, days=HISTORY_DAYS, today=timezone.localdate()))
    history = _history_table(snapshots)
    return page(
        request,
        "backoffice/certification_readiness.html",
        {
            "section": "certification",
            "standards": choices,
            "standard": standard,
            "readiness": result,
            "counts": {status: result.count(status) for status in Status},
            "Status": Status,
            "history": history,
            "history_svg": chart_svg(history) if len(snapshots) > 1 else "",
            "snapshots": list(reversed(snapshots)),
        },
    )
