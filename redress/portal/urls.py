from django.urls import path, re_path

from redress.portal.views import complain, decision, files, pages, privacy, tracking

app_name = "portal"

# References look like KN-2026-000123 and codes like ABCD-EFGH-JKMN (the prefix is configurable).
REFERENCE = r"(?P<reference>[A-Za-z0-9][A-Za-z0-9-]{2,31})"

urlpatterns = [
    path("", pages.home, name="home"),
    path("policy/", pages.policy, name="policy"),
    path("complain/", complain.complaint_new, name="complain"),
    path("complain/received/", complain.complaint_receipt, name="receipt"),
    path("track/", tracking.track, name="track"),
    re_path(rf"^track/{REFERENCE}/$", tracking.complaint_page, name="complaint"),
    re_path(rf"^track/{REFERENCE}/reply/$", tracking.complaint_reply, name="reply"),
    re_path(rf"^track/{REFERENCE}/answer/$", decision.complaint_answer, name="answer"),
    re_path(rf"^track/{REFERENCE}/survey/$", decision.complaint_survey, name="survey"),
    re_path(rf"^track/{REFERENCE}/leave/$", tracking.complaint_leave, name="leave"),
    re_path(rf"^track/{REFERENCE}/withdraw/$", tracking.complaint_withdrawal, name="withdraw"),
    re_path(
        rf"^track/{REFERENCE}/personal-data/$",
        privacy.personal_data_request,
        name="personal_data",
    ),
    re_path(
        rf"^track/{REFERENCE}/personal-data/export/$",
        privacy.personal_data_export,
        name="personal_data_export",
    ),
    path("personal-data/", privacy.personal_data_by_code, name="personal_data_by_code"),
    path("personal-data/by-email/", privacy.personal_data_contact, name="personal_data_contact"),
    path(
        "personal-data/by-email/code/",
        privacy.personal_data_contact_code,
        name="personal_data_contact_code",
    ),
    path("personal-data/received/", privacy.personal_data_receipt, name="personal_data_receipt"),
    re_path(
        rf"^track/{REFERENCE}/files/(?P<pk>[0-9]{{1,18}})/$", files.complaint_file, name="file"
    ),
    # The secret link of the receipt email (notifications.services.tracking_url).
    re_path(
        rf"^track/{REFERENCE}/(?P<code>[A-Za-z0-9-]{{12,20}})/$",
        tracking.track_link,
        name="track_link",
    ),
]
