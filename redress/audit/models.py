"""The tamper-evident audit trail (ISO 10002 4.9 information integrity, 4.12 accountability)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded action. Entries are chained: each holds the hash of the one before.

    Rows are only ever inserted by ``audit.services.audit_record``; nothing in Redress deletes
    them, and the only update is ``audit.services.audit_redact`` (erasure of a person's data),
    which replaces an entry's ``before``, ``after`` and ``target_label`` with their redacted
    version and records the hash of that version in a new sealed ``audit.redact`` entry; the
    stored ``hash`` and ``seal`` never change. ``redress audit verify`` detects a row altered,
    removed or inserted behind Redress's back, a redacted row altered again included. Each entry's hash is sealed with a key the database does not hold
    (``audit.keys``); entries written before sealing existed have no key and no seal (legacy).
    """

    seq = models.BigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_label = models.CharField(_("actor"), max_length=150)
    actor_user_id = models.BigIntegerField(_("actor user id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_label = models.CharField(_("target"), max_length=150, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # The id of the key that sealed the hash (HMAC-SHA256), empty for a legacy entry.
    key_id = models.CharField(_("key"), max_length=16, blank=True, default="")
    seal = models.CharField(_("seal"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label or self.target_id}"


class AuditChainHead(models.Model):
    """The last entry's number and hash (one row). Locking it serialises writers of the chain,
    and comparing it with the last entry detects entries removed from the end.

    ``legacy_until`` is the last entry written before entries were sealed (0 when every entry
    is sealed): the entries up to it must have no seal, every later one must have one. The head
    is sealed too, so that it cannot be moved back without the key.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    legacy_until = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True, default="")
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
