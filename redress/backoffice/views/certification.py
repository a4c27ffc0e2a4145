"""The auditor's pack and external auditors' access in the staff site (docs/certification.md,
"The auditor's pack and the external auditor").

- ``packs``: complaints managers and administrators ask for a pack; they, top management and
  internal auditors follow its preparation (``pack_progress``, polled by HTMX) and download it.
- ``grants``: administrators give a named external auditor read-only access to packs between
  two days, and revoke it.
- ``external_home`` and ``external_complaint``: what an external auditor sees, and nothing
  else (``middleware.ExternalAuditorMiddleware`` refuses them every other staff page): the
  packs of their live grants, and the sampled complaints' records, masked. Every view and
  download of theirs is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from redress.backoffice.forms.certification import GrantForm, PackForm, RevokeForm
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.certification import services
from redress.certification.models import AuditorPack, ExternalAuditorGrant, PackState
from redress.certification.records import MASKED, complaint_records
from redress.certification.selectors import (
    grant_list,
    grants_live_for,
    is_external_auditor,
    may_grant,
    may_read_packs,
    may_start_packs,
    pack_sample,
    packs_granted_to,
    packs_visible_to,
)
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import User

PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


def _reader(request: HttpRequest) -> None:
    if not may_read_packs(_user(request)):
        raise PermissionDenied(gettext("Your role does not let you read the auditor's packs."))


def _pack(request: HttpRequest, pack_id: int) -> AuditorPack:
    _reader(request)
    found = packs_visible_to(_user(request)).filter(pk=pack_id).first()
    if found is None:
        raise Http404(pack_id)
    return found


def _packs_page(request: HttpRequest, form: PackForm | None, status: int = 200) -> HttpResponse:
    user = _user(request)
    return page(
        request,
        "backoffice/certification_packs.html",
        {
            "section": "packs",
            "rows": list(packs_visible_to(user)[:PAGE]),
            "form": form or (PackForm() if may_start_packs(user) else None),
        },
        status=status,
    )


@staff_view
def packs(request: HttpRequest) -> HttpResponse:
    """The packs asked for, newest first, and the form to ask for one."""
    _reader(request)
    if request.method != "POST":
        return _packs_page(request, None)
    if not may_start_packs(_user(request)):
        raise PermissionDenied(
            gettext("Only complaints managers and administrators may ask for a pack.")
        )
    form = PackForm(request.POST)
    if not form.is_valid():
        return _packs_page(request, form, 422)
    data = form.cleaned_data
    try:
        started = services.pack_start(
            actor=_actor(request),
            period_start=data["period_start"],
            period_end=data["period_end"],
            language=data["language"],
            sample_size=data["sample_size"],
            unmasked=data["unmasked"],
            seed=data["seed"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return _packs_page(request, form, error.http_status)
    messages.success(request, gettext("The pack is being prepared."))
    return redirect("backoffice:pack", pack_id=started.pk)


@staff_view
@require_GET
def pack(request: HttpRequest, pack_id: int) -> HttpResponse:
    """One pack: what was asked, its progress while prepared, its download, its sample."""
    found = _pack(request, pack_id)
    return page(
        request,
        "backoffice/certification_pack.html",
        {
            "section": "packs",
            "pack": found,
            "sample": list(pack_sample(found)) if found.state == PackState.READY else [],
            "may_grant": may_grant(_user(request)),
        },
    )


@staff_view
@require_GET
def pack_progress(request: HttpRequest, pack_id: int) -> HttpResponse:
    """The pack's state and progress (the page asks every two seconds until it is done)."""
    found = _pack(request, pack_id)
    return render(request, "backoffice/partials/pack_progress.html", {"pack": found})


@staff_view
@require_GET
def pack_download(request: HttpRequest, pack_id: int) -> FileResponse:
    """The pack's ZIP, for those who read packs and for an external auditor while a grant of
    theirs names it; each download is recorded."""
    user = _user(request)
    if not may_read_packs(user) and not is_external_auditor(user):
        raise PermissionDenied(gettext("Your role does not let you read the auditor's packs."))
    found = packs_visible_to(user).filter(pk=pack_id, state=PackState.READY).first()
    if found is None or not found.file:
        raise Http404(pack_id)
    services.pack_downloaded(actor=_actor(request), pack=found)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"{found.reference}.zip",
        content_type="application/zip",
    )


# ---------------------------------------------------------------------------------------------
# Granting access (administrators)


def _granter(request: HttpRequest) -> None:
    if not may_grant(_user(request)):
        raise PermissionDenied(
            gettext("Only administrators may grant access to external auditors.")
        )


@staff_view
def grants(request: HttpRequest) -> HttpResponse:
    """External auditors' access: who, to which packs, when, why, revoked or not; and the form
    to grant it."""
    _granter(request)

    def again(status: int = 200, form: GrantForm | None = None) -> HttpResponse:
        return page(
            request,
            "backoffice/certification_grants.html",
            {
                "section": "grants",
                "rows": list(grant_list()),
                "form": form or GrantForm(),
                "revoke_form": RevokeForm(),
            },
            status=status,
        )

    if request.method != "POST":
        return again()
    return form_perform(
        request,
        GrantForm(request.POST),
        lambda data: services.grant_create(
            actor=_actor(request),
            auditor=data["auditor"],
            packs=list(data["packs"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        ),
        gettext("Access granted."),
        reverse("backoffice:grants"),
        again,
        "form",
    )


@require_POST
@staff_view
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    _granter(request)
    grant = ExternalAuditorGrant.objects.filter(pk=grant_id).select_related("auditor").first()
    if grant is None:
        raise Http404(grant_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the access is revoked."))
        return redirect("backoffice:grants")
    try:
        services.grant_revoke(
            actor=_actor(request), grant=grant, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("backoffice:grants")
    messages.success(request, gettext("Access revoked."))
    return redirect("backoffice:grants")


# ---------------------------------------------------------------------------------------------
# The external auditor's pages


def _external(request: HttpRequest) -> User:
    user = _user(request)
    if not is_external_auditor(user):
        raise PermissionDenied(gettext("This page is for external auditors."))
    return user


def _external_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"section": "external", **context})


@staff_view
@require_GET
def external_home(request: HttpRequest) -> HttpResponse:
    """The packs of the external auditor's live grants, each with its sample; the view is
    recorded against each pack shown."""
    user = _external(request)
    granted = list(packs_granted_to(user).order_by("-requested_at")[:PAGE])
    rows = [(p, list(pack_sample(p))) for p in granted]
    for p in granted:
        services.external_view_record(
            actor=_actor(request), target=p, label=p.reference, page="packs"
        )
    return _external_page(
        request,
        "backoffice/certification_external.html",
        {"rows": rows, "grants": list(grants_live_for(user))},
    )


@staff_view
@require_GET
def external_complaint(request: HttpRequest, reference: str) -> HttpResponse:
    """A sampled complaint's record, read-only and masked, through the visibility gate (which
    lets an external auditor see only the samples of their live grants); the view is recorded."""
    _external(request)
    found = complaints_visible_to(_user(request)).filter(reference=reference).first()
    if found is None:
        raise Http404(reference)
    (record,) = complaint_records([found.pk], MASKED)
    services.external_view_record(
        actor=_actor(request), target=found, label=found.reference, page="complaint"
    )
    return _external_page(request, "backoffice/certification_record.html", {"record": record})
