"""Who may open the back office's administration of the organisation, its catalogue and its
calendars: the rows ``tests/access_rules.py`` merges into ``RULES``, in its column order
(anonymous, frontline, handler, complaints manager, top management, auditor, administrator,
superuser).

Administrators and superusers only; everyone else gets 403 (an anonymous visitor is sent to
sign in). Lists answer 200; a create form sent empty is refused (422); a page of a unit,
person, category, product or calendar that does not exist is 404; a button (POST only) answers
GET with 405.
"""

LIST = {"GET": "302 403 403 403 403 403 200 200", "POST": "302 403 403 403 403 403 200 200"}
CREATE = {"GET": "302 403 403 403 403 403 200 200", "POST": "302 403 403 403 403 403 422 422"}
MISSING = {"GET": "302 403 403 403 403 403 404 404", "POST": "302 403 403 403 403 403 404 404"}
BUTTON = {"GET": "302 403 403 403 403 403 405 405", "POST": "302 403 403 403 403 403 404 404"}

ADMINISTRATION: dict[str, dict[str, str]] = {
    "backoffice:units": LIST,
    "backoffice:unit_create": CREATE,
    "backoffice:unit_edit": MISSING,
    "backoffice:people": LIST,
    "backoffice:person_create": CREATE,
    "backoffice:person": MISSING,
    "backoffice:person_role_grant": BUTTON,
    "backoffice:person_role_end": BUTTON,
    "backoffice:person_active": BUTTON,
    "backoffice:categories": LIST,
    "backoffice:category_create": CREATE,
    "backoffice:category_edit": MISSING,
    "backoffice:products": LIST,
    "backoffice:product_create": CREATE,
    "backoffice:product_edit": MISSING,
    "backoffice:calendars": LIST,
    "backoffice:calendar": MISSING,
    "backoffice:calendar_day_remove": BUTTON,
    "backoffice:policies": LIST,
    "backoffice:policy_edit": MISSING,
    "backoffice:escalation_edit": MISSING,
    "backoffice:templates": LIST,
    "backoffice:template_edit": MISSING,
    "backoffice:notices": LIST,
    "backoffice:notice": MISSING,
    "backoffice:notice_copy": BUTTON,
    "backoffice:notice_publish": BUTTON,
}
