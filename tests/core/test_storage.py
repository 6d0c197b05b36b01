"""The file store (core/storage.py): every file in the database, written and read a chunk at a time; a 25 MB file
is never whole in memory; a save inside a transaction that rolls back keeps nothing; report PDFs that were on disk
move in with the data migration."""

from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from core.models import StoredFile, StoredFileChunk
from core.storage import DatabaseStorage, stored_file_response, stored_files_delete_older
from reports.models import Report
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_default_storage_is_the_database():
    assert isinstance(default_storage, DatabaseStorage)


def test_a_file_is_written_and_read_back_in_chunks_of_the_set_size(settings):
    settings.FILE_STORAGE_CHUNK_BYTES = 1000
    data = os.urandom(4500)
    name = default_storage.save("tests/sample.bin", ContentFile(data))
    stored = StoredFile.objects.get(name=name)
    assert stored.size == 4500 and stored.sha256 == hashlib.sha256(data).hexdigest()
    sizes = list(StoredFileChunk.objects.filter(file=stored).order_by("index").values_list("data", flat=True))
    assert [len(bytes(chunk)) for chunk in sizes] == [1000, 1000, 1000, 1000, 500]
    with default_storage.open(name) as handle:
        assert handle.read(10) == data[:10]
        handle.seek(2995)
        assert handle.read(10) == data[2995:3005]  # across a chunk boundary
        handle.seek(0)
        assert handle.read() == data
    assert default_storage.size(name) == 4500 and default_storage.exists(name)
    assert default_storage.listdir("tests") == ([], ["sample.bin"])
    again = default_storage.save("tests/sample.bin", ContentFile(b"other"))
    assert again != name, "a name in use is never overwritten"
    default_storage.delete(name)
    assert not default_storage.exists(name) and not StoredFileChunk.objects.filter(file_id=stored.pk).exists()
    with pytest.raises(FileNotFoundError):
        default_storage.open(name)


def test_a_file_saved_in_a_transaction_that_rolls_back_is_not_kept():
    with pytest.raises(RuntimeError), transaction.atomic():
        default_storage.save("tests/rolled-back.txt", ContentFile(b"gone"))
        raise RuntimeError("the change fails after the file was saved")
    assert not StoredFile.objects.exists() and not StoredFileChunk.objects.exists()


def test_a_25_mb_upload_is_stored_and_sent_without_being_whole_in_memory():
    size = 25 * 1024 * 1024
    upload = TemporaryUploadedFile("large.pdf", "application/pdf", size, None)
    digest = hashlib.sha256()
    for _ in range(25):
        block = os.urandom(1024 * 1024)
        digest.update(block)
        upload.write(block)
    upload.seek(0)
    tracemalloc.start()
    try:
        name = default_storage.save("tests/large.pdf", upload)
        _, saving_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        response = stored_file_response(name, filename="large.pdf", content_type="application/pdf")
        sent = hashlib.sha256()
        for piece in response.streaming_content:
            sent.update(piece)
        response.file_to_stream.close()  # not response.close(): that ends the "request" and its connection
        _, sending_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert sent.hexdigest() == digest.hexdigest() == StoredFile.objects.get(name=name).sha256
    assert response["Content-Length"] == str(size) and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="large.pdf"'
    # A few chunks at a time (the database driver copies a chunk or two on its way), never the 25 MB.
    assert saving_peak < 10 * 1024 * 1024, saving_peak
    assert sending_peak < 10 * 1024 * 1024, sending_peak


def test_old_files_under_a_prefix_are_swept(frozen_today):
    from datetime import timedelta

    from django.utils import timezone

    default_storage.save("pending/gias/old.json", ContentFile(b"{}"))
    StoredFile.objects.filter(name="pending/gias/old.json").update(created_at=timezone.now() - timedelta(days=2))
    default_storage.save("pending/gias/new.json", ContentFile(b"{}"))
    default_storage.save("reports/2026/kept.pdf", ContentFile(b"%PDF"))
    StoredFile.objects.filter(name="reports/2026/kept.pdf").update(created_at=timezone.now() - timedelta(days=9))
    assert stored_files_delete_older(prefix="pending/", older_than=timedelta(days=1)) == 1
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == [
        "pending/gias/new.json",
        "reports/2026/kept.pdf",
    ]


def test_the_data_migration_moves_report_pdfs_from_disk_into_the_database(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = ReportFactory()
    content = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024 + 17)
    path = settings.MEDIA_ROOT / "reports" / "2026" / f"report-{report.pk}-1.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    Report.objects.filter(pk=report.pk).update(file_path=f"reports/2026/report-{report.pk}-1.pdf")
    missing = ReportFactory()
    Report.objects.filter(pk=missing.pk).update(file_path="reports/2026/gone.pdf")

    migration = MigrationLoader(connection).get_migration("reports", "0004_report_files_into_database")
    move_in = migration.operations[-1].code
    move_in(apps, None)
    move_in(apps, None)  # a second run moves nothing twice

    stored = StoredFile.objects.get()
    assert stored.name == f"reports/2026/report-{report.pk}-1.pdf" and stored.chunks.count() == 4
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(stored.name) as handle:
        assert handle.read() == content
