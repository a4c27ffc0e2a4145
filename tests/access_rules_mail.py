"""Who may download the original email of a complaint (issue 18): the rows
``tests/access_rules.py`` merges into ``RULES``, in its column order (anonymous, frontline,
handler, complaints manager, top management, auditor, administrator, superuser).

The original email holds the complainant's own words and the attachments Redress did not take,
so it is decided as a file with personal data: those who may see the complaint and its personal
data get it (200); the masked roles (top management, auditors) 403; the administrator and the
superuser, who do not see the complaint, 404 (they reach the raw email through the quarantine
and the Django admin). Like a complaint's file, the route answers GET and POST alike.
"""

MAIL: dict[str, dict[str, str]] = {
    "backoffice:original_email": {
        "GET": "302 200 200 200 403 403 404 404",
        "POST": "302 200 200 200 403 403 404 404",
    },
}
