"""The API's routes in the access matrix (``tests/access_rules.py``): 401 without a token, then
as the staff site, in JSON; an action whose body misses a required field is refused (422) before
anything is read."""

API: dict[str, dict[str, str]] = {
    "api-v1:api-root": {"GET": "404 404 404 404 404 404 404 404"},
    "api-v1:breakdown_get": {"GET": "401 403 200 200 200 200 403 403"},
    "api-v1:category_list": {"GET": "401 200 200 200 200 200 200 200"},
    "api-v1:complaint-action-acknowledge": {"POST": "401 409 409 409 403 403 404 404"},
    "api-v1:complaint-action-add_message": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-add_note": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-approve_decision": {"POST": "401 403 403 409 409 403 404 404"},
    "api-v1:complaint-action-assess": {"POST": "401 403 409 409 403 403 404 404"},
    "api-v1:complaint-action-assign": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-close": {"POST": "401 403 409 409 403 403 404 404"},
    "api-v1:complaint-action-communicate_decision": {"POST": "401 403 409 409 403 403 404 404"},
    "api-v1:complaint-action-declare_conflict": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-dismiss_duplicate": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-escalate": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-link": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-merge": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-record_referral_outcome": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-pause": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-prioritise": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-propose_decision": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-rate": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-record_reaction": {"POST": "401 422 422 422 422 422 422 422"},
    # Objectivity (issue 18): each needs a reason, so an empty body is refused first.
    "api-v1:complaint-action-record_subject_staff": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-refer_external": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-reopen": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-resume": {"POST": "401 403 409 409 403 403 404 404"},
    "api-v1:complaint-action-return_decision": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-settle_remedy": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint-action-start_investigation": {"POST": "401 403 409 409 403 403 404 404"},
    "api-v1:complaint-action-withdraw": {"POST": "401 200 409 409 403 403 404 404"},
    "api-v1:complaint-action-withdraw_conflict": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint_action_unknown": {"POST": "401 422 422 422 422 422 422 422"},
    "api-v1:complaint_attachment_add": {
        "GET": "401 200 200 200 200 200 404 404",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:complaint_attachment_download": {"GET": "401 200 200 200 403 403 404 404"},
    "api-v1:complaint_attachments": {
        "GET": "401 200 200 200 200 200 404 404",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:complaint_create": {
        "GET": "401 200 200 200 200 200 200 200",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:complaint_get": {"GET": "401 200 200 200 200 200 404 404"},
    "api-v1:complaint_list": {
        "GET": "401 200 200 200 200 200 200 200",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:complaint_message_add": {
        "GET": "401 200 200 200 200 200 404 404",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:complaint_messages": {
        "GET": "401 200 200 200 200 200 404 404",
        "POST": "401 422 422 422 422 422 422 422",
    },
    "api-v1:kpi_list": {"GET": "401 403 200 200 200 200 403 403"},
    "api-v1:openapi-json": {"GET": "200 200 200 200 200 200 200 200"},
    "api-v1:openapi-view": {"GET": "200 200 200 200 200 200 200 200"},
    "api-v1:unit_list": {"GET": "401 200 200 200 200 200 200 200"},
}
