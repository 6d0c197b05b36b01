"""The school list's indexes hold the id as well (INCLUDE, on PostgreSQL; SQLite's indexes cannot, and are made as
before), so that a page far down the list finds its ids by an index-only scan instead of sorting every school."""

from django.db import migrations, models

LIST_INDEXES = {
    "school_name_urn": ["name", "urn"],
    "school_ward_name": ["ward", "name"],
    "school_phase_name": ["phase", "name"],
    "school_tier_name": ["support_tier", "name"],
    "school_type_name": ["school_type", "name"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_contact_current_dsl_index"),
    ]

    operations = [
        *[migrations.RemoveIndex(model_name="school", name=name) for name in LIST_INDEXES],
        *[
            migrations.AddIndex(
                model_name="school", index=models.Index(fields=fields, include=("id",), name=name)
            )
            for name, fields in LIST_INDEXES.items()
        ],
    ]
