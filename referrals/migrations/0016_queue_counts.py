"""The queue's counts (ReferralStatusCount, ReferralMakerCount; see the comment above them in referrals/models.py)
and the triggers that keep them in the same transaction as every write to referrals.

Each change adds +1 for a referral's new (status, team) and (maker, status) and -1 for its old ones. PostgreSQL's
triggers work per statement over the rows changed, and write each counter row once, in key order, so two
transactions moving referrals between the same statuses lock the rows in the same order and cannot deadlock;
an edit that changes none of the three columns writes nothing. SQLite's work per row. On SQLite a removal only
subtracts from a row that is there: emptying the counts before the referrals (as a test database's flush may)
leaves nothing behind.
"""

from django.db import migrations, models

from core.migration_operations import database_triggers, row_triggers, statement_triggers

# (table, its key columns, the key from a referral's row `{row}`)
COUNTS = (
    ("referrals_referralstatuscount", "status, team_key", "{row}.status, COALESCE({row}.assigned_team_id, 0)"),
    ("referrals_referralmakercount", "created_by_key, status", "{row}.created_by_id, {row}.status"),
)


def _pg_add(table: str, columns: str, key: str, parts: list[tuple[str, int]]) -> str:
    """One upsert adding the summed changes of the transition tables `parts` (table, +1 or -1) to `table`."""
    rows = " UNION ALL ".join(f"SELECT {key.format(row='r')}, {sign} FROM {rows} r" for rows, sign in parts)
    return f"""INSERT INTO {table} AS c ({columns}, n)
        SELECT k1, k2, SUM(d) FROM ({rows}) AS changed (k1, k2, d)
        GROUP BY k1, k2 HAVING SUM(d) <> 0 ORDER BY k1, k2
        ON CONFLICT ({columns}) DO UPDATE SET n = c.n + EXCLUDED.n"""


def _pg_body(parts: list[tuple[str, int]]) -> str:
    return "".join(f"{_pg_add(table, columns, key, parts)};\n" for table, columns, key in COUNTS)


POSTGRESQL, POSTGRESQL_DROP = statement_triggers(
    table="referrals_referral",
    triggers=[
        ("referrals_counts_inserted", "INSERT", "NEW TABLE AS new_rows", _pg_body([("new_rows", 1)])),
        (
            "referrals_counts_updated",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _pg_body([("new_rows", 1), ("old_rows", -1)]),
        ),
        ("referrals_counts_deleted", "DELETE", "OLD TABLE AS old_rows", _pg_body([("old_rows", -1)])),
    ],
)


def _sqlite_add(row: str) -> list[str]:
    return [
        f"""INSERT INTO {table} ({columns}, n) VALUES ({key.format(row=row)}, 1)
            ON CONFLICT ({columns}) DO UPDATE SET n = n + 1"""
        for table, columns, key in COUNTS
    ]


def _sqlite_subtract(row: str) -> list[str]:
    return [
        f"UPDATE {table} SET n = n - 1 WHERE ({columns}) = ({key.format(row=row)})" for table, columns, key in COUNTS
    ]


SQLITE, SQLITE_DROP = row_triggers(
    [
        ("referrals_counts_inserted", "AFTER INSERT ON referrals_referral", "1", _sqlite_add("NEW")),
        (
            "referrals_counts_updated",
            "AFTER UPDATE OF status, assigned_team_id, created_by_id ON referrals_referral",
            "OLD.status IS NOT NEW.status OR OLD.assigned_team_id IS NOT NEW.assigned_team_id"
            " OR OLD.created_by_id IS NOT NEW.created_by_id",
            [*_sqlite_subtract("OLD"), *_sqlite_add("NEW")],
        ),
        ("referrals_counts_deleted", "AFTER DELETE ON referrals_referral", "1", _sqlite_subtract("OLD")),
    ]
)

# Counted once from the referrals, after the triggers are in place (on PostgreSQL creating them locks out
# writers to referrals until the migration commits, so nothing is counted twice or missed).
BACKFILL = [
    f"""INSERT INTO {table} ({columns}, n) SELECT {key.format(row="r")}, COUNT(*) FROM referrals_referral r
        GROUP BY {key.format(row="r")}"""
    for table, columns, key in COUNTS
]


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0015_made_by_status_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferralMakerCount",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "created_by_key", "status", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_by_key", models.BigIntegerField(help_text="The maker's user id.")),
                ("status", models.CharField(max_length=24)),
                ("n", models.IntegerField()),
            ],
            options={
                "verbose_name": "referrals by maker and status (kept by the database)",
            },
        ),
        migrations.CreateModel(
            name="ReferralStatusCount",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "status", "team_key", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("status", models.CharField(max_length=24)),
                ("team_key", models.BigIntegerField(help_text="The assigned team's id; 0 when no team is assigned.")),
                ("n", models.IntegerField()),
            ],
            options={
                "verbose_name": "referrals by status and team (kept by the database)",
            },
        ),
        database_triggers(
            what="the queue's counts",
            postgresql=POSTGRESQL + BACKFILL,
            sqlite=SQLITE + BACKFILL,
            postgresql_drop=POSTGRESQL_DROP,
            sqlite_drop=SQLITE_DROP,
        ),
    ]
