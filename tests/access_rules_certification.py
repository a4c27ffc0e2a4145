"""Who may open what in certification readiness (issue 23): the rows ``tests/access_rules.py``
merges into ``RULES``, in its column order (anonymous, frontline, handler, complaints manager,
top management, auditor, administrator, superuser) and with its conventions.

The readiness page answers complaints managers, top management and auditors (and a superuser);
every other role is refused (403). It only reads: 405 to POST, before sign-in is asked."""

CERTIFICATION: dict[str, dict[str, str]] = {
    "backoffice:readiness": {
        "GET": "302 403 403 200 200 200 403 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
}
