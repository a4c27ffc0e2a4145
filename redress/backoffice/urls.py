from django.urls import path

from redress.backoffice.views import (
    analytics,
    auth,
    dashboards,
    figures,
    framework,
    framework_plans,
    improvement,
    inbound,
    intake,
    integrations,
    investigation,
    misc,
    queues,
    reports,
    secondfactor,
    workspace,
)
from redress.backoffice.views import reviews as review_views

app_name = "backoffice"
urlpatterns = [
    path("", dashboards.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", auth.language, name="language"),
    path("second-factor/", secondfactor.verify, name="second_factor"),
    path("second-factor/enrol/", secondfactor.enrol, name="second_factor_enrol"),
    path(
        "second-factor/recovery-codes/",
        secondfactor.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path("queue/<slug:queue>/", queues.queue, name="queue"),
    path("queue/<slug:queue>/bulk/", queues.bulk, name="bulk"),
    path("queue/<slug:queue>/export/", queues.export, name="export"),
    # Dashboards' figures: every chart, its downloads, and the complaints behind a count
    path("analytics/charts/", figures.charts, name="analytics_charts"),
    path("analytics/charts/<slug:code>/", figures.chart, name="analytics_chart"),
    path("analytics/charts/<slug:code>/export/", figures.export, name="analytics_export"),
    path("analytics/complaints/", figures.drill, name="analytics_complaints"),
    path("search/", misc.search, name="search"),
    path("notifications/", misc.notifications, name="notifications"),
    path("notifications/read/", misc.notifications_read, name="notifications_read"),
    path("intake/", intake.intake, name="intake"),
    path("intake/duplicates/", intake.intake_duplicates, name="intake_duplicates"),
    path("intake/<str:reference>/done/", intake.intake_done, name="intake_done"),
    path("c/<str:reference>/", workspace.complaint, name="complaint"),
    path("c/<str:reference>/act/<slug:action>/", workspace.act, name="act"),
    path("c/<str:reference>/reply-template/", workspace.reply_template, name="reply_template"),
    path("files/<int:pk>/", workspace.attachment, name="attachment"),
    path(
        "c/<str:reference>/link-capa/",
        improvement.complaint_link_capa,
        name="complaint_link_capa",
    ),
    # The investigation record (ISO 10002 7.6)
    path(
        "c/<str:reference>/investigation/",
        investigation.investigation,
        name="investigation",
    ),
    path(
        "c/<str:reference>/investigation/activity/",
        investigation.activity_add,
        name="investigation_activity",
    ),
    path(
        "c/<str:reference>/investigation/conclude/",
        investigation.conclude,
        name="investigation_conclude",
    ),
    path(
        "c/<str:reference>/investigation/whys/", investigation.five_whys, name="investigation_whys"
    ),
    path(
        "c/<str:reference>/investigation/fishbone/",
        investigation.fishbone,
        name="investigation_fishbone",
    ),
    # Continual improvement (ISO 10002 8.2, 8.7)
    path("improvement/issues/", improvement.issue_list_page, name="issues"),
    path("improvement/issues/new/", improvement.issue_open, name="issue_open"),
    path("improvement/issues/<int:pk>/", improvement.issue_detail, name="issue"),
    path("improvement/issues/<int:pk>/decide/", improvement.issue_decide, name="issue_decide"),
    path("improvement/issues/<int:pk>/attach/", improvement.issue_attach, name="issue_attach"),
    path("improvement/issues/<int:pk>/owner/", improvement.issue_assign, name="issue_assign"),
    path("improvement/capa/", improvement.capa_list_page, name="capas"),
    path("improvement/capa/new/", improvement.capa_open, name="capa_open"),
    path("improvement/capa/<int:pk>/", improvement.capa_detail, name="capa"),
    path("improvement/capa/<int:pk>/act/<slug:action>/", improvement.capa_act, name="capa_act"),
    path("improvement/capa/<int:pk>/tasks/", improvement.capa_task_add, name="capa_task_add"),
    path(
        "improvement/capa/<int:pk>/tasks/<int:task>/done/",
        improvement.capa_task_done,
        name="capa_task_done",
    ),
    # The management framework (ISO 10002 clauses 5, 6)
    path("system/", framework.framework_home, name="framework"),
    path("system/policy/", framework.policy_page, name="policy"),
    path("system/policy/draft/", framework.policy_draft_form, name="policy_draft"),
    path("system/policy/approve/", framework.policy_approve, name="policy_approve"),
    path("system/policy/discard/", framework.policy_discard, name="policy_discard"),
    path("system/policy/read/", framework.policy_acknowledge, name="policy_acknowledge"),
    path("system/policy/v<int:number>/", framework.policy_version, name="policy_version"),
    path("system/responsibilities/", framework_plans.responsibilities, name="responsibilities"),
    path(
        "system/responsibilities/print/",
        framework_plans.responsibilities_print,
        name="responsibilities_print",
    ),
    path(
        "system/responsibilities/add/",
        framework_plans.responsibility_add,
        name="responsibility_add",
    ),
    path(
        "system/responsibilities/standard/",
        framework_plans.responsibilities_standard,
        name="responsibilities_standard",
    ),
    path(
        "system/responsibilities/<int:pk>/end/",
        framework_plans.responsibility_end,
        name="responsibility_end",
    ),
    path("system/objectives/", framework_plans.objectives, name="objectives"),
    path("system/objectives/new/", framework_plans.objective_new, name="objective_new"),
    path("system/objectives/<int:pk>/", framework_plans.objective_detail, name="objective"),
    path(
        "system/objectives/<int:pk>/measure/",
        framework_plans.objective_measure,
        name="objective_measure",
    ),
    path(
        "system/objectives/<int:pk>/result/",
        framework_plans.objective_result,
        name="objective_result",
    ),
    path(
        "system/objectives/<int:pk>/retire/",
        framework_plans.objective_retire,
        name="objective_retire",
    ),
    # Analysis (ISO 10002 8.2–8.4)
    path("analytics/satisfaction/", analytics.satisfaction, name="satisfaction"),
    # Figures (top management, complaints managers, auditors)
    path("analytics/report/", reports.report_form, name="report"),
    path("analytics/report.pdf", reports.report_pdf, name="report_pdf"),
    # Administration (the administrator role only)
    path("admin/tokens/", integrations.token_list, name="tokens"),
    path("admin/tokens/new/", integrations.token_create, name="token_create"),
    path("admin/tokens/<int:pk>/revoke/", integrations.token_revoke, name="token_revoke"),
    path("admin/webhooks/", integrations.webhook_list, name="webhooks"),
    path("admin/webhooks/new/", integrations.webhook_create, name="webhook_create"),
    path("admin/webhooks/<int:pk>/edit/", integrations.webhook_edit, name="webhook_edit"),
    path(
        "admin/webhooks/<int:pk>/secret/",
        integrations.webhook_secret_rotate,
        name="webhook_secret_rotate",
    ),
    path("admin/webhooks/<int:pk>/enable/", integrations.webhook_enable, name="webhook_enable"),
    path("admin/webhooks/<int:pk>/disable/", integrations.webhook_disable, name="webhook_disable"),
    path(
        "admin/webhooks/deliveries/<int:pk>/retry/",
        integrations.webhook_retry,
        name="webhook_retry",
    ),
    path("admin/quarantine/", inbound.quarantine_list, name="quarantine"),
    path("admin/quarantine/<int:pk>/", inbound.quarantine_detail, name="quarantine_detail"),
    path("admin/quarantine/<int:pk>/original.eml", inbound.quarantine_raw, name="quarantine_raw"),
    path(
        "admin/quarantine/<int:pk>/dismiss/", inbound.quarantine_dismiss, name="quarantine_dismiss"
    ),
    path(
        "admin/quarantine/<int:pk>/reprocess/",
        inbound.quarantine_reprocess,
        name="quarantine_reprocess",
    ),
    path("admin/second-factor/", secondfactor.people, name="second_factor_people"),
    path(
        "admin/second-factor/<int:pk>/reset/",
        secondfactor.reset,
        name="second_factor_reset",
    ),
    path("admin/mailboxes/", inbound.mailbox_list, name="mailboxes"),
    path("admin/mailboxes/new/", inbound.mailbox_create, name="mailbox_create"),
    path("admin/mailboxes/<int:pk>/edit/", inbound.mailbox_edit, name="mailbox_edit"),
    path("admin/mailboxes/<int:pk>/test/", inbound.mailbox_test, name="mailbox_test"),
    path("admin/mailboxes/<int:pk>/read/", inbound.mailbox_read, name="mailbox_read"),
    # Management review (ISO 10002 8.6)
    path("framework/reviews/", review_views.review_list_page, name="reviews"),
    path("framework/reviews/new/", review_views.review_plan, name="review_plan"),
    path("framework/reviews/<int:pk>/", review_views.review_detail, name="review"),
    path("framework/reviews/<int:pk>/inputs/", review_views.review_inputs, name="review_inputs"),
    path("framework/reviews/<int:pk>/freeze/", review_views.review_freeze, name="review_freeze"),
    path("framework/reviews/<int:pk>/held/", review_views.review_hold, name="review_hold"),
    path(
        "framework/reviews/<int:pk>/outputs/", review_views.review_output_add, name="review_output"
    ),
    path(
        "framework/reviews/<int:pk>/tasks/<int:task>/done/",
        review_views.review_task_done,
        name="review_task_done",
    ),
    path("framework/reviews/<int:pk>/minutes/", review_views.review_minutes, name="review_minutes"),
    path("framework/reviews/<int:pk>/approve/", review_views.review_approve, name="review_approve"),
    path("framework/reviews/<int:pk>/pack.pdf", review_views.review_pack, name="review_pack"),
]
