from django.db import migrations

from core.migration_operations import postgresql_only, trigram_index_sql


class Migration(migrations.Migration):
    """Trigram indexes for the referral list's searches by part of a word (the person's names, the reference, the
    referrer and their organisation; the case list searches the reference and last name too), on PostgreSQL
    only: without them each search, and its count, read the whole referrals table."""

    dependencies = [
        ("referrals", "0012_decision_confirmation"),
    ]

    operations = [
        postgresql_only(*trigram_index_sql(name=f"referral_{column}_trgm", table="referrals_referral", column=column))
        for column in ("first_name", "last_name", "reference", "referrer_name", "referrer_organisation")
    ]
