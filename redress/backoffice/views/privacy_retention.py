"""Retention in the staff site (docs/privacy.md, "Retention"): the rules with their periods and
what happens at their end, the recent runs with their counts, and a dry run that shows what
would expire now. The data-protection officer changes the rules and runs the dry run; auditors
and top management read. Every change is a service call; a refusal is shown on the page with
its status and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.privacy_retention import RetentionRuleForm
from redress.backoffice.templatetags.people import names_of_labels
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.models import User
from redress.privacy.models import RecordType, RetentionRule, RetentionRun
from redress.privacy.retention import RetentionReport, retention_run
from redress.privacy.retention_rules import (
    retention_rule_change,
    retention_rules_for,
    retention_runs_recent,
)
from redress.privacy.roles import Permission, may


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(request: HttpRequest, permission: str) -> None:
    if not may(_user(request), permission):
        raise PermissionDenied(
            gettext("Your role does not let you do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )


def _page(
    request: HttpRequest,
    *,
    status: int = 200,
    report: RetentionReport | None = None,
    bound: RetentionRuleForm | None = None,
) -> HttpResponse:
    user = _user(request)
    manager = may(user, Permission.RETENTION_MANAGE)
    rules = retention_rules_for(user)
    rows = [
        {
            "rule": rule,
            "form": bound
            if bound is not None and bound.prefix == f"rule-{rule.pk}"
            else RetentionRuleForm(rule=rule),
        }
        for rule in rules
    ]
    runs = list(retention_runs_recent(user))
    labels = dict(RecordType.choices)
    names = names_of_labels(run.actor_label for run in runs)
    context: dict[str, Any] = {
        "section": "retention",
        "rows": rows,
        "may_manage": manager,
        "runs": [
            {
                "run": run,
                "by": names[run.actor_label] if run.actor_label else "",
                "counts": [
                    (labels.get(kind, kind), counts.get("expired", 0), counts.get("done", 0))
                    for kind, counts in run.results.items()
                ],
            }
            for run in runs
        ],
        "report": report,
        "report_references": _references(report),
    }
    return page(request, "backoffice/privacy_retention.html", context, status=status)


def _references(report: RetentionReport | None) -> list[str]:
    """The references of the closed complaints a dry run found expired (the first ones)."""
    if report is None:
        return []
    ids = report.result(RecordType.CLOSED_COMPLAINTS).ids
    return list(
        Complaint.objects.filter(pk__in=ids).order_by("pk").values_list("reference", flat=True)
    )


@staff_view
def retention(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.RETENTION_READ)
    return _page(request)


@require_POST
@staff_view
def retention_rule(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.RETENTION_MANAGE)
    rule = RetentionRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(pk)
    actor = Actor.for_user(_user(request))
    return form_perform(
        request,
        RetentionRuleForm(request.POST, rule=rule),
        lambda data: retention_rule_change(
            actor=actor, rule=rule, months=data["months"], expiry=data["expiry"]
        ),
        gettext("The retention rule is changed."),
        reverse("backoffice:retention"),
        lambda status, bound: _page(request, status=status, bound=bound),
        "bound",
    )


@require_POST
@staff_view
def retention_dry_run(request: HttpRequest) -> HttpResponse:
    """Count what would expire now, change nothing (the run is listed with the others)."""
    _require(request, Permission.RETENTION_MANAGE)
    report = retention_run(
        dry_run=True, actor=Actor.for_user(_user(request)), trigger=RetentionRun.Trigger.PAGE
    )
    return _page(request, report=report)
