"""Internal audits in the staff site (ISO 10002 8.5): the programme by year, the plan form, and
the audit's page where its named auditors start it, answer and edit the checklist, draw the
sample and check its complaints, record findings and issue the report, downloadable as PDF.
Every change is a service call; a refusal is shown on the page with its status (403, 409, 422)
and changes nothing. Complaints managers and top management plan and read; auditors read every
audit and conduct those they are named on."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.audits import (
    AnswerForm,
    AuditPlanForm,
    AuditYearForm,
    ConclusionForm,
    FindingForm,
    QuestionChoiceForm,
    QuestionEditForm,
    QuestionForm,
    SampleCheckForm,
    SampleForm,
)
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.framework.audit_report import audit_report_pdf
from redress.framework.audit_summary import scope_text
from redress.framework.audit_transitions import AUDIT_TRANSITIONS, AuditAction
from redress.framework.models import (
    Answer,
    Audit,
    AuditQuestion,
    AuditSampleItem,
    AuditStatus,
    CheckAspect,
    CheckResult,
)
from redress.framework.selectors_audit import (
    audit_findings,
    audit_get_for_user,
    audit_list,
    audit_sample_for_user,
    audit_years,
    is_named_auditor,
    may_plan_audits,
    may_read_audits,
)
from redress.framework.services import audit_sample as sampling
from redress.framework.services import audits as services


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


def _reader_only(request: HttpRequest) -> None:
    if not may_read_audits(_user(request)):
        raise PermissionDenied(gettext("Your role does not let you read internal audits."))


def _audit(request: HttpRequest, pk: int) -> Audit:
    _reader_only(request)
    try:
        return audit_get_for_user(_user(request), pk)
    except NotFound:
        raise Http404(pk) from None


def _conductor(request: HttpRequest, pk: int) -> Audit:
    """The audit, for one of its named auditors (403 before any form is read otherwise)."""
    audit = _audit(request, pk)
    if not is_named_auditor(_user(request), audit):
        raise PermissionDenied(gettext("You are not named as an auditor of this audit."))
    return audit


def audit_url(audit: Audit) -> str:
    return reverse("backoffice:audit", args=[audit.pk])


@staff_view
def audit_list_page(request: HttpRequest) -> HttpResponse:
    """The audit programme, one year at a time (the latest with audits, or this year)."""
    _reader_only(request)
    user = _user(request)
    years = audit_years(user)
    form = AuditYearForm(request.GET or None)
    chosen = form.cleaned_data.get("year") if form.is_valid() else None
    year = chosen or (years[0] if years else timezone.localdate().year)
    audits = list(audit_list(user, year=year)[:200])
    language = get_language() or "vi"
    return page(
        request,
        "backoffice/framework_audit_list.html",
        {
            "section": "audits",
            "year": year,
            "years": sorted({*years, year}, reverse=True),
            "rows": [(a, scope_text(a, language)) for a in audits],
            "may_plan": may_plan_audits(user),
        },
    )


@staff_view
def audit_plan(request: HttpRequest) -> HttpResponse:
    """Plan an audit (complaints managers, top management)."""
    if not may_plan_audits(_user(request)):
        raise PermissionDenied(gettext("Your role does not let you plan internal audits."))
    form = AuditPlanForm(request.POST if request.method == "POST" else None)
    context = {"section": "audits", "form": form}
    template = "backoffice/framework_audit_form.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    data = form.cleaned_data
    try:
        audit = services.audit_plan(
            actor=_actor(request),
            title=data["title"],
            unit=data["unit"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            planned_on=data["planned_on"],
            risk_level=data["risk_level"],
            rationale=data["rationale"],
            auditors=list(data["auditors"]),
            categories=list(data["categories"]),
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(
        request, gettext("The audit %(reference)s is planned.") % {"reference": audit.reference}
    )
    return redirect(audit_url(audit))


def _audit_page(
    request: HttpRequest, audit: Audit, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    language = get_language() or "vi"
    named = is_named_auditor(user, audit)
    conducting = named and audit.status == AuditStatus.IN_PROGRESS
    questions = list(audit.questions.order_by("position", "pk"))
    items = audit_sample_for_user(user, audit)
    steps = set(AUDIT_TRANSITIONS.get(audit.status, {}))
    if not named:
        steps -= {AuditAction.START, AuditAction.REPORT}
    if not may_plan_audits(user):
        steps.discard(AuditAction.CLOSE)
    context = {
        "section": "audits",
        "audit": audit,
        "scope": scope_text(audit, language),
        "auditors": list(audit.auditors.all()),
        "named": named,
        "conducting": conducting,
        "questions": [(q, q.display_text(language)) for q in questions],
        "answered": sum(1 for q in questions if q.answer),
        "items": items,
        "checked": sum(1 for i in items if i.result),
        "findings": audit_findings(audit),
        "steps": steps,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "question_form": forms.get("question_form") or QuestionForm(),
        "sample_form": forms.get("sample_form") or SampleForm(),
        "check_form": forms.get("check_form") or SampleCheckForm(),
        "finding_form": forms.get("finding_form") or FindingForm(questions=questions, items=items),
        "conclusion_form": forms.get("conclusion_form") or ConclusionForm(),
        "failed_question": forms.get("failed_question"),
        "failed_item": forms.get("failed_item"),
        "error": forms.get("error", ""),
        "answer_choices": Answer.choices,
        "aspect_choices": CheckAspect.choices,
        "result_choices": CheckResult.choices,
    }
    return page(request, "backoffice/framework_audit.html", context, status=status)


@staff_view
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _audit_page(request, _audit(request, pk))


def _perform(
    request: HttpRequest,
    audit: Audit,
    form: Any,
    form_name: str,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
    **again: Any,
) -> HttpResponse:
    """``form_perform`` on the audit's page: success goes back to it at ``anchor``."""
    return form_perform(
        request,
        form,
        call,
        done,
        audit_url(audit) + anchor,
        lambda **shown: _audit_page(request, audit, **shown, **again),
        form_name,
    )


def _question(audit: Audit, pk: int) -> AuditQuestion:
    found = AuditQuestion.objects.filter(audit=audit, pk=pk).select_related("audit").first()
    if found is None:
        raise Http404(pk)
    return found


@require_POST
@staff_view
def audit_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A lifecycle step: start, report (with the conclusion) or close."""
    _reader_only(request)
    if action == AuditAction.CLOSE:
        audit = _audit(request, pk)
        if not may_plan_audits(_user(request)):
            raise PermissionDenied(gettext("Your role does not let you close internal audits."))
    elif action in (AuditAction.START, AuditAction.REPORT):
        audit = _conductor(request, pk)
    else:
        raise Http404(action)
    actor = _actor(request)
    if action == AuditAction.REPORT:
        return _perform(
            request,
            audit,
            ConclusionForm(request.POST),
            "conclusion_form",
            lambda d: services.audit_report(audit=audit, actor=actor, conclusion=d["conclusion"]),
            gettext("The report is issued."),
            "#report",
        )
    step = services.audit_start if action == AuditAction.START else services.audit_close
    try:
        step(audit=audit, actor=actor)
    except ApplicationError as error:
        return _audit_page(request, audit, status=error.http_status, error=error.message)
    messages.success(request, gettext("Done."))
    return redirect(audit_url(audit))


@require_POST
@staff_view
def audit_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    return _perform(
        request,
        audit,
        QuestionForm(request.POST),
        "question_form",
        lambda d: services.audit_question_add(audit=audit, actor=_actor(request), **d),
        gettext("The question is added."),
        "#checklist",
    )


@require_POST
@staff_view
def audit_question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    form = QuestionEditForm(request.POST)

    def edit(d: dict[str, Any]) -> None:
        services.audit_question_edit(
            question=_question(audit, d["question"]),
            actor=_actor(request),
            clause=d["clause"],
            text=d["text"],
            text_en=d["text_en"],
        )

    return _perform(
        request,
        audit,
        form,
        "question_form",
        edit,
        gettext("The question is saved."),
        "#checklist",
    )


@require_POST
@staff_view
def audit_question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    form = QuestionChoiceForm(request.POST)
    if not form.is_valid():
        return _audit_page(request, audit, status=422, error=gettext("Choose a question."))
    try:
        services.audit_question_remove(
            question=_question(audit, form.cleaned_data["question"]), actor=_actor(request)
        )
    except ApplicationError as error:
        return _audit_page(request, audit, status=error.http_status, error=error.message)
    messages.success(request, gettext("The question is removed."))
    return redirect(audit_url(audit) + "#checklist")


@require_POST
@staff_view
def audit_question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    form = AnswerForm(request.POST)
    question_id = form.data.get("question")

    def answer(d: dict[str, Any]) -> None:
        services.audit_question_answer(
            question=_question(audit, d["question"]),
            actor=_actor(request),
            answer=d["answer"],
            evidence=d["evidence"],
        )

    return _perform(
        request,
        audit,
        form,
        "answer_form",
        answer,
        gettext("The answer is recorded."),
        f"#q-{question_id}",
        failed_question=str(question_id),
    )


@require_POST
@staff_view
def audit_sample_draw(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)

    def draw(d: dict[str, Any]) -> None:
        sampling.audit_sample_draw(
            audit=audit,
            actor=_actor(request),
            confidence=d["confidence"],
            tolerable_pct=Decimal(d["tolerable_pct"]) if d["tolerable_pct"] else None,
            size=d["size"],
            seed=d["seed"],
        )

    return _perform(
        request,
        audit,
        SampleForm(request.POST),
        "sample_form",
        draw,
        gettext("The sample is drawn."),
        "#sample",
    )


@require_POST
@staff_view
def audit_sample_check(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    form = SampleCheckForm(request.POST)
    item_id = form.data.get("item")

    def check(d: dict[str, Any]) -> None:
        item = AuditSampleItem.objects.filter(audit=audit, pk=d["item"]).first()
        if item is None:
            raise Http404(d["item"])
        sampling.audit_sample_check(
            item=item, actor=_actor(request), checks=d["checks"], result=d["result"], note=d["note"]
        )

    return _perform(
        request,
        audit,
        form,
        "check_form",
        check,
        gettext("The check is recorded."),
        f"#s-{item_id}",
        failed_item=str(item_id),
    )


@require_POST
@staff_view
def audit_finding(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _conductor(request, pk)
    questions = list(audit.questions.order_by("position", "pk"))
    items = audit_sample_for_user(_user(request), audit)
    form = FindingForm(request.POST, questions=questions, items=items)

    def record(d: dict[str, Any]) -> None:
        finding = services.audit_finding_record(
            audit=audit,
            actor=_actor(request),
            type=d["type"],
            statement=d["statement"],
            clause=d["clause"],
            question=_question(audit, d["question"]) if d["question"] else None,
            sample_item=next((i for i in items if i.pk == d["sample_item"]), None),
        )
        if finding.capa is not None:
            messages.info(
                request,
                gettext("The nonconformity opened the corrective action %(capa)s.")
                % {"capa": finding.capa.reference},
            )

    return _perform(
        request,
        audit,
        form,
        "finding_form",
        record,
        gettext("The finding is recorded."),
        "#findings",
    )


@staff_view
def audit_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit's report as PDF, in the person's language."""
    audit = _audit(request, pk)
    pdf = audit_report_pdf(audit, user=_user(request), language=get_language() or "vi")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{audit.reference}.pdf"'
    return response
