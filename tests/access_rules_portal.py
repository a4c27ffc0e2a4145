"""The public portal's routes in the access matrix (``tests/access_rules.py``): the portal is the
same for everyone (a staff session gives nothing there); the pages of a complaint send a visitor
without its tracking code to the tracking form (302)."""

PORTAL: dict[str, dict[str, str]] = {
    "portal:answer": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:complain": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "portal:complaint": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:file": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:home": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "portal:leave": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:receipt": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:reply": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:survey": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "portal:track": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "portal:track_link": {
        "GET": "404 404 404 404 404 404 404 404",
        "POST": "404 404 404 404 404 404 404 404",
    },
    "portal:withdraw": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 302 302 302 302 302 302 302",
    },
}
