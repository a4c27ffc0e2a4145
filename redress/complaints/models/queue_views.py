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


class QueueTally(models.Model):
    """Complaints counted by what the queues ask of them: unit, owner, status and pause.

    Kept as signed changes: each lifecycle action adds -1 for the cell its complaint left and
    +1 for the one it entered (an insert, which never waits for another action), and
    ``complaints.queue_tally`` merges the rows of each cell from time to time. The count of a
    cell is the sum of its rows, always equal to a count of the register
    (``complaints.queue_tally``; a test compares them after random actions).
    """

    unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    # The owner's id, 0 for nobody: a plain number, so that a cell is one value of each column.
    owner_key = models.PositiveIntegerField(_("owner"), default=0)
    status = models.CharField(_("status"), max_length=32)
    # "" while the clock runs, the pause's reason while it is stopped.
    pause = models.CharField(_("pause"), max_length=20, blank=True)
    count = models.IntegerField(_("count"))

    class Meta:
        verbose_name = _("queue tally")
        verbose_name_plural = _("queue tallies")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.owner_key}/{self.status}/{self.pause}: {self.count}"


class DeadlineTally(models.Model):
    """Complaints whose deadline runs, counted by unit, status and the hour it falls due in.

    Kept by the database itself: the running deadline is a generated column that every writer
    of a stage's deadline, a status or a pause moves, so triggers on the complaints' table (see
    ``complaints.deadline_tally``) add a signed row for each cell a write changed, in the
    writer's transaction. A cell's count is the sum of its rows.
    """

    unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    status = models.CharField(_("status"), max_length=32)
    # The start of the hour the deadline falls in (deadlines cluster at the end of working days,
    # so hours make hardly more cells than days, and the partial hours at a range's ends are
    # read from the register).
    due_hour = models.DateTimeField(_("due within the hour from"))
    count = models.IntegerField(_("count"))

    class Meta:
        verbose_name = _("deadline tally")
        verbose_name_plural = _("deadline tallies")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.status}/{self.due_hour}: {self.count}"
