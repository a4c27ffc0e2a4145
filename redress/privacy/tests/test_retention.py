"""Retention (issue 15 item 6, REQ-PD-4): each kind of record kept for its rule's period, then
anonymised, deleted or cleared in batches; a dry run that counts and changes nothing; open
complaints (and anything of them) never touched; files gone from storage unless another record
still uses them; the daily job once a day; the command; the DPO's pages; and the portal's
personal-data notice stating the periods as they are set."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.complaints.models import Attachment, Complaint, Status
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import actor, staff
from redress.handling.testing import complaint_in_state, make_team
from redress.intake.models import InboundEmail
from redress.notifications.models import OutboundEmail
from redress.privacy import retention
from redress.privacy.jobs import retention_daily
from redress.privacy.legal_hold import legal_hold_place
from redress.privacy.models import (
    AnonymisedComplaint,
    Expiry,
    PersonalDataAccess,
    RecordType,
    RetentionRule,
    RetentionRun,
)
from redress.privacy.retention import months_before, retention_run
from redress.privacy.retention_rules import retention_notice_text, retention_rule_change
from redress.sla.testing import frozen_clock
from redress.transparency.models import Notice, NoticeConsent
from redress.transparency.selectors import notice_current
from redress.transparency.services import consent_record

pytestmark = pytest.mark.django_db

CLI = Actor.system("cli")
SHARED = b"%PDF-1.4 the same invoice, sent with two complaints"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def attach(complaint, content: bytes) -> Attachment:
    sha = hashlib.sha256(content).hexdigest()
    path = f"attachments/{sha[:2]}/{sha}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    row = Attachment(
        complaint=complaint,
        original_name="hoa-don.pdf",
        size=len(content),
        sha256=sha,
        content_type="application/pdf",
        uploaded_at=timezone.now(),
        uploaded_by_label="web",
    )
    row.file.name = path
    row.save()
    return row


def inbound(complaint=None, *, outcome=InboundEmail.Outcome.QUARANTINED) -> InboundEmail:
    content = f"Subject: khieu nai\r\n\r\n{timezone.now().isoformat()} {complaint}".encode()
    sha = hashlib.sha256(content).hexdigest()
    row = InboundEmail(
        dedupe_key=sha,
        source=InboundEmail.Source.FILE,
        from_address="khach@example.test",
        sha256=sha,
        size=len(content),
        outcome=outcome if complaint is None else InboundEmail.Outcome.COMPLAINT,
        complaint=complaint,
    )
    row.raw.name = default_storage.save(f"mail/{sha[:2]}/{sha}.eml", ContentFile(content))
    row.save()
    return row


def sent_email(complaint=None) -> OutboundEmail:
    return OutboundEmail.objects.create(
        complaint=complaint,
        to="khach@example.test",
        subject="Khiếu nại của Quý khách",
        body="Kính gửi Nguyễn Văn A, ...",
        email_message_id=f"<{timezone.now().timestamp()}-{complaint}@redress.test>",
        state=OutboundEmail.State.SENT,
        sent_at=timezone.now(),
    )


def viewed(person, complaint) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        at=timezone.now(), user=person, via=PersonalDataAccess.Via.PAGE, complaint=complaint
    )


@pytest.fixture
def world():
    """Records of 2020 (past every period) and of December 2025 (within every period), looked
    at on 9 March 2026: complaint ``old`` closed in January 2020, ``open`` received then and
    still under investigation, ``recent`` closed in December 2025."""
    with frozen_clock("2020-01-06 09:00") as clock:
        team = make_team()
        old = complaint_in_state(Status.CLOSED, team)
        still_open = complaint_in_state(Status.INVESTIGATING, team)
        notice = notice_current()
        for complaint in (old, still_open):
            NoticeConsent.objects.filter(complaint=complaint).delete()
            consent_record(
                complaint=complaint,
                notice=notice,
                language="vi",
                channel="web",
                method="web",
                evidence={"form": "test"},
                actor=Actor.channel("web"),
            )
        records = {
            "old": old,
            "open": still_open,
            "old_own_file": attach(old, b"%PDF-1.4 only the old complaint's file"),
            "old_shared_file": attach(old, SHARED),
            "open_file": attach(still_open, SHARED),
            "old_email": inbound(old),
            "open_email": inbound(still_open),
            "quarantined": inbound(),
            "old_sent": sent_email(old),
            "open_sent": sent_email(still_open),
            "old_view": viewed(team.handler, old),
        }
        clock.set("2025-12-01 09:00")
        recent = complaint_in_state(Status.CLOSED, team)
        records |= {
            "team": team,
            "recent": recent,
            "recent_file": attach(recent, b"%PDF-1.4 the recent complaint's file"),
            "recent_email": inbound(recent),
            "recent_quarantined": inbound(),
            "recent_sent": sent_email(recent),
            "recent_view": viewed(team.handler, recent),
        }
    return records


class _Anonymised:
    """The complaints anonymised so far (``AnonymisedComplaint``), compared as a sorted list."""

    def ids(self) -> list[int]:
        return sorted(AnonymisedComplaint.objects.values_list("complaint_id", flat=True))

    def __eq__(self, other: object) -> bool:
        return self.ids() == other

    def __contains__(self, pk: object) -> bool:
        return pk in self.ids()

    def __repr__(self) -> str:
        return repr(self.ids())


@pytest.fixture
def anonymised():
    """What retention anonymised, read from erasure's mark."""
    return _Anonymised()


def snapshot():
    return {
        "attachments": sorted(Attachment.objects.values_list("pk", flat=True)),
        "emails": sorted(InboundEmail.objects.values_list("pk", flat=True)),
        "bodies": sorted(OutboundEmail.objects.exclude(body="").values_list("pk", flat=True)),
        "consents": sorted(NoticeConsent.objects.values_list("pk", flat=True)),
        "views": sorted(PersonalDataAccess.objects.values_list("pk", flat=True)),
        "files": sorted(
            name
            for folder in ("attachments", "mail")
            if default_storage.exists(folder)
            for sub in default_storage.listdir(folder)[0]
            for name in default_storage.listdir(f"{folder}/{sub}")[1]
        ),
    }


def run(dry_run=False):
    with frozen_clock("2026-03-09 09:00"):
        return retention_run(dry_run=dry_run, actor=CLI)


def counts(report):
    return {r.record_type: (r.expired, r.done) for r in report.results}


def test_the_defaults_keep_complaints_five_years_as_the_notice_promised():
    rules = {r.record_type: (r.months, r.expiry) for r in RetentionRule.objects.all()}
    assert rules == {
        RecordType.CLOSED_COMPLAINTS: (60, Expiry.ANONYMISE),
        RecordType.ATTACHMENTS: (36, Expiry.DELETE),
        RecordType.RAW_EMAILS: (12, Expiry.DELETE),
        RecordType.OUTBOX_BODIES: (12, Expiry.CLEAR),
        RecordType.CONSENTS: (12, Expiry.DELETE),
        RecordType.ACCESS_LOG: (24, Expiry.DELETE),
        RecordType.AUDIT: (120, Expiry.KEEP),
    }


def test_a_dry_run_reports_what_expired_and_changes_nothing(world, anonymised):
    before = snapshot()
    entries = AuditEntry.objects.count()
    report = run(dry_run=True)
    assert counts(report) == {
        RecordType.CLOSED_COMPLAINTS: (1, 0),
        RecordType.ATTACHMENTS: (2, 0),
        RecordType.RAW_EMAILS: (2, 0),
        RecordType.OUTBOX_BODIES: (1, 0),
        RecordType.CONSENTS: (1, 0),
        RecordType.ACCESS_LOG: (1, 0),
        RecordType.AUDIT: (0, 0),
    }
    assert report.result(RecordType.CLOSED_COMPLAINTS).ids == [world["old"].pk]
    assert report.result(RecordType.RAW_EMAILS).ids == sorted(
        [world["old_email"].pk, world["quarantined"].pk]
    )
    assert anonymised == []
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries
    row = RetentionRun.objects.get()
    assert row.dry_run and row.results[RecordType.ATTACHMENTS] == {"expired": 2, "done": 0}


def test_a_run_does_exactly_what_expired_and_leaves_the_rest(world, anonymised):
    report = run()
    assert counts(report) == {
        RecordType.CLOSED_COMPLAINTS: (1, 1),
        RecordType.ATTACHMENTS: (2, 2),
        RecordType.RAW_EMAILS: (2, 2),
        RecordType.OUTBOX_BODIES: (1, 1),
        RecordType.CONSENTS: (1, 1),
        RecordType.ACCESS_LOG: (1, 1),
        RecordType.AUDIT: (0, 0),
    }
    assert anonymised == [world["old"].pk]
    gone = ["old_own_file", "old_shared_file", "old_email", "quarantined", "old_view"]
    for name in gone:
        assert not type(world[name]).objects.filter(pk=world[name].pk).exists(), name
    kept = ["open_file", "recent_file", "open_email", "recent_email", "recent_quarantined"]
    for name in kept + ["recent_view"]:
        assert type(world[name]).objects.filter(pk=world[name].pk).exists(), name
    # The files: the old complaint's own file and emails are gone from storage; the invoice it
    # shared with the open complaint stays, since that complaint still has it.
    assert not default_storage.exists(world["old_own_file"].file.name)
    assert not default_storage.exists(world["old_email"].raw.name)
    assert not default_storage.exists(world["quarantined"].raw.name)
    assert default_storage.exists(world["open_file"].file.name)
    for name in ("recent_file", "open_file"):
        assert default_storage.exists(world[name].file.name)
    for name in ("open_email", "recent_email", "recent_quarantined"):
        assert default_storage.exists(world[name].raw.name)
    # The text of the email sent about the old complaint is cleared, its delivery record kept.
    old_sent = OutboundEmail.objects.get(pk=world["old_sent"].pk)
    assert (old_sent.body, old_sent.to, old_sent.state) == ("", "khach@example.test", "sent")
    for name in ("open_sent", "recent_sent"):
        assert OutboundEmail.objects.get(pk=world[name].pk).body
    assert not NoticeConsent.objects.filter(complaint=world["old"]).exists()
    assert NoticeConsent.objects.filter(complaint=world["open"]).exists()
    # One audit entry per kind of record that had something to do, with its counts.
    entries = AuditEntry.objects.filter(action="privacy.retention")
    assert sorted(e.target_label for e in entries) == sorted(
        [
            RecordType.CLOSED_COMPLAINTS,
            RecordType.ATTACHMENTS,
            RecordType.RAW_EMAILS,
            RecordType.OUTBOX_BODIES,
            RecordType.CONSENTS,
            RecordType.ACCESS_LOG,
        ]
    )
    assert entries.get(target_label=RecordType.ATTACHMENTS).after["done"] == 2
    assert audit_verify().ok


def test_open_complaints_are_never_touched_however_old(world, anonymised):
    before = {
        "open": Complaint.objects.get(pk=world["open"].pk).updated_at,
        "files": list(Attachment.objects.filter(complaint=world["open"]).values("pk", "file")),
    }
    run()
    assert world["open"].pk not in anonymised
    assert Complaint.objects.get(pk=world["open"].pk).updated_at == before["open"]
    assert (
        list(Attachment.objects.filter(complaint=world["open"]).values("pk", "file"))
        == before["files"]
    )
    assert InboundEmail.objects.filter(complaint=world["open"]).exists()
    assert OutboundEmail.objects.get(pk=world["open_sent"].pk).body


def test_a_complaint_under_legal_hold_and_its_records_are_left(world, anonymised, monkeypatch):
    held = world["old"]
    officer = staff(Role.DPO, held.unit)
    legal_hold_place(complaint=held, actor=actor(officer), reason="Vụ kiện đang xử lý")
    report = run()
    assert anonymised == []
    assert Attachment.objects.filter(complaint=held).count() == 2
    assert InboundEmail.objects.filter(complaint=held).exists()
    assert OutboundEmail.objects.get(pk=world["old_sent"].pk).body
    assert NoticeConsent.objects.filter(complaint=held).exists()
    # What is nobody's complaint still goes.
    assert counts(report)[RecordType.RAW_EMAILS] == (1, 1)


def test_a_second_run_finds_nothing_left_to_do(world, anonymised):
    run()
    after_first = snapshot()
    report = run()
    assert all(r.expired == 0 and r.done == 0 for r in report.results), counts(report)
    assert snapshot() == after_first
    assert anonymised == [world["old"].pk]


def test_a_rule_set_to_keep_counts_but_does_nothing(world, anonymised):
    RetentionRule.objects.filter(record_type=RecordType.ACCESS_LOG).update(expiry=Expiry.KEEP)
    report = run()
    assert counts(report)[RecordType.ACCESS_LOG] == (1, 0)
    assert PersonalDataAccess.objects.filter(pk=world["old_view"].pk).exists()


def test_batches_take_a_bounded_number_of_rows_each(world, anonymised, monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 1)
    seen: list[list[int]] = []
    original = retention._TARGETS[RecordType.ATTACHMENTS]

    def expire(ids, actor):
        seen.append(list(ids))
        return original.expire(ids, actor)

    monkeypatch.setitem(
        retention._TARGETS,
        RecordType.ATTACHMENTS,
        retention.RetentionTarget(original.expired, expire),
    )
    report = run()
    assert seen == [[world["old_own_file"].pk], [world["old_shared_file"].pk]]
    assert counts(report)[RecordType.ATTACHMENTS] == (2, 2)


def test_months_are_calendar_months():
    moment = dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert months_before(moment, 60) == dt.datetime(2021, 3, 31, 9, 0, tzinfo=dt.UTC)
    assert months_before(moment, 3) == dt.datetime(2025, 12, 31, 9, 0, tzinfo=dt.UTC)


def test_the_daily_job_runs_once_a_day_from_its_hour(world, anonymised):
    with frozen_clock("2026-03-09 01:30"):
        assert retention_daily() is None  # before 02:00
    with frozen_clock("2026-03-09 02:05"):
        first = retention_daily()
    with frozen_clock("2026-03-09 02:06"):
        assert retention_daily() is None  # the next minute, or another worker
    with frozen_clock("2026-03-10 02:00"):
        second = retention_daily()
    assert first is not None and second is not None
    assert (first.scheduled_day, second.scheduled_day) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 10),
    )
    assert first.results[RecordType.ATTACHMENTS] == {"expired": 2, "done": 2}
    assert second.results[RecordType.ATTACHMENTS] == {"expired": 0, "done": 0}
    assert RetentionRun.objects.filter(trigger=RetentionRun.Trigger.SCHEDULE).count() == 2
    assert not first.dry_run and first.actor_label == "retention"


def test_the_command_prints_expired_and_done_per_kind(world, anonymised):
    out = io.StringIO()
    with frozen_clock("2026-03-09 09:00"):
        call_command("privacy", "retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run (nothing changed)" in text
    lines = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert "expired       2  done       0" in lines["attachments"]
    assert Attachment.objects.filter(complaint=world["old"]).count() == 2
    out = io.StringIO()
    with frozen_clock("2026-03-09 09:00"):
        call_command("privacy", "retention", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert "expired       2  done       2" in lines["attachments"]
    assert "expired       1  done       1" in lines["access_log"]


# --- The rules ----------------------------------------------------------------------------


@pytest.fixture
def people():
    team = make_team()
    return {
        "dpo": staff(Role.DPO, team.unit, username="baove"),
        "auditor": team.auditor,
        "top": team.top,
        "manager": team.manager,
    }


def rule_of(kind) -> RetentionRule:
    return RetentionRule.objects.get(record_type=kind)


def test_the_dpo_changes_a_rule_and_it_is_audited(people):
    rule = retention_rule_change(
        actor=actor(people["dpo"]),
        rule=rule_of(RecordType.RAW_EMAILS),
        months=6,
        expiry=Expiry.DELETE,
    )
    assert (rule.months, rule.changed_by) == (6, people["dpo"])
    entry = AuditEntry.objects.get(action="privacy.retention_rule_change")
    assert (entry.before["months"], entry.after["months"]) == (12, 6)


@pytest.mark.parametrize(
    ("kind", "months", "expiry", "field"),
    [
        (RecordType.RAW_EMAILS, 0, Expiry.DELETE, "months"),
        (RecordType.RAW_EMAILS, None, Expiry.DELETE, "months"),
        (RecordType.RAW_EMAILS, 1201, Expiry.DELETE, "months"),
        (RecordType.CLOSED_COMPLAINTS, 35, Expiry.ANONYMISE, "months"),
        (RecordType.CLOSED_COMPLAINTS, 60, Expiry.DELETE, "expiry"),
        (RecordType.AUDIT, 120, Expiry.DELETE, "expiry"),
        (RecordType.OUTBOX_BODIES, 12, "shred", "expiry"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(people, kind, months, expiry, field):
    before = rule_of(kind)
    with pytest.raises(ValidationFailed) as refused:
        retention_rule_change(actor=actor(people["dpo"]), rule=before, months=months, expiry=expiry)
    assert list(refused.value.fields) == [field]
    after = rule_of(kind)
    assert (after.months, after.expiry) == (before.months, before.expiry)
    assert not AuditEntry.objects.filter(action="privacy.retention_rule_change").exists()


def test_only_the_dpo_changes_rules_or_runs_them_as_a_person(people):
    for who in ("auditor", "top", "manager"):
        with pytest.raises(NotPermitted):
            retention_rule_change(
                actor=actor(people[who]),
                rule=rule_of(RecordType.ACCESS_LOG),
                months=6,
                expiry=Expiry.DELETE,
            )
        with pytest.raises(NotPermitted):
            retention_run(dry_run=True, actor=actor(people[who]))
    assert not RetentionRun.objects.exists()


# --- The pages ------------------------------------------------------------------------------


def sign_in(client, person):
    client.force_login(User.objects.get(pk=person.pk))


def test_readers_see_the_rules_and_runs_and_only_the_dpo_the_forms(client, people):
    retention_run(dry_run=True, actor=CLI)
    sign_in(client, people["auditor"])
    page = client.get(reverse("backoffice:retention"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="retention-rules"' in html and 'id="retention-runs"' in html
    assert reverse("backoffice:retention_dry_run") not in html
    sign_in(client, people["dpo"])
    html = client.get(reverse("backoffice:retention")).content.decode()
    assert reverse("backoffice:retention_dry_run") in html
    runs = html.split('id="retention-runs"')[1]
    assert f"({CLI.label})" not in runs  # who ran it, as people read it
    assert reverse("backoffice:retention_rule", args=[rule_of(RecordType.AUDIT).pk]) in html


def test_the_dpo_changes_a_rule_on_the_page_and_bad_input_is_refused(client, people):
    sign_in(client, people["dpo"])
    rule = rule_of(RecordType.CLOSED_COMPLAINTS)
    url = reverse("backoffice:retention_rule", args=[rule.pk])
    prefix = f"rule-{rule.pk}"
    refused = client.post(url, {f"{prefix}-months": "12", f"{prefix}-expiry": "anonymise"})
    assert refused.status_code == 422
    assert rule_of(RecordType.CLOSED_COMPLAINTS).months == 60
    done = client.post(url, {f"{prefix}-months": "84", f"{prefix}-expiry": "anonymise"})
    assert done.status_code == 302
    assert rule_of(RecordType.CLOSED_COMPLAINTS).months == 84


def test_the_dry_run_button_shows_what_would_expire(client, people, world, anonymised):
    sign_in(client, people["dpo"])
    with frozen_clock("2026-03-09 09:00"):
        page = client.post(reverse("backoffice:retention_dry_run"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dry-run"' in html and world["old"].reference in html
    assert RetentionRun.objects.get().trigger == RetentionRun.Trigger.PAGE
    assert Attachment.objects.filter(complaint=world["old"]).count() == 2
    sign_in(client, people["auditor"])
    assert client.post(reverse("backoffice:retention_dry_run")).status_code == 403


# --- The public notice -----------------------------------------------------------------------


def test_the_portal_notice_states_the_periods_as_set(client, people):
    first = notice_current()
    assert "{retention}" in first.privacy_en
    assert "kept for 5 years after the complaint is closed" in first.retention_en
    assert "được lưu 5 năm kể từ khi khiếu nại được đóng" in first.retention_vi
    html = client.get(reverse("portal:home")).content.decode()
    assert "kept for 5 years after the complaint is closed" in html
    assert "{retention}" not in html
    retention_rule_change(
        actor=actor(people["dpo"]),
        rule=rule_of(RecordType.CLOSED_COMPLAINTS),
        months=78,
        expiry=Expiry.ANONYMISE,
    )
    retention_rule_change(
        actor=actor(people["dpo"]),
        rule=rule_of(RecordType.ATTACHMENTS),
        months=24,
        expiry=Expiry.KEEP,
    )
    html = client.get(reverse("portal:home")).content.decode()
    assert "kept for 78 months after the complaint is closed" in html
    assert "5 years" not in html
    assert "Files attached to closed complaints: kept, with no end set." in html

    # Each change published a new version; the one consented to before says what it said.
    current = notice_current()
    assert current.version == first.version + 2 and current.is_published
    assert Notice.objects.get(pk=first.pk).retention_en == first.retention_en
    assert Notice.objects.get(pk=first.pk).privacy_en == first.privacy_en
    assert "78 months" in Notice.objects.get(version=first.version + 1).retention_en
    assert "24 months" not in Notice.objects.get(version=first.version + 1).retention_en
    assert current.privacy_vi == first.privacy_vi and "78 tháng" in current.retention_vi
    published = AuditEntry.objects.filter(action="transparency.publish").order_by("seq")
    assert [e.after["version"] for e in published] == [first.version + 1, first.version + 2]
    assert {e.actor_user_id for e in published} == {people["dpo"].pk}

    # Saving a rule as it is publishes nothing.
    retention_rule_change(
        actor=actor(people["dpo"]),
        rule=rule_of(RecordType.ATTACHMENTS),
        months=24,
        expiry=Expiry.KEEP,
    )
    assert notice_current().version == current.version


def test_the_notice_text_names_every_kind_of_record():
    text = retention_notice_text()
    for words in ("5 years", "3 years", "1 year", "2 years", "audit trail"):
        assert words in text


def test_a_person_s_old_complaint_waits_while_a_newer_one_of_theirs_is_kept(world, anonymised):
    """Anonymising blanks the complainant's record whole, so a person who complained again
    keeps their details until the newest of their complaints has expired too."""
    old = world["old"]
    with frozen_clock("2025-12-01 09:00"):
        newer = complaint_in_state(Status.INVESTIGATING, make_team(), complainant=old.complainant)
    report = run()
    assert counts(report)[RecordType.CLOSED_COMPLAINTS] == (0, 0)
    assert anonymised == []
    complainant = Complaint.objects.get(pk=newer.pk).complainant
    assert complainant.email == old.complainant.email and complainant.email
