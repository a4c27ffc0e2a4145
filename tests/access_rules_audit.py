"""Who may open what in internal audit (ISO 10002 8.5): the rows ``tests/access_rules.py``
merges into ``RULES``, in its column order (anonymous, frontline, handler, complaints manager,
top management, auditor, administrator, superuser) and with its conventions.

The statuses follow ``framework.roles.FRAMEWORK_ROLES`` (``AUDIT_PLAN``: complaints managers
and top management; ``AUDIT_CONDUCT``: auditors, on the audits they are named on) and the reads
of ``framework.selectors_audit``. The test's world holds no audit: a route of one audit is
asked for one that does not exist.
"""

# --------------------------------------------------------------------------------------------
# What the rows say:
# - the programme and an audit's pages are read by complaints managers, top management and
#   auditors; frontline staff, handlers and the administrator get 403 before anything is read
#   (the audit asked for does not exist: 404 for the readers);
# - planning is for complaints managers and top management (an empty form: 422);
# - every step on an audit (start, report, close, checklist, sample, findings) is refused (403)
#   to a role that does not read audits; a reader gets 404 for an audit that does not exist
#   (its named auditors are checked on an audit that does);
# - the API answers 401 without a token, then as the staff site.

AUDIT: dict[str, dict[str, str]] = {
    "api-v1:audit_get": {"GET": "401 403 403 404 404 404 403 403"},
    "api-v1:audit_list_api": {"GET": "401 403 403 200 200 200 403 403"},
    "backoffice:audits": {
        "GET": "302 403 403 200 200 200 403 403",
        "POST": "302 403 403 200 200 200 403 403",
    },
    "backoffice:audit_plan": {
        "GET": "302 403 403 200 200 403 403 403",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:audit": {
        "GET": "302 403 403 404 404 404 403 403",
        "POST": "302 403 403 404 404 404 403 403",
    },
    "backoffice:audit_report_pdf": {
        "GET": "302 403 403 404 404 404 403 403",
        "POST": "302 403 403 404 404 404 403 403",
    },
    **{
        f"backoffice:{name}": {
            "GET": "405 405 405 405 405 405 405 405",
            "POST": "302 403 403 404 404 404 403 403",
        }
        for name in (
            "audit_act",
            "audit_finding",
            "audit_question_add",
            "audit_question_answer",
            "audit_question_edit",
            "audit_question_remove",
            "audit_sample_check",
            "audit_sample_draw",
        )
    },
}
