"""Who may open what in the management framework's policy, responsibility and objective pages
(issue 14): the rows ``tests/access_rules.py`` merges into ``RULES``, in its column order
(anonymous, frontline, handler, complaints manager, top management, auditor, administrator,
superuser) and with its conventions.

The statuses follow ``framework.roles.FRAMEWORK_ROLES``: every staff role reads the
management system (the policy is addressed to all of them); complaints managers draft the
policy and top management approves it; both edit the responsibility matrix and set
objectives. A route for one record of the world that does not exist (an objective, a
responsibility, a policy version) answers 404 to those who pass the role check, 403 to the
others. Actions are POST only (405 for GET). With no policy in force, acknowledging is a
conflict (409); the first "fill in the standard matrix" succeeds (the complaints manager's,
302) and the next is a conflict, as the matrix is no longer empty.
"""

FRAMEWORK: dict[str, dict[str, str]] = {
    # The API reads the policy and the objectives: 401 without a token, else every staff role
    # (the world holds no policy version 999 and no objective 999999: 404).
    "api-v1:policy_get": {"GET": "401 200 200 200 200 200 200 200"},
    "api-v1:policy_version_get": {"GET": "401 404 404 404 404 404 404 404"},
    "api-v1:objective_list": {"GET": "401 200 200 200 200 200 200 200"},
    "api-v1:objective_get": {"GET": "401 404 404 404 404 404 404 404"},
    # The policy in force, published on the portal: the same for everyone.
    "portal:policy": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "backoffice:framework": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 200 200 200 200 200 200 200",
    },
    "backoffice:objectives": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 200 200 200 200 200 200 200",
    },
    "backoffice:objective": {
        "GET": "302 404 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404 404",
    },
    "backoffice:objective_new": {
        "GET": "302 403 403 200 200 403 403 403",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:objective_measure": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:objective_result": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 404 404 404 404 404 404 404",
    },
    "backoffice:objective_retire": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
    "backoffice:policy": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 200 200 200 200 200 200 200",
    },
    "backoffice:policy_acknowledge": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 409 409 409 409 409 409 409",
    },
    "backoffice:policy_approve": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 403 404 403 403 403",
    },
    "backoffice:policy_discard": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 403 403 403 403",
    },
    "backoffice:policy_draft": {
        "GET": "302 403 403 200 403 403 403 403",
        "POST": "302 403 403 422 403 403 403 403",
    },
    "backoffice:policy_version": {
        "GET": "302 404 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404 404",
    },
    "backoffice:responsibilities": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 200 200 200 200 200 200 200",
    },
    "backoffice:responsibilities_print": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 200 200 200 200 200 200 200",
    },
    "backoffice:responsibility_add": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 422 422 403 403 403",
    },
    "backoffice:responsibilities_standard": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 302 409 403 403 403",
    },
    "backoffice:responsibility_end": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "302 403 403 404 404 403 403 403",
    },
}
