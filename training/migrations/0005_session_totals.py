"""Each session's totals (training.models.SessionTotals: its attendance rows and the people they sent) and the
triggers that keep them in the same transaction as every write to sessions and attendances.

A new session gets a row of zeros and a deleted one loses its row. Each change of attendances adds +1 and the
row's people to its session's totals, and -1 and the people to those of the session it leaves. PostgreSQL's
triggers work per statement over the rows changed and write each session's row once, in session order, so two
transactions writing attendances of the same sessions lock their rows in the same order and cannot deadlock; an
update that changes no session and no head count writes nothing. SQLite's work per row.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import database_triggers, row_triggers, statement_triggers

TABLE = "training_sessiontotals"
PEOPLE = "{row}.staff + {row}.pupils + {row}.parents"


def _pg_add(parts: list[tuple[str, int]]) -> str:
    """One upsert adding the summed changes of the transition tables `parts` (table, +1 or -1)."""
    rows = " UNION ALL ".join(
        f"SELECT r.session_id, {sign}, {sign} * ({PEOPLE.format(row='r')}) FROM {rows} r" for rows, sign in parts
    )
    return f"""INSERT INTO {TABLE} AS t (session_id, institutions, people)
        SELECT session_id, SUM(n), SUM(p) FROM ({rows}) AS changed (session_id, n, p)
        GROUP BY session_id HAVING SUM(n) <> 0 OR SUM(p) <> 0 ORDER BY session_id
        ON CONFLICT (session_id) DO UPDATE
        SET institutions = t.institutions + EXCLUDED.institutions, people = t.people + EXCLUDED.people;"""


ATTENDANCE_PG, ATTENDANCE_PG_DROP = statement_triggers(
    table="training_attendance",
    triggers=[
        ("training_session_totals_inserted", "INSERT", "NEW TABLE AS new_rows", _pg_add([("new_rows", 1)])),
        (
            "training_session_totals_updated",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _pg_add([("new_rows", 1), ("old_rows", -1)]),
        ),
        ("training_session_totals_deleted", "DELETE", "OLD TABLE AS old_rows", _pg_add([("old_rows", -1)])),
    ],
)
SESSION_PG, SESSION_PG_DROP = statement_triggers(
    table="training_session",
    triggers=[
        (
            "training_session_totals_added",
            "INSERT",
            "NEW TABLE AS new_rows",
            f"INSERT INTO {TABLE} (session_id, institutions, people) SELECT id, 0, 0 FROM new_rows"
            " ON CONFLICT (session_id) DO NOTHING;",
        ),
        (
            "training_session_totals_removed",
            "DELETE",
            "OLD TABLE AS old_rows",
            f"DELETE FROM {TABLE} WHERE session_id IN (SELECT id FROM old_rows);",
        ),
    ],
)
POSTGRESQL = ATTENDANCE_PG + SESSION_PG
POSTGRESQL_DROP = ATTENDANCE_PG_DROP + SESSION_PG_DROP


def _sqlite_add(row: str) -> str:
    return f"""INSERT INTO {TABLE} (session_id, institutions, people) VALUES ({row}.session_id, 1, {PEOPLE.format(row=row)})
        ON CONFLICT (session_id) DO UPDATE SET institutions = institutions + 1, people = people + excluded.people"""


def _sqlite_subtract(row: str) -> str:
    return f"""UPDATE {TABLE} SET institutions = institutions - 1, people = people - ({PEOPLE.format(row=row)})
        WHERE session_id = {row}.session_id"""


SQLITE_TRIGGERS = [
    ("training_session_totals_inserted", "AFTER INSERT ON training_attendance", "1", [_sqlite_add("NEW")]),
    (
        "training_session_totals_updated",
        "AFTER UPDATE OF session_id, staff, pupils, parents ON training_attendance",
        "OLD.session_id <> NEW.session_id OR OLD.staff <> NEW.staff OR OLD.pupils <> NEW.pupils"
        " OR OLD.parents <> NEW.parents",
        [_sqlite_subtract("OLD"), _sqlite_add("NEW")],
    ),
    ("training_session_totals_deleted", "AFTER DELETE ON training_attendance", "1", [_sqlite_subtract("OLD")]),
    (
        "training_session_totals_added",
        "AFTER INSERT ON training_session",
        "1",
        [f"INSERT INTO {TABLE} (session_id, institutions, people) VALUES (NEW.id, 0, 0) ON CONFLICT DO NOTHING"],
    ),
    (
        "training_session_totals_removed",
        "AFTER DELETE ON training_session",
        "1",
        [f"DELETE FROM {TABLE} WHERE session_id = OLD.id"],
    ),
]
SQLITE, SQLITE_DROP = row_triggers(SQLITE_TRIGGERS)

# Counted once from the sessions and their attendances, after the triggers are in place (on PostgreSQL creating
# them locks out writers to both tables until the migration commits, so nothing is counted twice or missed).
BACKFILL = [
    f"""INSERT INTO {TABLE} (session_id, institutions, people)
        SELECT s.id, COUNT(a.id), COALESCE(SUM({PEOPLE.format(row="a")}), 0)
        FROM training_session s LEFT JOIN training_attendance a ON a.session_id = s.id GROUP BY s.id"""
]


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_training_dates"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionTotals",
            fields=[
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="totals",
                        serialize=False,
                        to="training.session",
                    ),
                ),
                ("institutions", models.IntegerField(verbose_name="schools and other bodies")),
                ("people", models.IntegerField()),
            ],
            options={
                "verbose_name": "session's totals (kept by the database)",
            },
        ),
        database_triggers(
            what="session totals",
            postgresql=POSTGRESQL + BACKFILL,
            sqlite=SQLITE + BACKFILL,
            postgresql_drop=POSTGRESQL_DROP,
            sqlite_drop=SQLITE_DROP,
        ),
    ]
