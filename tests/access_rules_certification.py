"""Who may open what of the readiness page, the auditor's pack and external auditors' access
(docs/certification.md):
the rows ``tests/access_rules.py`` merges into ``RULES``, in its column order (anonymous,
frontline, handler, complaints manager, top management, auditor, administrator, superuser) and
with its conventions; and what an external auditor gets on every route of the staff site.

The statuses follow ``certification.selectors``: complaints managers and administrators ask for
packs; they, top management and auditors read them; administrators (and the superuser) grant
access. The test's world holds no pack and no grant: a route of one is asked for one that does
not exist (404 for those who may read it). The external auditor's pages answer 403 to staff.
"""

# --------------------------------------------------------------------------------------------
# What the rows say:
# - the packs' list is read by complaints managers, top management, auditors and
#   administrators; asking for one (an empty form: 422) by complaints managers and
#   administrators;
# - a pack's page, its progress and its download: 404 for a reader (no such pack), 403 for the
#   others; they answer GET only (405), after the sign-in;
# - granting is for administrators and the superuser (an empty form: 422); revoking answers
#   POST only (405 before the sign-in);
# - the external auditor's pages refuse everyone else (403);
# - the readiness page answers complaints managers, top management and auditors (and a
#   superuser), 403 to every other role; it only reads: 405 to POST, before sign-in is asked.

CERTIFICATION: dict[str, dict[str, str]] = {
    "backoffice:readiness": {
        "GET": "302 403 403 200 200 200 403 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "backoffice:packs": {
        "GET": "302 403 403 200 200 200 200 403",
        "POST": "302 403 403 422 403 403 422 403",
    },
    **{
        f"backoffice:{name}": {
            "GET": "302 403 403 404 404 404 404 403",
            "POST": "302 405 405 405 405 405 405 405",
        }
        for name in ("pack", "pack_progress", "pack_download")
    },
    "backoffice:grants": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "302 403 403 403 403 403 422 422",
    },
    "backoffice:grant_revoke": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 403 403 403 404 404",
    },
    **{
        f"backoffice:{name}": {
            "GET": "302 403 403 403 403 403 403 403",
            "POST": "302 405 405 405 405 405 405 405",
        }
        for name in ("external_home", "external_complaint")
    },
}

# What an external auditor with a live grant (on a pack whose sample holds the world's
# complaint) gets on the staff site: 403 on every route but these (the sign-in, sign-out,
# password and second-factor pages, ``middleware.OPEN``, are not theirs to be refused), by
# method. The home page sends them to their packs.
EXTERNAL_AUDITOR: dict[str, dict[str, int]] = {
    "backoffice:home": {"GET": 302, "POST": 302},
    "backoffice:external_home": {"GET": 200, "POST": 405},
    "backoffice:external_complaint": {"GET": 200, "POST": 405},
    "backoffice:pack_download": {"GET": 404, "POST": 405},
}
EXTERNAL_AUDITOR_DEFAULT = 403
