"""Moves the report PDFs kept on disk under MEDIA_ROOT into the database's file store (core.StoredFile), under the
same names, a chunk at a time. A report whose file is missing on disk keeps its name and is served as missing, as
before; files already moved are left alone, so the migration can run again."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

CHUNK = 1024 * 1024


def move_in(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    StoredFile = apps.get_model("core", "StoredFile")
    StoredFileChunk = apps.get_model("core", "StoredFileChunk")
    root = Path(settings.MEDIA_ROOT)
    for name in Report.objects.exclude(file_path="").values_list("file_path", flat=True).iterator():
        path = root / name
        if StoredFile.objects.filter(name=name).exists() or not path.is_file():
            continue
        stored = StoredFile.objects.create(name=name, chunk_size=CHUNK)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as source:
            for index, piece in enumerate(iter(lambda: source.read(CHUNK), b"")):
                StoredFileChunk.objects.create(file=stored, index=index, data=piece)
                digest.update(piece)
                size += len(piece)
        StoredFile.objects.filter(pk=stored.pk).update(size=size, sha256=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_figures_checksum_and_stamp"),
        ("core", "0005_stored_files"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="file_path",
            field=models.CharField(blank=True, help_text="Its name in the file store (core.storage).", max_length=255),
        ),
        migrations.RunPython(move_in, migrations.RunPython.noop),
    ]
