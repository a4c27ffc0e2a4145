from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "redress.core"
    label = "core"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        import psycopg._queries

        # psycopg parses a statement's placeholders once and remembers it, but only for
        # statements of at most 50 parameters: intake's complaint INSERT (about 60) and its
        # combined write (``core.writes``) were parsed again on every request.
        # A private constant of psycopg (pinned in uv.lock): set only where it still exists,
        # so that an upgrade that drops it costs speed, not a failure to start.
        if hasattr(psycopg._queries, "MAX_CACHED_STATEMENT_PARAMS"):
            psycopg._queries.MAX_CACHED_STATEMENT_PARAMS = 200

        from django.contrib.auth.signals import user_logged_in

        from redress.core.middleware import session_stamp

        # A new session carries when it began, written with the sign-in's own save.
        user_logged_in.connect(session_stamp, dispatch_uid="redress-session-stamp")

        from django_tasks.signals import task_finished, task_started

        from redress.core.requestid import on_task_finished, on_task_started

        # Logging only: the worker's lines for a task carry the id of the request that queued it.
        task_started.connect(on_task_started, dispatch_uid="redress-task-request-id")
        task_finished.connect(on_task_finished, dispatch_uid="redress-task-request-id-end")
