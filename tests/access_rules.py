"""Who may open what, route by route: the table ``tests/test_access_matrix.py`` checks.

Each identity in ``ORDER`` (the anonymous visitor, each role, a superuser) gets, per route and
method, the status its row says. Add a route, add its row here or in ``access_rules_improvement``.
"""

from tests.access_rules_admin import ADMINISTRATION
from tests.access_rules_api import API
from tests.access_rules_audit import AUDIT
from tests.access_rules_certification import CERTIFICATION
from tests.access_rules_channels import CHANNELS
from tests.access_rules_framework import FRAMEWORK
from tests.access_rules_improvement import IMPROVEMENT, IMPROVEMENT_ADMIN_SUPERUSER
from tests.access_rules_mail import MAIL
from tests.access_rules_portal import PORTAL
from tests.access_rules_privacy import PRIVACY
from tests.access_rules_review import REVIEW
from tests.access_rules_training import TRAINING, TRAINING_ADMIN_SUPERUSER
from tests.access_rules_triage import TRIAGE, TRIAGE_ADMIN_SUPERUSER

ANON, FRONT, HANDLER, MANAGER, TOP, AUDITOR, ADMIN, ROOT = (
    "anonymous",
    "frontline",
    "handler",
    "manager",
    "top",
    "auditor",
    "admin",
    "superuser",
)

# --------------------------------------------------------------------------------------------
# Expected statuses, one row per route and method, in the order of ``ORDER``. What the rows say:
# - the staff site sends an anonymous visitor to sign in (302); a page for certain roles
#   answers the others 403; the administrator, who sees no complaints, gets 404 for one;
#   top management and auditors, who see the complainant masked, get 403 for a file holding
#   personal data and for the reply template (which holds the complainant's name); a
#   read-only auditor gets 403 for every action;
# - the second-factor pages send a person without an authenticator to enrolment (302);
# - the portal is the same for everyone (a staff session gives nothing there); the pages of
#   a complaint send a visitor without its tracking code to the tracking form (302);
# - the API answers 401 without a token, then as the staff site, in JSON; an action whose
#   body misses a required field is refused (422) before anything is read;
# - the Django admin sends everyone but a Django-admin account to its sign-in page (302), a
#   second factor given; what the superuser gets is in ``ADMIN_SUPERUSER`` (403: a view the
#   admin does not offer, such as adding audit entries or showing an authenticator's secret).

ORDER = (ANON, FRONT, HANDLER, MANAGER, TOP, AUDITOR, ADMIN, ROOT)


def row(statuses: str) -> dict[str, int]:
    return dict(zip(ORDER, (int(status) for status in statuses.split()), strict=True))


RULES: dict[str, dict[str, dict[str, int]]] = {
    "<api/v1/(?P<rest>.*)>": {
        "GET": row("404 404 404 404 404 404 404 404"),
        "POST": row("404 404 404 404 404 404 404 404"),
    },
    # The language switch answers everyone the same: back where they came from.
    "set_language": {
        "GET": row("302 302 302 302 302 302 302 302"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    # The inbound-mail webhook takes only a POST with its secret; a staff session gives nothing.
    # Health and metrics (docs/deployment.md) answer load balancers and Prometheus the same
    # whoever is signed in; /metrics answers loopback (the test client) or its token.
    "ops:healthz": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("405 405 405 405 405 405 405 405"),
    },
    "ops:readyz": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("405 405 405 405 405 405 405 405"),
    },
    "ops:metrics": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("405 405 405 405 405 405 405 405"),
    },
    "intake:mail-webhook": {
        "GET": row("405 405 405 405 405 405 405 405"),
        "POST": row("401 401 401 401 401 401 401 401"),
    },
    "admin:login": {"GET": row("200 200 200 200 200 200 200 302")},
    "admin:logout": {"GET": row("302 302 302 302 302 302 302 405")},
    "backoffice:act": {
        "GET": row("302 302 302 302 302 403 404 404"),
        "POST": row("302 422 422 422 422 403 404 404"),
    },
    "backoffice:analytics_chart": {
        "GET": row("302 403 200 200 200 200 403 403"),
        "POST": row("302 403 200 200 200 200 403 403"),
    },
    "backoffice:analytics_charts": {
        "GET": row("302 403 200 200 200 200 403 403"),
        "POST": row("302 403 200 200 200 200 403 403"),
    },
    "backoffice:analytics_complaints": {
        "GET": row("302 403 200 200 200 200 403 403"),
        "POST": row("302 403 200 200 200 200 403 403"),
    },
    "backoffice:analytics_export": {
        "GET": row("302 403 200 200 200 200 403 403"),
        "POST": row("302 403 200 200 200 200 403 403"),
    },
    "backoffice:attachment": {
        "GET": row("302 200 200 200 403 403 404 404"),
        "POST": row("302 200 200 200 403 403 404 404"),
    },
    # The owner list of a bulk assign: nobody is offered for complaints the person cannot see.
    "backoffice:bulk_owners": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 200 200 200 200 200 200 200"),
    },
    "backoffice:bulk": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:complaint": {
        "GET": row("302 200 200 200 200 200 404 404"),
        "POST": row("302 200 200 200 200 200 404 404"),
    },
    "backoffice:export": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 200 200 200 200 200 200 200"),
    },
    "backoffice:home": {
        "GET": row("302 302 200 200 200 302 302 302"),
        "POST": row("302 302 200 200 200 302 302 302"),
    },
    "backoffice:intake": {
        "GET": row("302 200 200 200 403 403 403 403"),
        "POST": row("302 422 422 422 403 403 403 403"),
    },
    "backoffice:intake_done": {
        "GET": row("302 302 302 302 302 302 302 302"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:intake_duplicates": {
        "GET": row("302 200 200 200 404 404 404 404"),
        "POST": row("302 200 200 200 404 404 404 404"),
    },
    "backoffice:language": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:login": {
        "GET": row("200 302 302 302 302 302 302 302"),
        "POST": row("200 302 302 302 302 302 302 302"),
    },
    "backoffice:logout": {
        "GET": row("405 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:mailbox_create": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 422 422"),
    },
    "backoffice:mailbox_edit": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:mailbox_read": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:mailbox_test": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:mailboxes": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
    "backoffice:notifications": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 200 200 200 200 200 200 200"),
    },
    "backoffice:notifications_digest": {
        "GET": row("405 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:notifications_read": {
        "GET": row("405 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:password_reset": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("200 200 200 200 200 200 200 200"),
    },
    "backoffice:password_reset_complete": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("405 405 405 405 405 405 405 405"),
    },
    "backoffice:password_reset_confirm": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("200 200 200 200 200 200 200 200"),
    },
    "backoffice:password_reset_done": {
        "GET": row("200 200 200 200 200 200 200 200"),
        "POST": row("405 405 405 405 405 405 405 405"),
    },
    "backoffice:outbox": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
    "backoffice:outbox_detail": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:quarantine": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
    "backoffice:quarantine_detail": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:quarantine_dismiss": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:quarantine_raw": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:quarantine_reprocess": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:queue": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 200 200 200 200 200 200 200"),
    },
    # A person's own queue columns and saved views: any member of staff, for themselves; a
    # saved view that is not theirs (or does not exist) is not found.
    "backoffice:queue_columns": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    # An export built by a background job: its page and its file are for the person who asked
    # for it; any other job (or none) is not found.
    "backoffice:export_job": {
        "GET": row("302 404 404 404 404 404 404 404"),
        "POST": row("302 404 404 404 404 404 404 404"),
    },
    "backoffice:export_download": {
        "GET": row("302 404 404 404 404 404 404 404"),
        "POST": row("302 404 404 404 404 404 404 404"),
    },
    "backoffice:queue_view_delete": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 404 404 404 404 404 404 404"),
    },
    "backoffice:queue_view_save": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 302 302 302 302 302"),
    },
    "backoffice:reply_template": {
        "GET": row("302 200 200 200 403 403 404 404"),
        "POST": row("302 200 200 200 403 403 404 404"),
    },
    "backoffice:report": {
        "GET": row("302 403 403 200 200 200 403 403"),
        "POST": row("302 403 403 200 200 200 403 403"),
    },
    "backoffice:report_pdf": {
        "GET": row("302 403 403 200 200 200 403 403"),
        "POST": row("302 403 403 200 200 200 403 403"),
    },
    "backoffice:satisfaction": {
        "GET": row("302 403 200 200 200 200 403 403"),
        "POST": row("302 403 200 200 200 200 403 403"),
    },
    "backoffice:search": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 200 200 200 200 200 200 200"),
    },
    "backoffice:second_factor": {
        "GET": row("302 302 302 200 200 200 200 200"),
        "POST": row("302 302 302 422 422 422 422 422"),
    },
    "backoffice:second_factor_enrol": {
        "GET": row("302 200 200 200 200 200 200 200"),
        "POST": row("302 422 422 422 422 422 422 422"),
    },
    "backoffice:second_factor_people": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
    "backoffice:second_factor_recovery_codes": {
        "GET": row("302 405 405 405 405 405 405 405"),
        "POST": row("302 302 302 200 200 200 200 200"),
    },
    "backoffice:second_factor_reset": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:token_create": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 422 422"),
    },
    "backoffice:token_revoke": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:tokens": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
    "backoffice:webhook_create": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 422 422"),
    },
    "backoffice:webhook_disable": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:webhook_edit": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:webhook_enable": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:webhook_retry": {
        "GET": row("302 403 403 403 403 403 405 405"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:webhook_secret_rotate": {
        "GET": row("302 403 403 403 403 403 404 404"),
        "POST": row("302 403 403 403 403 403 404 404"),
    },
    "backoffice:webhooks": {
        "GET": row("302 403 403 403 403 403 200 200"),
        "POST": row("302 403 403 403 403 403 200 200"),
    },
} | {
    key: {m: row(s) for m, s in rows.items()}
    for key, rows in (
        IMPROVEMENT
        | FRAMEWORK
        | TRAINING
        | CERTIFICATION
        | REVIEW
        | MAIL
        | PRIVACY
        | CHANNELS
        | ADMINISTRATION
        | TRIAGE
        | PORTAL
        | API
    ).items()
}
RULES |= {key: {m: row(s) for m, s in rows.items()} for key, rows in AUDIT.items()}
ADMIN_SUPERUSER: dict[int, list[str]] = {
    200: [
        "admin:analytics_activityvolume_add",
        "admin:analytics_activityvolume_changelist",
        "admin:analytics_kpitarget_add",
        "admin:analytics_kpitarget_changelist",
        "admin:analytics_reportdispatch_changelist",
        "admin:app_list",
        "admin:audit_auditentry_changelist",
        "admin:auth_group_add",
        "admin:auth_group_changelist",
        "admin:auth_user_password_change",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
        "admin:axes_accesslog_changelist",
        "admin:complaints_category_add",
        "admin:complaints_category_changelist",
        "admin:complaints_prioritymatrix_add",
        "admin:complaints_prioritymatrix_changelist",
        "admin:complaints_product_add",
        "admin:complaints_product_changelist",
        "admin:core_membership_add",
        "admin:core_membership_changelist",
        "admin:core_organisation_changelist",
        "admin:core_orgunit_add",
        "admin:core_orgunit_changelist",
        "admin:core_user_add",
        "admin:core_user_changelist",
        "admin:django_tasks_database_dbtaskresult_changelist",
        "admin:index",
        "admin:intake_importbatch_add",
        "admin:intake_importbatch_changelist",
        "admin:intake_inboundemail_changelist",
        "admin:intake_mailbox_add",
        "admin:intake_mailbox_changelist",
        "admin:integrations_apitoken_add",
        "admin:integrations_apitoken_changelist",
        "admin:integrations_webhookdelivery_changelist",
        "admin:integrations_webhooksubscription_add",
        "admin:integrations_webhooksubscription_changelist",
        "admin:jsi18n",
        "admin:notifications_messagetemplate_add",
        "admin:notifications_messagetemplate_changelist",
        "admin:notifications_outboundemail_changelist",
        "admin:otp_static_staticdevice_add",
        "admin:otp_static_staticdevice_changelist",
        "admin:otp_totp_totpdevice_add",
        "admin:otp_totp_totpdevice_changelist",
        "admin:password_change",
        "admin:password_change_done",
        "admin:sla_businesscalendar_add",
        "admin:sla_businesscalendar_changelist",
        "admin:sla_clockpause_changelist",
        "admin:sla_deadlinenotice_changelist",
        "admin:sla_escalationlevel_add",
        "admin:sla_escalationlevel_changelist",
        "admin:sla_slapolicy_add",
        "admin:sla_slapolicy_changelist",
        "admin:sla_stageclock_changelist",
        "admin:transparency_externalbody_add",
        "admin:transparency_externalbody_changelist",
        "admin:transparency_notice_add",
        "admin:transparency_notice_changelist",
        "admin:transparency_noticeconsent_changelist",
    ],
    302: [
        "admin:<admin/analytics/activityvolume/(?P<object_id>.+)/>",
        "admin:<admin/analytics/kpitarget/(?P<object_id>.+)/>",
        "admin:<admin/analytics/reportdispatch/(?P<object_id>.+)/>",
        "admin:<admin/audit/auditentry/(?P<object_id>.+)/>",
        "admin:<admin/auth/group/(?P<object_id>.+)/>",
        "admin:<admin/axes/accessattempt/(?P<object_id>.+)/>",
        "admin:<admin/axes/accessfailurelog/(?P<object_id>.+)/>",
        "admin:<admin/axes/accesslog/(?P<object_id>.+)/>",
        "admin:<admin/complaints/category/(?P<object_id>.+)/>",
        "admin:<admin/complaints/prioritymatrix/(?P<object_id>.+)/>",
        "admin:<admin/complaints/product/(?P<object_id>.+)/>",
        "admin:<admin/core/membership/(?P<object_id>.+)/>",
        "admin:<admin/core/organisation/(?P<object_id>.+)/>",
        "admin:<admin/core/orgunit/(?P<object_id>.+)/>",
        "admin:<admin/core/user/(?P<object_id>.+)/>",
        "admin:<admin/django_tasks_database/dbtaskresult/(?P<object_id>.+)/>",
        "admin:<admin/intake/importbatch/(?P<object_id>.+)/>",
        "admin:<admin/intake/inboundemail/(?P<object_id>.+)/>",
        "admin:<admin/intake/mailbox/(?P<object_id>.+)/>",
        "admin:<admin/integrations/apitoken/(?P<object_id>.+)/>",
        "admin:<admin/integrations/webhookdelivery/(?P<object_id>.+)/>",
        "admin:<admin/integrations/webhooksubscription/(?P<object_id>.+)/>",
        "admin:<admin/notifications/messagetemplate/(?P<object_id>.+)/>",
        "admin:<admin/notifications/outboundemail/(?P<object_id>.+)/>",
        "admin:<admin/otp_static/staticdevice/(?P<object_id>.+)/>",
        "admin:<admin/otp_totp/totpdevice/(?P<object_id>.+)/>",
        "admin:<admin/sla/businesscalendar/(?P<object_id>.+)/>",
        "admin:<admin/sla/clockpause/(?P<object_id>.+)/>",
        "admin:<admin/sla/deadlinenotice/(?P<object_id>.+)/>",
        "admin:<admin/sla/escalationlevel/(?P<object_id>.+)/>",
        "admin:<admin/sla/slapolicy/(?P<object_id>.+)/>",
        "admin:<admin/sla/stageclock/(?P<object_id>.+)/>",
        "admin:<admin/transparency/externalbody/(?P<object_id>.+)/>",
        "admin:<admin/transparency/notice/(?P<object_id>.+)/>",
        "admin:<admin/transparency/noticeconsent/(?P<object_id>.+)/>",
        "admin:analytics_activityvolume_change",
        "admin:analytics_activityvolume_delete",
        "admin:analytics_activityvolume_history",
        "admin:analytics_kpitarget_change",
        "admin:analytics_kpitarget_delete",
        "admin:analytics_kpitarget_history",
        "admin:analytics_reportdispatch_change",
        "admin:analytics_reportdispatch_delete",
        "admin:analytics_reportdispatch_history",
        "admin:audit_auditentry_change",
        "admin:audit_auditentry_history",
        "admin:auth_group_change",
        "admin:auth_group_delete",
        "admin:auth_group_history",
        "admin:axes_accessattempt_change",
        "admin:axes_accessattempt_delete",
        "admin:axes_accessattempt_history",
        "admin:axes_accessfailurelog_change",
        "admin:axes_accessfailurelog_delete",
        "admin:axes_accessfailurelog_history",
        "admin:axes_accesslog_change",
        "admin:axes_accesslog_delete",
        "admin:axes_accesslog_history",
        "admin:complaints_category_change",
        "admin:complaints_category_delete",
        "admin:complaints_category_history",
        "admin:complaints_prioritymatrix_change",
        "admin:complaints_prioritymatrix_delete",
        "admin:complaints_prioritymatrix_history",
        "admin:complaints_product_change",
        "admin:complaints_product_delete",
        "admin:complaints_product_history",
        "admin:core_membership_change",
        "admin:core_membership_delete",
        "admin:core_membership_history",
        "admin:core_organisation_change",
        "admin:core_organisation_history",
        "admin:core_orgunit_change",
        "admin:core_orgunit_delete",
        "admin:core_orgunit_history",
        "admin:core_user_change",
        "admin:core_user_delete",
        "admin:core_user_history",
        "admin:django_tasks_database_dbtaskresult_change",
        "admin:django_tasks_database_dbtaskresult_history",
        "admin:intake_importbatch_change",
        "admin:intake_importbatch_history",
        "admin:intake_inboundemail_change",
        "admin:intake_inboundemail_history",
        "admin:intake_mailbox_change",
        "admin:intake_mailbox_delete",
        "admin:intake_mailbox_history",
        "admin:integrations_apitoken_change",
        "admin:integrations_apitoken_delete",
        "admin:integrations_apitoken_history",
        "admin:integrations_webhookdelivery_change",
        "admin:integrations_webhookdelivery_delete",
        "admin:integrations_webhookdelivery_history",
        "admin:integrations_webhooksubscription_change",
        "admin:integrations_webhooksubscription_delete",
        "admin:integrations_webhooksubscription_history",
        "admin:notifications_messagetemplate_change",
        "admin:notifications_messagetemplate_delete",
        "admin:notifications_messagetemplate_history",
        "admin:notifications_outboundemail_change",
        "admin:notifications_outboundemail_history",
        "admin:otp_static_staticdevice_change",
        "admin:otp_static_staticdevice_delete",
        "admin:otp_static_staticdevice_history",
        "admin:otp_totp_totpdevice_change",
        "admin:otp_totp_totpdevice_delete",
        "admin:otp_totp_totpdevice_history",
        "admin:sla_businesscalendar_change",
        "admin:sla_businesscalendar_delete",
        "admin:sla_businesscalendar_history",
        "admin:sla_clockpause_change",
        "admin:sla_clockpause_history",
        "admin:sla_deadlinenotice_change",
        "admin:sla_deadlinenotice_history",
        "admin:sla_escalationlevel_change",
        "admin:sla_escalationlevel_delete",
        "admin:sla_escalationlevel_history",
        "admin:sla_slapolicy_change",
        "admin:sla_slapolicy_delete",
        "admin:sla_slapolicy_history",
        "admin:sla_stageclock_change",
        "admin:sla_stageclock_history",
        "admin:transparency_externalbody_change",
        "admin:transparency_externalbody_delete",
        "admin:transparency_externalbody_history",
        "admin:transparency_notice_change",
        "admin:transparency_notice_delete",
        "admin:transparency_notice_history",
        "admin:transparency_noticeconsent_change",
        "admin:transparency_noticeconsent_history",
    ],
    403: [
        "admin:analytics_reportdispatch_add",
        "admin:audit_auditentry_add",
        "admin:audit_auditentry_delete",
        "admin:autocomplete",
        "admin:axes_accessattempt_add",
        "admin:axes_accessfailurelog_add",
        "admin:axes_accesslog_add",
        "admin:core_organisation_add",
        "admin:core_organisation_delete",
        "admin:django_tasks_database_dbtaskresult_add",
        "admin:django_tasks_database_dbtaskresult_delete",
        "admin:intake_importbatch_delete",
        "admin:intake_inboundemail_add",
        "admin:intake_inboundemail_delete",
        "admin:integrations_webhookdelivery_add",
        "admin:notifications_outboundemail_add",
        "admin:notifications_outboundemail_delete",
        "admin:otp_totp_totpdevice_config",
        "admin:otp_totp_totpdevice_qrcode",
        "admin:sla_clockpause_add",
        "admin:sla_clockpause_delete",
        "admin:sla_deadlinenotice_add",
        "admin:sla_deadlinenotice_delete",
        "admin:sla_stageclock_add",
        "admin:sla_stageclock_delete",
        "admin:transparency_noticeconsent_add",
        "admin:transparency_noticeconsent_delete",
    ],
    404: [
        "admin:<admin/(?P<url>.*)>",
        "admin:intake_importbatch_check",
        "admin:intake_importbatch_errors",
        "admin:intake_importbatch_mapping",
        "admin:intake_inboundemail_raw",
        "admin:view_on_site",
    ],
}

for _status, _keys in [
    *ADMIN_SUPERUSER.items(),
    *IMPROVEMENT_ADMIN_SUPERUSER.items(),
    *TRAINING_ADMIN_SUPERUSER.items(),
    *TRIAGE_ADMIN_SUPERUSER.items(),
]:
    for _key in _keys:
        RULES[_key] = {"GET": {**dict.fromkeys(ORDER, 302), ROOT: _status}}
