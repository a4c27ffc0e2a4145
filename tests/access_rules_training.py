"""Who may open what in competence (issue 14, item 4): the rows ``tests/access_rules.py``
merges into ``RULES``, in its column order (anonymous, frontline, handler, complaints manager,
top management, auditor, administrator, superuser) and with its conventions.

The statuses follow ``framework.roles.FRAMEWORK_ROLES``: every staff role reads the competence
pages (each person their own row and records; complaints managers, administrators, top
management and auditors everyone's); complaints managers and administrators (a superuser counts
as one) keep courses and records (``TRAINING_EDIT``).
"""

# --------------------------------------------------------------------------------------------
# What the rows say:
# - the table of people × courses and the courses' list answer every staff role (200); the
#   table, a person's records and an evidence file are read-only (405 to POST);
# - a person's records or an evidence file that does not exist, or that the person may not
#   see, is not found (404), whoever asks;
# - adding a course (POST on the list), changing one and recording training are refused (403)
#   before the form is read to a role without ``TRAINING_EDIT``; an allowed empty form answers
#   422, and a course that does not exist 404;
# - in the Django admin, the superuser keeps the courses (through the training services; a
#   course is switched off, never deleted: 403); training records are read-only there (403 to
#   add or delete).

TRAINING: dict[str, dict[str, str]] = {
    "backoffice:training": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "backoffice:training_course": {
        "GET": "302 403 403 404 403 403 404 404",
        "POST": "302 403 403 404 403 403 404 404",
    },
    "backoffice:training_courses": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 403 403 422 403 403 422 422",
    },
    "backoffice:training_evidence": {
        "GET": "302 404 404 404 404 404 404 404",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "backoffice:training_person": {
        "GET": "302 404 404 404 404 404 404 404",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "backoffice:training_record_new": {
        "GET": "302 403 403 200 403 403 200 200",
        "POST": "302 403 403 422 403 403 422 422",
    },
}

TRAINING_ADMIN_SUPERUSER: dict[int, list[str]] = {
    200: [
        "admin:framework_course_add",
        "admin:framework_course_changelist",
        "admin:framework_trainingrecord_changelist",
    ],
    302: [
        "admin:<admin/framework/course/(?P<object_id>.+)/>",
        "admin:<admin/framework/trainingrecord/(?P<object_id>.+)/>",
        "admin:framework_course_change",
        "admin:framework_course_history",
        "admin:framework_trainingrecord_change",
        "admin:framework_trainingrecord_history",
    ],
    403: [
        "admin:framework_course_delete",
        "admin:framework_trainingrecord_add",
        "admin:framework_trainingrecord_delete",
    ],
}
