"""Signing in and out, password reset by email, and the language switch."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redress.audit.services import audit_record
from redress.backoffice.forms.auth import LanguageForm
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.ratelimit import hit, is_limited, retry_minutes


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """Each request sends an email: a client may ask ``REDRESS_PASSWORD_RESET_RATE`` times,
    then is told when to try again (429), and nothing is sent."""

    template_name = "backoffice/password_reset.html"
    email_template_name = "backoffice/email/password_reset.txt"
    subject_template_name = "backoffice/email/password_reset_subject.txt"
    success_url = reverse_lazy("backoffice:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_limited(request, "password_reset", "REDRESS_PASSWORD_RESET_RATE"):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                _("Too many requests from your address; try again in %(minutes)d minutes.")
                % {"minutes": retry_minutes(request, "password_reset")},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        hit(request, "password_reset", "REDRESS_PASSWORD_RESET_RATE")
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "backoffice/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The new password is saved and its audit entry written together (the entry says the
    password changed by reset, never what it is)."""

    template_name = "backoffice/password_reset_confirm.html"
    success_url = reverse_lazy("backoffice:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                actor=Actor.for_user(form.user),
                action="user.password_reset",
                target=form.user,
                target_label=form.user.get_username(),
                after={"password": "changed by an emailed reset link"},
            )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "backoffice/password_reset_complete.html"


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the staff site's language; it is remembered on the person (core.User.language)."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("backoffice:home")
    if form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        user.language = form.cleaned_data["language"]
        user.save(update_fields=["language"])
        translation.activate(user.language)
    return HttpResponseRedirect(target or reverse("backoffice:home"))
