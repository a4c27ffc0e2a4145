"""SMS and Zalo channels (issue 22): the rows ``tests/access_rules.py`` merges into ``RULES``, in
its column order (anonymous, frontline, handler, complaints manager, top management, auditor,
administrator, superuser).

The back-office pages are for administrators only. A gateway's callback answers everyone the
same (a staff session gives nothing there): the channel of the matrix's world does not exist,
so 404 whatever the method.
"""

CHANNELS: dict[str, dict[str, str]] = {
    "backoffice:channels": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "302 403 403 403 403 403 200 200",
    },
    "backoffice:channel_create": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "302 403 403 403 403 403 422 422",
    },
    "backoffice:channel_log": {
        "GET": "302 403 403 403 403 403 200 200",
        "POST": "302 403 403 403 403 403 200 200",
    },
    "backoffice:channel_edit": {
        "GET": "302 403 403 403 403 403 404 404",
        "POST": "302 403 403 403 403 403 404 404",
    },
    "backoffice:channel_test": {
        "GET": "302 403 403 403 403 403 405 405",
        "POST": "302 403 403 403 403 403 404 404",
    },
    "backoffice:channel_enable": {
        "GET": "302 403 403 403 403 403 405 405",
        "POST": "302 403 403 403 403 403 404 404",
    },
    "channel_callback": {
        "GET": "404 404 404 404 404 404 404 404",
        "POST": "404 404 404 404 404 404 404 404",
    },
}
