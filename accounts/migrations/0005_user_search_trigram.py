from django.db import migrations

from core.migration_operations import postgresql_only, trigram_index_sql


class Migration(migrations.Migration):
    """Trigram indexes for the search by part of a name or e-mail address (the user list and the audit trail's
    person search), on PostgreSQL only."""

    dependencies = [
        ("accounts", "0004_user_version"),
        ("core", "0008_audit_list_indexes"),
    ]

    operations = [
        postgresql_only(*trigram_index_sql(name="user_full_name_trgm", table="accounts_user", column="full_name")),
        postgresql_only(*trigram_index_sql(name="user_email_trgm", table="accounts_user", column="email")),
    ]
