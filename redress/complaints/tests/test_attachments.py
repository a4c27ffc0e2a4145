"""Files that would run something are refused; a download's name matches its real type
(issue 16, finding 10)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from redress.complaints.attachments import (
    IncomingFile,
    PdfCheck,
    attachments_check,
    download_name,
    pdf_check,
)
from redress.core.errors import ValidationFailed


def _pdf(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(kind: str):
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject(kind),
                NameObject("/F"): TextStringObject("calc.exe"),
                NameObject("/JS"): TextStringObject("app.alert('xin chào');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return change


def test_a_plain_pdf_is_accepted():
    content = _pdf()
    assert pdf_check(content) == PdfCheck.PLAIN
    [checked] = attachments_check([IncomingFile("hoa-don.pdf", content)])
    assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    "change",
    [
        _open_action("/JavaScript"),
        lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00"),
        _open_action("/Launch"),
        _open_action("/SubmitForm"),
    ],
    ids=["script on open", "embedded file", "launch on open", "form submission"],
)
def test_a_pdf_that_runs_something_is_refused_naming_the_file(change):
    content = _pdf(change)
    assert pdf_check(content) == PdfCheck.ACTIVE
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([IncomingFile("hop-dong.pdf", content)])
    assert "hop-dong.pdf" in refused.value.fields["attachments"][0]
    assert "scripts" in refused.value.fields["attachments"][0]


def test_a_damaged_pdf_is_refused_as_unreadable():
    content = b"%PDF-1.7\n" + b"\x00garbage" * 200
    assert pdf_check(content) == PdfCheck.UNREADABLE
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([IncomingFile("scan.pdf", content)])
    assert "cannot be read" in refused.value.fields["attachments"][0]


@pytest.mark.parametrize(
    ("name", "content_type", "downloaded"),
    [
        ("anh.jpg", "image/jpeg", "anh.jpg"),
        ("ANH.JPEG", "image/jpeg", "ANH.JPEG"),
        ("page.html", "image/gif", "page.html.gif"),
        ("hoa-don", "application/pdf", "hoa-don.pdf"),
        ("x.svg", "image/png", "x.svg.png"),
    ],
)
def test_a_download_keeps_its_name_with_an_extension_of_its_real_type(
    name, content_type, downloaded
):
    assert download_name(name, content_type) == downloaded
