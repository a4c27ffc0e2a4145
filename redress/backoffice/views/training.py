"""Competence in the staff site (ISO 10002 4.14, 6.4): who is trained in what (people × the
courses their roles need), each person's records, the courses and which roles need them, and
recording training. Everyone on the staff sees their own training; complaints managers,
administrators, top management and auditors see everyone's; complaints managers and
administrators change it (``Permission.TRAINING_EDIT``), through the training services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from redress.backoffice.forms.common import UserChoiceField
from redress.backoffice.views.common import page, save_form, staff_view
from redress.complaints.attachments import IncomingFile, allowed_types_label
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.models import Course
from redress.framework.roles import Permission, may
from redress.framework.selectors_training import (
    EXPIRING_DAYS,
    STANDING_LABELS,
    competence_matrix,
    may_see_everyone,
    person_records,
    requirements_by_course,
    training_records_visible_to,
)
from redress.framework.services.training import (
    MAX_VALID_MONTHS,
    course_create,
    course_update,
    training_record_add,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not may(user, Permission.READ):
        raise PermissionDenied(gettext("Your role does not let you read the management system."))
    return user


def _editor(request: HttpRequest) -> User:
    user = _user(request)
    if not may(user, Permission.TRAINING_EDIT):
        raise PermissionDenied(
            gettext("Your role does not allow this: %(action)s.")
            % {"action": Permission.TRAINING_EDIT.label}
        )
    return user


class CourseForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    valid_months = forms.IntegerField(
        label=_("Valid for (months)"),
        required=False,
        min_value=1,
        max_value=MAX_VALID_MONTHS,
        help_text=_("Empty: never expires."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Required of"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The roles whose holders need current training in this course."),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class RecordForm(forms.Form):
    user = UserChoiceField(
        label=_("Person"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(active=True).order_by("code")
    )
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: from the course's validity."),
    )
    evidence = forms.FileField(label=_("Evidence (certificate)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = gettext("Accepted: %(types)s.") % {
            "types": allowed_types_label()
        }


def _sent(request: HttpRequest) -> Any:
    """The form's data when it was sent (even empty), None to show it."""
    return request.POST if request.method == "POST" else None


def _within(request: HttpRequest) -> int:
    try:
        return max(0, min(365, int(request.GET.get("within", EXPIRING_DAYS))))
    except ValueError:
        return EXPIRING_DAYS


@require_GET
@staff_view
def training_overview(request: HttpRequest) -> HttpResponse:
    """People × the courses their roles need, each current, expiring within N days, expired
    or missing (one's own row for those who do not see everyone's)."""
    user = _reader(request)
    within = _within(request)
    columns, rows = competence_matrix(user, within_days=within)
    return page(
        request,
        "backoffice/framework_training.html",
        {
            "section": "training",
            "columns": columns,
            "rows": rows,
            "within": within,
            "standings": STANDING_LABELS,
            "everyone": may_see_everyone(user),
            "may_edit": may(user, Permission.TRAINING_EDIT),
            "today": timezone.localdate(),
        },
    )


@require_GET
@staff_view
def training_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's training records (their own, or anyone's for those who see everyone's)."""
    viewer = _reader(request)
    person = User.objects.filter(pk=pk).first()
    if person is None or (person.pk != viewer.pk and not may_see_everyone(viewer)):
        raise Http404(pk)
    return page(
        request,
        "backoffice/framework_training_person.html",
        {
            "section": "training",
            "person": person,
            "records": person_records(viewer, person),
            "today": timezone.localdate(),
            "may_edit": may(viewer, Permission.TRAINING_EDIT),
        },
    )


@staff_view
def training_courses(request: HttpRequest) -> HttpResponse:
    """The courses and the roles that need them; a new course (complaints managers,
    administrators)."""
    user = _reader(request)
    if request.method == "POST":
        _editor(request)
    form = CourseForm(_sent(request))
    roles = requirements_by_course()
    courses = [
        (course, [Role(role).label for role in sorted(roles.get(course.pk, []))])
        for course in Course.objects.order_by("-active", "code")
    ]
    return save_form(
        request,
        form,
        form_template="backoffice/framework_training_courses.html",
        context={
            "section": "training_courses",
            "courses": courses,
            "may_edit": may(user, Permission.TRAINING_EDIT),
        },
        save=lambda data: course_create(
            actor=Actor.for_user(user),
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            valid_months=data["valid_months"],
            roles=data["roles"],
        ),
        saved=gettext("The course is saved."),
        to=reverse("backoffice:training_courses"),
    )


@staff_view
def training_course(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a course and the roles that need it (complaints managers, administrators)."""
    user = _editor(request)
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404(pk)
    initial = {
        "code": course.code,
        "name": course.name,
        "name_en": course.name_en,
        "valid_months": course.valid_months,
        "active": course.active,
        "roles": list(course.requirements.values_list("role", flat=True)),
    }
    form = CourseForm(_sent(request), initial=initial)
    return save_form(
        request,
        form,
        form_template="backoffice/framework_training_course.html",
        context={"section": "training_courses", "course": course},
        save=lambda data: course_update(
            course=course,
            actor=Actor.for_user(user),
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            valid_months=data["valid_months"],
            active=data["active"],
            roles=data["roles"],
        ),
        saved=gettext("The course is saved."),
        to=reverse("backoffice:training_courses"),
    )


@staff_view
def training_record_new(request: HttpRequest) -> HttpResponse:
    """Record that a person completed a course, with its evidence (complaints managers,
    administrators)."""
    user = _editor(request)
    initial: dict[str, Any] = {"completed_on": timezone.localdate()}
    if (wanted := request.GET.get("user", "")).isdigit():
        initial["user"] = int(wanted)
    form = RecordForm(_sent(request), request.FILES or None, initial=initial)
    recorded: dict[str, int] = {}

    def save(data: dict[str, Any]) -> None:
        upload = data.get("evidence")
        evidence = IncomingFile(upload.name, upload.read()) if upload else None
        record = training_record_add(
            actor=Actor.for_user(user),
            user=data["user"],
            course=data["course"],
            completed_on=data["completed_on"],
            expires_on=data["expires_on"],
            evidence=evidence,
            note=data["note"],
        )
        recorded["person"] = record.user_id

    response = save_form(
        request,
        form,
        form_template="backoffice/framework_training_record_form.html",
        context={"section": "training"},
        save=save,
        saved=gettext("The training is recorded."),
        to=reverse("backoffice:training"),
    )
    if "person" in recorded:
        return redirect("backoffice:training_person", recorded["person"])
    return response


@require_GET
@staff_view
def training_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A record's evidence file, for whoever may see the record."""
    viewer = _reader(request)
    record = training_records_visible_to(viewer).filter(pk=pk).first()
    if record is None or not record.evidence:
        raise Http404(pk)
    name = (record.evidence.name or "evidence").rsplit("/", 1)[-1]
    return FileResponse(record.evidence.open("rb"), as_attachment=True, filename=name)
