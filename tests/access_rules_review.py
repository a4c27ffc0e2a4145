"""Who may open what in management review (issue 14, ISO 10002 8.6): the rows
``tests/access_rules.py`` merges into ``RULES``, in its column order (anonymous, frontline,
handler, complaints manager, top management, auditor, administrator, superuser) and with its
conventions.

The statuses follow ``framework.roles.FRAMEWORK_ROLES`` (``review_prepare``: complaints managers
and top management; ``review_approve``: top management) and the readers of
``framework.selectors_review`` (complaints managers, top management and auditors, and the owner
of one of a review's actions). The test's world holds no review: a review's routes are tried
with one that does not exist.
"""

# --------------------------------------------------------------------------------------------
# What the rows say:
# - the list and the review's pages are for the pack's readers (complaints managers, top
#   management, auditors); others, who own no action of a review, get 403 before anything is
#   looked up; a reader asking for a review that does not exist gets 404;
# - each step is refused (403) before the review is looked up to a role that may not take it:
#   planning, the inputs, freezing, recording the meeting held, outputs and minutes
#   (complaints managers, top management), approving the minutes (top management). The
#   auditor, read-only, is refused every step; an allowed plan with an empty form answers 422;
# - marking a task done is for its owner: the readers reach the (missing) review, 404;
# - the API answers 401 without a token, then as the staff site; the world's reference is a
#   complaint's, so a review asked for by it is not found (404), for a reader as for others.

REVIEW: dict[str, dict[str, str]] = {
    "api-v1:review_get": {"GET": "401 404 404 404 404 404 404 404"},
    "api-v1:review_list_api": {"GET": "401 403 403 200 200 200 403 403"},
    "backoffice:review": {
        "GET": "302 403 403 404 404 404 403 403",
        "POST": "302 403 403 404 404 404 403 403",
    },
    "backoffice:review_approve": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 403 404 403 403 403",
    },
    "backoffice:review_freeze": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:review_hold": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:review_inputs": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:review_minutes": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:review_output": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:review_pack": {
        "GET": "302 403 403 404 404 404 403 403",
        "POST": "302 403 403 404 404 404 403 403",
    },
    "backoffice:review_plan": {
        "GET": "302 403 403 200 200 403 403 403",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:review_task_done": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 404 403 403",
    },
    "backoffice:reviews": {
        "GET": "302 403 403 200 200 200 403 403",
        "POST": "302 403 403 200 200 200 403 403",
    },
}
