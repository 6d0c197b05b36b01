"""The log of changes to the tables the training figures are read from (training.models.FiguresChange), written by
triggers in the writer's own transaction, and its epoch. training.figures keys the figures it keeps on them.

(SQLite allows no DEFAULT VALUES in a trigger: its rows insert a NULL id, which AUTOINCREMENT numbers.)

PostgreSQL: one row per statement (insert, update, delete or truncate) on a watched table. SQLite: one row per row
changed (it has no statement triggers), cleared nightly all the same. Only rows are added, never updated, so
writers of different tables (or of the same one) do not wait for each other.
"""

from django.db import migrations, models

from core.migration_operations import database_triggers, row_triggers

LOG = "training_figureschange"
# What the training figures read (training.figures.WATCHED_TABLES, which a test holds to the figures' own SQL).
TABLES = [
    "schools_school",
    "schools_contact",
    "training_attendance",
    "training_attendee",
    "training_contactlastpreventtraining",
    "training_contactpreventtraining",
    "training_course",
    "training_schoolfirsttraining",
    "training_session",
    "training_sessiontotals",
]
FUNCTION = "training_figures_changed"

POSTGRESQL = [
    f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {LOG} DEFAULT VALUES; RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        for table in TABLES
    ),
]
POSTGRESQL_DROP = [*(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}" for table in TABLES), f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
SQLITE, SQLITE_DROP = row_triggers(
    [
        (f"{FUNCTION}_{table}_{event.lower()}", f"AFTER {event} ON {table}", "1", [f"INSERT INTO {LOG} (id) VALUES (NULL)"])
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0007_school_list_indexes_hold_the_id"),
        ("training", "0005_session_totals"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresChange",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
            options={"verbose_name": "change to the training figures' tables (kept by the database)"},
        ),
        migrations.CreateModel(
            name="FiguresEpoch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("epoch", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "epoch of the training figures' changes"},
        ),
        database_triggers(
            what="training figures' changes",
            postgresql=POSTGRESQL,
            sqlite=SQLITE,
            postgresql_drop=POSTGRESQL_DROP,
            sqlite_drop=SQLITE_DROP,
        ),
    ]
