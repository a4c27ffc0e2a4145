"""Every change made in the Django admin is an entry in the audit chain, with before and after.

One place for all of it: the admin site (``AuditedAdminSite``, made Redress's default site by
``audit.adminconfig.AuditedAdminConfig``) gives every model admin it registers, Redress's and
Django's own (groups) alike, the ``AuditedAdmin`` behaviour. No app has to remember to audit
its admin, and a model admin added later is audited as soon as it is registered.

- Add, change (the form or the list's editable columns): one entry for the object, with the fields
  that changed before and after, many-to-many fields included (a person's groups, a policy's
  categories); one entry for each inline row added, changed or deleted (a person's memberships,
  a calendar's days off).
- Delete (one, or the "delete selected" action): one entry per object with what it held, and
  the related rows deleted with it by number.
- A change recorded by a service in the same request (the admin of mailboxes, tokens and webhooks
  goes through their services) is not recorded twice.
- Secrets (password hashes, token hashes, signing secrets, mailbox passwords) are never copied:
  the entry says the field changed, not what it holds; nor are staff contact details.
- The snapshots compare what the database holds before and after the save, so a value shown
  and saved back unchanged is not reported as a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.models import Permission
from django.db import models, router, transaction
from django.http import HttpRequest

from redress.audit.admin_names import app_list_translate, permission_label
from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import audit_record, jsonable
from redress.core.actors import Actor

SECRET = "[secret]"  # noqa: S105 (the marker that replaces a secret)
PERSONAL = "[personal data]"
# A field whose name holds one of these is a secret, whatever the model.
SECRET_NAMES = ("password", "secret", "token", "key_hash", "seal")
# Staff contact details, by model: the entry says they changed, not what they became. (Names
# are kept: the trail names the people who act, and whom a change concerns.)
PERSONAL_FIELDS = {"core.user": {"email", "phone"}}

Snapshot = dict[str, Any]


def audit_mask(model: type[models.Model], data: Snapshot) -> Snapshot:
    """The snapshot or diff as the entry keeps it: secrets and staff contact details replaced by
    a marker (an empty value stays empty: that it was set or cleared is not a secret)."""
    personal = PERSONAL_FIELDS.get(model._meta.label_lower, set())
    masked = {}
    for name, value in data.items():
        if value not in (None, "") and any(part in name for part in SECRET_NAMES):
            value = SECRET
        elif value not in (None, "") and name in personal:
            value = PERSONAL
        masked[name] = value
    return masked


def audit_snapshot(obj: models.Model) -> Snapshot:
    """The object's stored fields (a foreign key as the related row's number) and its
    many-to-many fields (the related numbers, sorted), as plain JSON. Read from the database for
    the many-to-many fields, from the instance for the others. Not masked: diffs compare the
    real values, ``audit_mask`` hides them before they are recorded."""
    data: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue  # "updated at" changes with every save: not a change anyone made
        data[field.name] = field.value_from_object(obj)
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            pks = getattr(obj, m2m.name).order_by("pk").values_list("pk", flat=True)
            data[m2m.name] = list(pks)
    return jsonable(data)


def _stored(obj: models.Model) -> Snapshot:
    """The object as the database holds it now (before this request's change is saved)."""
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return audit_snapshot(stored) if stored is not None else {}


def audit_diff(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    """The fields that differ, each side with its own value."""
    changed = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return (
        {k: before[k] for k in changed if k in before},
        {k: after[k] for k in changed if k in after},
    )


def _label(obj: models.Model) -> str:
    # A person by username, as the trail names actors; anything else as it names itself.
    get_username = getattr(obj, "get_username", None)
    return str(get_username() if callable(get_username) else obj)[:150]


def _stand_in(model: type[models.Model], pk: Any) -> models.Model:
    # A deleted row no longer has its number on the instance: the entry names it by this one.
    return model(pk=pk)


def _row(
    action: str, target: models.Model, shown: models.Model, before: Snapshot, after: Snapshot
) -> dict[str, Any]:
    """An entry to record once the object's own is recorded (``AuditedAdmin._audit``'s
    arguments)."""
    return dict(action=action, target=target, label=_label(shown), before=before, after=after)


def _head_seq() -> int:
    return AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


class _Pending:
    """What one admin request has seen so far, kept on the request (a model admin serves every
    request): the stored state of the object being saved and the inline rows' entries."""

    def __init__(self) -> None:
        self.before: dict[int, tuple[Snapshot, int]] = {}
        self.rows: list[dict[str, Any]] = []
        self.recorded: set[tuple[str, str]] = set()


def _pending(request: HttpRequest) -> _Pending:
    pending = getattr(request, "_redress_audit", None)
    if pending is None:
        pending = _Pending()
        request._redress_audit = pending  # type: ignore[attr-defined]
    return pending


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The model admin behaviour that records every add, change and delete in the audit chain."""

    def _audit(
        self,
        request: HttpRequest,
        *,
        action: str,
        target: models.Model,
        label: str,
        before: Snapshot,
        after: Snapshot,
        since: int | None = None,
    ) -> None:
        key = (target._meta.label_lower, str(target.pk))
        pending = _pending(request)
        if key in pending.recorded:
            return
        pending.recorded.add(key)  # handled, recorded or not: ``log_change`` adds nothing
        if (
            since is not None
            and AuditEntry.objects.filter(
                seq__gt=since, target_type=key[0], target_id=key[1]
            ).exists()
        ):
            return  # a service recorded it in this request
        if action == "admin.change" and not before and not after:
            return  # saved without a change
        model = type(target)
        audit_record(
            actor=Actor.for_user(request.user),  # type: ignore[arg-type]
            action=action,
            target=target,
            target_label=label[:150],
            before=audit_mask(model, before),
            after=audit_mask(model, after),
        )

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Permissions (a group's, a person's) named in the person's language.
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _pending(request).before[id(obj)] = (_stored(obj) if change else {}, _head_seq())
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        touched = [
            f.instance.pk
            for f in formset.initial_forms
            if f.instance.pk is not None and (f.has_changed() or f in formset.deleted_forms)
        ]
        model = formset.model
        before = {
            obj.pk: audit_snapshot(obj) for obj in model._default_manager.filter(pk__in=touched)
        }
        deleted_pks = {
            f.instance.pk: f.instance for f in formset.deleted_forms if f.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        rows = _pending(request).rows
        for obj in formset.new_objects:
            rows.append(_row("admin.add", obj, obj, {}, _stored(obj)))
        for obj, _fields in formset.changed_objects:
            old, new = audit_diff(before.get(obj.pk, {}), _stored(obj))
            rows.append(_row("admin.change", obj, obj, old, new))
        for pk, obj in deleted_pks.items():
            if pk in before and not model._default_manager.filter(pk=pk).exists():
                rows.append(_row("admin.delete", _stand_in(model, pk), obj, before[pk], {}))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        pending = _pending(request)
        stored, since = pending.before.pop(id(obj), ({}, _head_seq()))
        after = _stored(obj)
        old, new = audit_diff(stored, after) if change else ({}, after)
        self._audit(
            request,
            action="admin.change" if change else "admin.add",
            target=obj,
            label=_label(obj),
            before=old,
            after=new,
            since=since,
        )
        rows, pending.rows = pending.rows, []
        for row in rows:
            self._audit(request, **row)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        """A change saved without ``save_model`` (the admin's password form): recorded here, by
        the names of the fields it changed, every value masked."""
        entry = super().log_change(request, obj, message)
        key = (obj._meta.label_lower, str(obj.pk))
        if key not in _pending(request).recorded:
            names = [
                name
                for part in (message if isinstance(message, list) else [])
                for name in part.get("changed", {}).get("fields", [])
            ]
            changed = dict.fromkeys(names, "[changed]")
            self._audit(
                request,
                action="admin.change",
                target=obj,
                label=_label(obj),
                before=changed,
                after=changed,
            )
        return entry

    def _deleted_with(self, obj: models.Model) -> dict[str, list[Any]]:
        collector = NestedObjects(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        return {
            model._meta.label_lower: sorted(jsonable(o.pk) for o in instances)
            for model, instances in collector.data.items()
            if instances and not (model is type(obj) and instances == {obj})
        }

    def _delete_entries(
        self, request: HttpRequest, objs: Iterable[models.Model]
    ) -> list[dict[str, Any]]:
        rows = []
        for obj in objs:
            before = audit_snapshot(obj)
            if cascade := self._deleted_with(obj):
                before["deleted_with"] = cascade
            rows.append(_row("admin.delete", _stand_in(type(obj), obj.pk), obj, before, {}))
        return rows

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            rows = self._delete_entries(request, [obj])
            super().delete_model(request, obj)
            for row in rows:
                self._audit(request, **row)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            rows = self._delete_entries(request, list(queryset))
            super().delete_queryset(request, queryset)
            for row in rows:
                self._audit(request, **row)


class AuditedAdminSite(admin.AdminSite):
    """Redress's admin site: every model admin registered on it records its changes."""

    def _build_app_dict(self, request: HttpRequest, label: Any = None) -> Any:
        # The packages' app and model names in the person's language (``audit.admin_names``).
        app_dict = super()._build_app_dict(request, label)
        if label is not None:
            return app_list_translate([app_dict])[0] if app_dict else app_dict
        app_list_translate(list(app_dict.values()))
        return app_dict

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
