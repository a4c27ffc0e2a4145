"""Who may open what in continual improvement (issue 13): the rows ``tests/access_rules.py``
merges into ``RULES``, in its column order (anonymous, frontline, handler, complaints manager,
top management, auditor, administrator, superuser) and with its conventions.

The statuses follow the role matrix ``improvement.transitions.IMPROVEMENT_ROLES`` and the reads
of ``improvement.selectors``, not what the code happened to do. The test's world holds the
complaint's investigation (root cause recorded by the handler), a systemic issue of the unit
linked to the complaint, and a draft CAPA of the unit owned by the handler, with a task of the
handler's; CAPA steps are tried with ``start``, which a draft does not allow.
"""

# --------------------------------------------------------------------------------------------
# What the rows say:
# - reading (lists, an issue's or a CAPA's page, a complaint's investigation) is for handlers,
#   complaints managers, top management and auditors; frontline staff and the administrator
#   get 403 for a list, and 404 for a record they may not see, like an unknown one (a CAPA is
#   also seen by its owner and by the holders of its tasks: the handler here). No improvement
#   page names the complainant, so the masked roles (top management, auditors) read them all;
# - each action is refused (403) before its form is read to a role the matrix does not give
#   it: opening an issue or a CAPA (complaints managers, top management), deciding on an issue
#   or giving it an owner (the same), linking complaints to an issue (handlers, complaints
#   managers), planning a CAPA, adding its tasks, taking its work steps and linking complaints
#   to it (complaints managers, and the CAPA's owner), recording an investigation (handlers,
#   complaints managers). The auditor, read-only, is refused every action;
# - an allowed action with an empty form answers 422 (a redirect back to the complaint for
#   "link to CAPA"), a step the CAPA's state does not allow 409, a task marked done by its
#   holder a redirect (a complaints manager may mark it too; top management may not: 403);
# - the API answers 401 without a token, then as the staff site; an action whose body misses
#   a required field is refused (422) before anything is read, as for complaints. A list and
#   the creation of its kind share a path, so each route has both methods;
# - in the Django admin, the superuser configures the cause taxonomy and the systemic issue
#   rules (a rule is switched off, never deleted: 403); issues and CAPA are read-only there
#   (403 to add or delete), they change only through the improvement services.

IMPROVEMENT: dict[str, dict[str, str]] = {
    "api-v1:capa_act": {"POST": "401 404 409 409 403 403 404 404"},
    "api-v1:capa_get": {"GET": "401 404 200 200 200 200 404 404"},
    "api-v1:capa_link_complaint": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:capa_list_api": {
        "GET": "401 403 200 200 200 200 403 403",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:capa_open": {
        "GET": "401 403 200 200 200 200 403 403",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:capa_task_add": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:capa_task_done": {"POST": "401 404 200 200 403 403 404 404"},
    "api-v1:systemic_issue_attach": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:systemic_issue_decide": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:systemic_issue_get": {"GET": "401 404 200 200 200 200 404 404"},
    "api-v1:systemic_issue_list": {
        "GET": "401 403 200 200 200 200 403 403",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:systemic_issue_open": {
        "GET": "401 403 200 200 200 200 403 403",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "backoffice:capa": {
        "GET": "302 404 200 200 200 200 404 404",
        "POST": "302 404 200 200 200 200 404 404",
    },
    "backoffice:capa_act": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 409 409 403 403 404 404",
    },
    "backoffice:capa_open": {
        "GET": "302 403 403 200 200 403 403 403",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:capa_task_add": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 422 422 403 403 404 404",
    },
    "backoffice:capa_task_done": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 302 302 403 403 404 404",
    },
    "backoffice:capas": {
        "GET": "302 403 200 200 200 200 403 403",
        "POST": "302 403 200 200 200 200 403 403",
    },
    "backoffice:complaint_link_capa": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 302 302 403 403 404 404",
    },
    "backoffice:investigation": {
        "GET": "302 403 200 200 200 200 404 404",
        "POST": "302 403 200 200 200 200 404 404",
    },
    "backoffice:investigation_activity": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 422 422 403 403 404 404",
    },
    "backoffice:investigation_conclude": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 422 422 403 403 404 404",
    },
    "backoffice:investigation_fishbone": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 422 422 403 403 404 404",
    },
    "backoffice:investigation_whys": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 422 422 403 403 404 404",
    },
    "backoffice:issue": {
        "GET": "302 404 200 200 200 200 404 404",
        "POST": "302 404 200 200 200 200 404 404",
    },
    "backoffice:issue_assign": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 403 422 422 403 404 404",
    },
    "backoffice:issue_attach": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 422 422 403 403 404 404",
    },
    "backoffice:issue_decide": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 403 422 422 403 404 404",
    },
    "backoffice:issue_open": {
        "GET": "302 403 403 200 200 403 403 403",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:issues": {
        "GET": "302 403 200 200 200 200 403 403",
        "POST": "302 403 200 200 200 200 403 403",
    },
}

# What the superuser gets in the Django admin (everyone else: its sign-in page, 302); 302 for a
# record's pages, as the one asked for does not exist.
IMPROVEMENT_ADMIN_SUPERUSER: dict[int, list[str]] = {
    200: [
        "admin:improvement_capa_changelist",
        "admin:improvement_cause_add",
        "admin:improvement_cause_changelist",
        "admin:improvement_systemicissue_changelist",
        "admin:improvement_systemicrule_add",
        "admin:improvement_systemicrule_changelist",
    ],
    302: [
        "admin:<admin/improvement/capa/(?P<object_id>.+)/>",
        "admin:<admin/improvement/cause/(?P<object_id>.+)/>",
        "admin:<admin/improvement/systemicissue/(?P<object_id>.+)/>",
        "admin:<admin/improvement/systemicrule/(?P<object_id>.+)/>",
        "admin:improvement_capa_change",
        "admin:improvement_capa_history",
        "admin:improvement_cause_change",
        "admin:improvement_cause_delete",  # a cause in use is protected: the admin says so
        "admin:improvement_cause_history",
        "admin:improvement_systemicissue_change",
        "admin:improvement_systemicissue_history",
        "admin:improvement_systemicrule_change",
        "admin:improvement_systemicrule_history",
    ],
    403: [
        "admin:improvement_capa_add",
        "admin:improvement_capa_delete",
        "admin:improvement_systemicissue_add",
        "admin:improvement_systemicissue_delete",
        "admin:improvement_systemicrule_delete",
    ],
}
