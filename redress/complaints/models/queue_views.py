"""What each person keeps of the work queues: the columns they chose and their saved views.

Both are personal working preferences (no personal data of complainants): written by
``complaints.queue_views`` and read only for their owner."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QueueColumns(models.Model):
    """The optional columns a person shows in the queues, in the queues' own order."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="queue_columns",
        verbose_name=_("person"),
    )
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("queue columns")
        verbose_name_plural = _("queue columns")

    def __str__(self) -> str:
        return ", ".join(self.columns)


class SavedQueueView(models.Model):
    """A queue with its filters and sort, saved under a name by one person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_queue_views",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=60)
    queue = models.CharField(_("queue"), max_length=30)
    query = models.CharField(_("filters and sort"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_queue_view_name_once")
        ]

    def __str__(self) -> str:
        return self.name
