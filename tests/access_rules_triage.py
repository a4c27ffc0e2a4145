"""Who may open what of triage (issue 21): the rows ``tests/access_rules.py`` merges into
``RULES``, in its column order (anonymous, frontline, handler, complaints manager, top
management, auditor, administrator, superuser) and with its conventions.

- the suggestions and similar complaints while logging a complaint are for those who may log
  one (the others get 404, as for the duplicate check);
- the suggestions for the assessment are for those who may assess the complaint (handlers and
  complaints managers); the others who see it get 403, the administrator 404 (no complaints);
- the similar complaints of a complaint are for everyone who sees it, through the gate;
- a systemic issue proposed from similar complaints is read by those who read improvement
  records (others get 403); confirming or dismissing it is for complaints managers and top
  management (an empty form: 422), others who read it get 403, those who do not 404;
- the evaluation page and training now are for administrators; training is a POST only, and
  the state of the training it asked for (polled by the page) a GET only.
"""

TRIAGE: dict[str, dict[str, str]] = {
    "backoffice:intake_triage": {
        "GET": "302 200 200 200 404 404 404 404",
        "POST": "302 200 200 200 404 404 404 404",
    },
    "backoffice:complaint_suggestions": {
        "GET": "302 403 200 200 403 403 404 404",
        "POST": "302 403 200 200 403 403 404 404",
    },
    "backoffice:complaint_similar": {
        "GET": "302 200 200 200 200 200 404 404",
        "POST": "302 200 200 200 200 200 404 404",
    },
    "backoffice:triage": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "302 403 403 403 403 403 200 200",
    },
    "backoffice:triage_train": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 403 403 403 302 302",
    },
    "backoffice:proposal": {
        "GET": "302 403 200 200 200 200 403 403",
        "POST": "302 403 200 200 200 200 403 403",
    },
    "backoffice:proposal_confirm": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 403 422 422 403 404 404",
    },
    "backoffice:proposal_dismiss": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 403 422 422 403 404 404",
    },
    "backoffice:triage_training": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
}

TRIAGE_ADMIN_SUPERUSER: dict[int, list[str]] = {
    200: [
        "admin:triage_keywordrule_add",
        "admin:triage_keywordrule_changelist",
    ],
    302: [
        "admin:<admin/triage/keywordrule/(?P<object_id>.+)/>",
        "admin:triage_keywordrule_change",
        "admin:triage_keywordrule_delete",
        "admin:triage_keywordrule_history",
    ],
}
