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

from core.migration_operations import database_triggers

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


def _pg_function(name: str, parts: list[tuple[str, int]]) -> str:
    body = "".join(f"{_pg_add(table, columns, key, parts)};\n" for table, columns, key in COUNTS)
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {body} RETURN NULL; END $$"""


# (trigger and function name, event, transition tables, the changes)
PG_TRIGGERS = [
    ("referrals_counts_inserted", "INSERT", "NEW TABLE AS new_rows", [("new_rows", 1)]),
    (
        "referrals_counts_updated",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        [("new_rows", 1), ("old_rows", -1)],
    ),
    ("referrals_counts_deleted", "DELETE", "OLD TABLE AS old_rows", [("old_rows", -1)]),
]
POSTGRESQL = [
    statement
    for name, event, tables, parts in PG_TRIGGERS
    for statement in (
        _pg_function(name, parts),
        f"""CREATE TRIGGER {name} AFTER {event} ON referrals_referral REFERENCING {tables}
            FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
    )
]
POSTGRESQL_DROP = [
    statement
    for name, *_ in PG_TRIGGERS
    for statement in (f"DROP TRIGGER IF EXISTS {name} ON referrals_referral", f"DROP FUNCTION IF EXISTS {name}()")
]


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


def _sqlite_trigger(name: str, event: str, when: str, statements: list[str]) -> str:
    body = "".join(f"{statement};\n" for statement in statements)
    return f"CREATE TRIGGER {name} {event} ON referrals_referral WHEN {when} BEGIN\n{body}END"


SQLITE_TRIGGERS = [
    ("referrals_counts_inserted", "AFTER INSERT", "1", _sqlite_add("NEW")),
    (
        "referrals_counts_updated",
        "AFTER UPDATE OF status, assigned_team_id, created_by_id",
        "OLD.status IS NOT NEW.status OR OLD.assigned_team_id IS NOT NEW.assigned_team_id"
        " OR OLD.created_by_id IS NOT NEW.created_by_id",
        [*_sqlite_subtract("OLD"), *_sqlite_add("NEW")],
    ),
    ("referrals_counts_deleted", "AFTER DELETE", "1", _sqlite_subtract("OLD")),
]
SQLITE = [_sqlite_trigger(*trigger) for trigger in SQLITE_TRIGGERS]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in SQLITE_TRIGGERS]

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
