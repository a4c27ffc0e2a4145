"""The auditor's pack: asked for, prepared by its job, its ZIP and PDF, its sample."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from redress.audit.models import AuditEntry
from redress.certification.models import AuditorPack, PackState
from redress.certification.selectors import sample_draw
from redress.certification.services import pack_generate, pack_start
from redress.certification.tests.conftest import period, today
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.privacy.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def start(team, *, size=5, language="vi", unmasked=False, seed=None, who=None):
    first, last = period()
    return pack_start(
        actor=Actor.for_user(who or team.manager),
        period_start=first,
        period_end=last,
        language=language,
        sample_size=size,
        unmasked=unmasked,
        seed=seed,
    )


def archive(pack):
    pack.refresh_from_db()
    with pack.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def pdf_text(zipped, pack):
    reader = PdfReader(io.BytesIO(zipped.read(f"{pack.reference}.pdf")))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_asking_for_a_pack_queues_its_job_and_is_audited(team, complaints):
    pack = start(team)

    assert pack.state == PackState.QUEUED
    assert DBTaskResult.objects.filter(
        task_path="redress.certification.tasks.pack_generate_task", args_kwargs__args=[pack.pk]
    ).exists()
    entry = AuditEntry.objects.get(action="certification.pack_start")
    assert entry.target_id == str(pack.pk) and entry.after["sample_size"] == 5


def test_the_job_writes_one_zip_with_the_pdf_and_the_files(team, complaints):
    pack = start(team)

    pack_generate(pack.pk)

    pack.refresh_from_db()
    assert (pack.state, pack.progress, pack.population_size) == (PackState.READY, 100, 10)
    names = set(archive(pack).namelist())
    assert {
        f"{pack.reference}.pdf",
        "MANIFEST.csv",
        "tables/policy_versions.csv",
        "tables/responsibility_matrix.csv",
        "tables/objectives.csv",
        "tables/training_status.csv",
        "tables/internal_audits.csv",
        "tables/management_reviews.csv",
        "tables/systemic_issues.csv",
        "tables/capa.csv",
        "kpis/kpis.csv",
        "kpis/kpis.xlsx",
        "kpis/trend_monthly.csv",
        "sample/complaints.csv",
        "sample/events.csv",
        "sample/decisions.csv",
        "sample/messages.csv",
        "sample/sample.xlsx",
    } <= names
    assert AuditEntry.objects.filter(action="certification.pack_generate").count() == 1


def test_the_pdf_is_in_vietnamese_with_its_contents_by_clause(team, complaints):
    pack = start(team, size=10)
    pack_generate(pack.pk)
    zipped = archive(pack)

    content = zipped.read(f"{pack.reference}.pdf")
    text = pdf_text(zipped, pack)

    assert content.startswith(b"%PDF")
    # Vietnamese, with its tone marks, in the PDF's own words and in the records'.
    assert "Trang 1 /" in text and "Kỳ" in text
    assert "Hóa đơn tính sai tiền" in text and "Tôi bị tính tiền hai lần" in text
    for clause in ("5.4", "6.2", "7.2–7.9", "8.2–8.4", "8.5", "8.6"):
        assert clause in text
    assert "Hóa đơn tính sai tiền" in text  # the sampled complaints' subjects


def test_the_follow_up_records_name_actions_and_statuses_in_words(team, complaints):
    pack = start(team, size=10)
    pack_generate(pack.pk)
    zipped = archive(pack)

    events = list(csv.reader(io.StringIO(zipped.read("sample/events.csv").decode("utf-8-sig"))))
    text = pdf_text(zipped, pack)

    actions = {row[2] for row in events[1:]}
    statuses = {row[4] for row in events[1:]}
    assert "Tiếp nhận" in actions and "Xác nhận" in actions  # receive, acknowledge
    assert "Đã xác nhận" in statuses  # acknowledged
    codes = {"receive", "acknowledge", "received", "acknowledged"}
    assert not codes & (actions | statuses), (actions, statuses)
    assert "Xác nhận" in text
    assert "acknowledge" not in text


def test_the_pack_in_english(team, complaints):
    pack = start(team, language="en")
    pack_generate(pack.pk)

    text = pdf_text(archive(pack), pack)

    assert "Auditor's pack" in text and "Contents by clause" in text


def test_personal_data_is_masked_in_the_pack(team, complaints):
    pack = start(team, size=10)
    pack_generate(pack.pk)
    zipped = archive(pack)

    sample_csv = zipped.read("sample/complaints.csv").decode("utf-8")
    text = pdf_text(zipped, pack)

    assert "Trần Văn Đức" not in sample_csv and "duc@example.vn" not in sample_csv
    assert "T. V. Đ." in sample_csv and "•••321" in sample_csv
    assert "Trần Văn Đức" not in text
    assert not PersonalDataAccess.objects.exists()


def test_an_entitled_asker_may_have_it_unmasked_and_is_logged(team, complaints):
    pack = start(team, size=10, unmasked=True)
    pack_generate(pack.pk)

    sample_csv = archive(pack).read("sample/complaints.csv").decode("utf-8")

    assert "Trần Văn Đức" in sample_csv and "duc@example.vn" in sample_csv
    assert PersonalDataAccess.objects.filter(user=team.manager, via="auditor_pack").count() == 10


def test_the_sample_is_reproducible_from_its_seed(team, complaints):
    first, last = period()

    one = sample_draw(first, last, seed=12345, size=4)
    again = sample_draw(first, last, seed=12345, size=4)
    others = [sample_draw(first, last, seed=seed, size=4) for seed in (1, 777, 99999, 2**30)]

    assert one == again and len(set(one)) == 4
    assert any(other != one for other in others)


def test_two_packs_with_the_same_seed_sample_the_same_references(team, complaints):
    packs = [start(team, size=4, seed=4242) for _ in range(2)] + [start(team, size=4, seed=4243)]
    for pack in packs:
        pack_generate(pack.pk)

    references = [
        [item.complaint.reference for item in pack.sample_items.order_by("position")]
        for pack in packs
    ]

    assert references[0] == references[1]
    assert references[2] != references[0]
    assert archive(packs[0]).read("sample/complaints.csv") == archive(packs[1]).read(
        "sample/complaints.csv"
    )


def test_the_sample_is_only_of_the_period(team, complaints):
    later = today() + dt.timedelta(days=1)

    assert sample_draw(later, later, seed=1, size=5) == []


def test_only_managers_and_administrators_ask_for_packs(team, complaints, administrator):
    assert start(team, who=administrator).requested_by == administrator
    for person in (team.handler, team.top, team.auditor, team.frontline):
        with pytest.raises(NotPermitted):
            start(team, who=person)
    assert AuditorPack.objects.count() == 1


def test_a_pack_asked_wrongly_is_refused_with_the_fields(team):
    with pytest.raises(ValidationFailed) as refused:
        pack_start(
            actor=Actor.for_user(team.manager),
            period_start=today(),
            period_end=today() - dt.timedelta(days=1),
            language="fr",
            sample_size=0,
        )

    assert set(refused.value.fields) == {"period_end", "sample_size", "language"}
    assert not AuditorPack.objects.exists()


def test_a_failure_is_kept_on_the_pack(team, complaints, monkeypatch):
    from redress.certification import build

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(build, "pack_pdf", broken)
    pack = start(team)

    pack_generate(pack.pk)

    pack.refresh_from_db()
    assert (pack.state, pack.error) == (PackState.FAILED, "font missing")
    assert not pack.file
