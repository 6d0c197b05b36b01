"""Checks on the PDFs the portal makes, read back with pypdf."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def assert_tagged_pdf_ua(pdf: bytes) -> None:
    """A tagged PDF that declares PDF/UA-1: a structure tree, MarkInfo /Marked true, a language, and the
    pdfuaid:part 1 identification in its XMP metadata."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "the PDF has no structure tree (it is not tagged)"
    assert root["/MarkInfo"]["/Marked"], "the PDF is not marked as tagged"
    assert str(root["/Lang"]).startswith("en"), "the PDF has no language"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp), "no PDF/UA-1 identification in the XMP metadata"


def pdf_page_texts(pdf: bytes) -> list[str]:
    """The text of each page, read with pypdf (no system tool needed, so these tests run wherever pytest does)."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
