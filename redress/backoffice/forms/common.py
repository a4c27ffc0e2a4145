"""What the staff site's forms share: blank choices, the languages, choice fields that show
people and places by name, a field for several files, and the ``once`` field that makes a
form create something once however often it is sent."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from redress.complaints.attachments import attachment_problem, attachments_count_problem
from redress.core.forms import VietnameseOrder
from redress.core.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

BLANK: list[tuple[str, StrOrPromise]] = [("", "—")]
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]


FIELD_TEMPLATE = "backoffice/forms/field.html"


class FieldGroups:
    """Forms whose fields render as one group each (``field.as_field_group``): label (with * when
    required), input, help and errors together, so a grid of fields lines up and an error stands
    under its own field. Browsers' own validation bubbles are not used (the forms are sent with
    ``novalidate``): the server answers in the person's language."""

    fields: dict[str, forms.Field]

    def use_field_groups(self) -> None:
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE  # type: ignore[attr-defined]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.get_username()


class LocalizedChoiceField(forms.ModelChoiceField):
    """Categories, products and units show their name in the person's language, in the
    alphabetical order of that name."""

    iterator = VietnameseOrder

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name(get_language() or "vi")


class PlainSelect(forms.Select):
    """A select whose options are written here rather than by a template each (Django's
    markup, attributes and all): a queue's filters offer some fifty options on every page.
    A select with groups of options is left to Django's templates."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            format_html(
                '\n  <option value="{}"{}>{}</option>',
                option["value"],
                _attributes(option["attrs"]),
                option["label"],
            )
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe(options),  # noqa: S308 - every option is made by format_html
        )


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Django's ``attrs.html``: ` name="value"`, the name alone for True, nothing for False."""
    return SafeString(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        # The rule every channel applies (complaints.attachments), checked here first so that
        # the problem shows under the input, in the same words.
        problems = [attachments_count_problem(len(files))]
        for upload in files:
            upload.seek(0)
            head = upload.read(8192)
            upload.seek(0)
            problems.append(attachment_problem(upload.name, upload.size or 0, head))
        if any(problems):
            raise forms.ValidationError([problem for problem in problems if problem])
        return files


def once_field() -> forms.CharField:
    """A hidden value that identifies one copy of a form (``views.common.create_once``)."""
    return forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: secrets.token_urlsafe(16)
    )
