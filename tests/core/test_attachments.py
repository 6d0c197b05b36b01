"""What an attachment may be (checked by content, not by name) and ClamAV's answer, from a real clamd with the
EICAR test signatures (tests/support/clamd_server.py)."""

from __future__ import annotations

import io

import pytest

from core.attachments import DOC, DOCX, GIF, JPEG, PDF, PNG, TEXT, XLS, XLSX, file_kind
from core.clamd import ScanUnavailable, clamd_ping, clamd_scan
from tests.core import attachments as files
from tests.support.clamd_server import EICAR


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (files.CLEAN_PDF, "letter.txt", PDF),  # the name does not matter, the content does
        (files.PNG, "photo.png", PNG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "photo.jpg", JPEG),
        (b"GIF89a" + b"\x00" * 16, "x.gif", GIF),
        (files.office_file("word/document.xml"), "minutes.docx", DOCX),
        (files.office_file("xl/workbook.xml"), "figures.xlsx", XLSX),
        (files.OLE_DOC, "old.doc", DOC),
        (files.OLE_DOC, "old.xls", XLS),
        (files.TEXT, "note.txt", TEXT),
        ("Café on the corner\r\n".encode("cp1252"), "note.txt", TEXT),
    ],
)
def test_allowed_types_are_known_by_their_content(content, name, kind):
    assert file_kind(io.BytesIO(content), name=name) == kind


@pytest.mark.parametrize(
    "content",
    [files.EXECUTABLE, files.plain_zip(), b"PK\x03\x04 broken zip", b"text then a NUL \x00 byte", b""],
    ids=["executable", "zip", "broken-zip", "binary", "empty"],
)
def test_other_content_is_not_allowed_whatever_its_name(content):
    assert file_kind(io.BytesIO(content), name="report.pdf") is None


def test_clamd_finds_the_eicar_file_and_passes_a_clean_one(clamd):
    assert clamd_ping(address=clamd)
    found = clamd_scan(io.BytesIO(EICAR))
    assert not found.clean and "Eicar" in found.signature
    assert not clamd_scan(io.BytesIO(files.INFECTED_PDF)).clean
    assert clamd_scan(io.BytesIO(files.CLEAN_PDF)).clean
    big = io.BytesIO(b"A clean line of text.\n" * 200_000)  # several INSTREAM chunks
    assert clamd_scan(big).clean and big.tell() == 0


def test_no_clamd_is_no_verdict(tmp_path):
    with pytest.raises(ScanUnavailable):
        clamd_scan(io.BytesIO(files.CLEAN_PDF), address=str(tmp_path / "no-such.sock"), timeout=2)
    with pytest.raises(ScanUnavailable):
        clamd_scan(io.BytesIO(files.CLEAN_PDF), address="127.0.0.1:1", timeout=2)
