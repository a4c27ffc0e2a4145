"""Who may open what in the personal-data pages (issue 15, docs/privacy.md): the rows
``tests/access_rules.py`` merges into ``RULES``, in its column order (anonymous, frontline,
handler, complaints manager, top management, auditor, administrator, superuser) and with its
conventions.

The statuses follow ``privacy.roles.PRIVACY_ROLES``: complaints managers, top management,
auditors and administrators (and the data-protection officer, who has no column here) read the
register; all of them but the auditor report a breach (an empty report answers 422); only the
data-protection officer takes a breach's steps, so every column is refused them (403) before the
breach is looked up. The world holds no breach: a reader asking for one gets 404. Steps are POST
only (405 for GET). The retention pages follow ``RETENTION_READ`` and ``RETENTION_MANAGE``.
"""

_STEP = {"GET": "405 405 405 405 405 405 405 405", "POST": "302 403 403 403 403 403 403 403"}

PRIVACY: dict[str, dict[str, str]] = {
    "backoffice:breaches": {
        "GET": "302 403 403 200 200 200 200 200",
        "POST": "302 403 403 200 200 200 200 200",
    },
    "backoffice:breach_new": {
        "GET": "302 403 403 200 200 403 200 200",
        "POST": "302 403 403 422 422 403 422 422",
    },
    "backoffice:breach": {
        "GET": "302 403 403 404 404 404 404 404",
        "POST": "302 403 403 404 404 404 404 404",
    },
    # The personal-data access log: the data-protection officer and auditors.
    "backoffice:access_log": {
        "GET": "302 403 403 403 403 200 403 403",
        "POST": "302 403 403 403 403 200 403 403",
    },
    # A person's data export: the data-protection officer only (no column here), so every
    # column is refused, before the form is read.
    "backoffice:person_export": {
        "GET": "302 403 403 403 403 403 403 403",
        "POST": "302 403 403 403 403 403 403 403",
    },
    # Erasing a person's data: the data-protection officer only (no column here); an empty
    # form would answer 422.
    "backoffice:person_erase": {
        "GET": "302 403 403 403 403 403 403 403",
        "POST": "302 403 403 403 403 403 403 403",
    },
    # Legal holds: the data-protection officer (no column here) and complaints managers; an
    # empty form answers 422; releasing a hold that does not exist: 404 for a manager.
    "backoffice:legal_holds": {
        "GET": "302 403 403 200 403 403 403 403",
        "POST": "302 403 403 422 403 403 403 403",
    },
    "backoffice:legal_hold_release": {
        "GET": "302 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 403 403 403 403",
    },
    # Retention: the data-protection officer, auditors and top management read the rules and
    # runs; only the officer changes a rule or runs the dry run (every column is refused).
    "backoffice:retention": {
        "GET": "302 403 403 403 200 200 403 403",
        "POST": "302 403 403 403 200 200 403 403",
    },
    "backoffice:retention_rule": _STEP,
    "backoffice:retention_dry_run": _STEP,
    "backoffice:breach_notify": _STEP,
    "backoffice:breach_decide": _STEP,
    "backoffice:breach_informed": _STEP,
    "backoffice:breach_close": _STEP,
    # The complainant's consent on the workspace (POST only): those who speak with complainants
    # (frontline, handlers, complaints managers) and the data-protection officer; an empty form
    # answers 422. Top management and auditors see the complaint but may not record (403); the
    # administrator and the superuser see no complaint (404, before any role is asked).
    "backoffice:consent_record": {
        "GET": "302 405 405 405 405 405 405 405",
        "POST": "302 422 422 422 403 403 404 404",
    },
    "backoffice:consent_withdraw": {
        "GET": "302 405 405 405 405 405 405 405",
        "POST": "302 422 422 422 403 403 404 404",
    },
    # Data-subject requests: the data-protection officer and auditors read them; only the
    # officer records and handles one. The world holds no request: an auditor gets 404.
    "backoffice:privacy_requests": {
        "GET": "302 403 403 403 403 200 403 403",
        "POST": "302 403 403 403 403 200 403 403",
    },
    "backoffice:privacy_request_new": {
        "GET": "302 403 403 403 403 403 403 403",
        "POST": "302 403 403 403 403 403 403 403",
    },
    "backoffice:privacy_request": {
        "GET": "302 403 403 403 403 404 403 403",
        "POST": "302 403 403 403 403 404 403 403",
    },
    "backoffice:privacy_request_verify": _STEP,
    "backoffice:privacy_request_respond": _STEP,
    "backoffice:privacy_request_extend": _STEP,
    "backoffice:privacy_request_complete": _STEP,
    "backoffice:privacy_request_refuse": _STEP,
    "backoffice:privacy_restriction_lift": _STEP,
    # The portal's requests about personal data: the same for everyone. Without the complaint's
    # tracking code in the session, the complaint's form and the acknowledgement send the
    # visitor to the tracking form; the stand-alone page answers an empty form on itself.
    "portal:personal_data": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:personal_data_export": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "portal:personal_data_receipt": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
    # The API: the officer records (an empty body is refused by the schema first, 422); the
    # officer and auditors read one (none exists: 404), the others are refused (403).
    "api-v1:privacy_request_create": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:privacy_request_get": {"GET": "401 403 403 403 403 404 403 403"},
    "portal:personal_data_by_code": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    # Without a tracking code: the address first (an empty form answers itself), then the
    # one-time code, which without an address given in this session goes back to the first.
    "portal:personal_data_contact": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "portal:personal_data_contact_code": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
}
