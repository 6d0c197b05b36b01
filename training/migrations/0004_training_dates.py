"""The stores of first training dates (per school) and Prevent training dates (per contact), and the triggers that
keep them in the same transaction as every write to attendances, attendees, sessions and courses (see the comment
above SchoolFirstTraining in training/models.py). PostgreSQL's inserts and deletes work per statement over the
rows changed (a bulk import of 100,000 attendances updates each school once); SQLite's triggers work per row.

The course codes of WRAP and PVE are written into the SQL: tests/training/test_training_dates.py fails when they
differ from training.catalogue's, and a change of codes needs a migration that installs the triggers again.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import database_triggers, row_triggers


WRAP_CODES = "('WRAP')"
PVE_CODES = "('PVE')"

FIRSTS = f"""
    MIN(CASE WHEN c.code IN {WRAP_CODES} THEN s.held_on END),
    MIN(CASE WHEN c.code IN {PVE_CODES} THEN s.held_on END),
    MIN(CASE WHEN NOT c.is_commissioned THEN s.held_on END)"""
JOINS = """
    JOIN training_session s ON s.id = a.session_id
    JOIN training_course c ON c.id = s.course_id"""


def _school_firsts_recompute(ids: str) -> list[str]:
    """Statements that recompute the first dates of the schools whose ids `ids` (SQL: a list or a subquery) gives."""
    return [
        f"DELETE FROM training_schoolfirsttraining WHERE school_id IN ({ids})",
        f"""INSERT INTO training_schoolfirsttraining (school_id, first_wrap, first_pve, first_any)
            SELECT a.school_id, {FIRSTS} FROM training_attendance a {JOINS}
            WHERE a.school_id IN ({ids}) GROUP BY a.school_id""",
    ]


def _contact_training_recompute(ids: str) -> list[str]:
    """Statements that recompute the Prevent training rows of the attendees whose ids `ids` gives."""
    return [
        f"DELETE FROM training_contactpreventtraining WHERE attendee_id IN ({ids})",
        f"""INSERT INTO training_contactpreventtraining (attendee_id, contact_id, held_on)
            SELECT p.id, p.contact_id, s.held_on FROM training_attendee p
            JOIN training_attendance a ON a.id = p.attendance_id {JOINS}
            WHERE p.id IN ({ids}) AND p.contact_id IS NOT NULL AND c.counts_as_prevent_training_for_dsl""",
    ]


def _contact_last_recompute(ids: str) -> list[str]:
    """Statements that recompute the last Prevent training date of the contacts whose ids `ids` gives."""
    return [
        f"DELETE FROM training_contactlastpreventtraining WHERE contact_id IN ({ids})",
        f"""INSERT INTO training_contactlastpreventtraining (contact_id, last_on)
            SELECT contact_id, MAX(held_on) FROM training_contactpreventtraining
            WHERE contact_id IN ({ids}) GROUP BY contact_id""",
    ]


def _body(statements: list[str]) -> str:
    return "".join(f"{statement};\n" for statement in statements)


SESSION_SCHOOLS = "SELECT a.school_id FROM training_attendance a WHERE a.session_id = {id} AND a.school_id IS NOT NULL"
SESSION_ATTENDEES = "SELECT p.id FROM training_attendee p JOIN training_attendance a ON a.id = p.attendance_id WHERE a.session_id = {id}"
COURSE_SCHOOLS = (
    "SELECT a.school_id FROM training_attendance a JOIN training_session s ON s.id = a.session_id"
    " WHERE s.course_id = {id} AND a.school_id IS NOT NULL"
)
COURSE_ATTENDEES = (
    "SELECT p.id FROM training_attendee p JOIN training_attendance a ON a.id = p.attendance_id"
    " JOIN training_session s ON s.id = a.session_id WHERE s.course_id = {id}"
)
ATTENDANCE_ATTENDEES = "SELECT p.id FROM training_attendee p WHERE p.attendance_id = {id}"
COURSE_CHANGED = (
    "OLD.code <> NEW.code OR OLD.is_commissioned <> NEW.is_commissioned"
    " OR OLD.counts_as_prevent_training_for_dsl <> NEW.counts_as_prevent_training_for_dsl"
)

POSTGRESQL = [
    f"""CREATE FUNCTION training_school_firsts_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        {_body(_school_firsts_recompute("SELECT unnest(ids)"))} $$""",
    f"""CREATE FUNCTION training_contact_training_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        {_body(_contact_training_recompute("SELECT unnest(ids)"))} $$""",
    f"""CREATE FUNCTION training_contact_last_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        {_body(_contact_last_recompute("SELECT unnest(ids)"))} $$""",
    # Each contact's last date follows its Prevent training rows: an insert can only bring it later.
    """CREATE FUNCTION training_contact_training_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO training_contactlastpreventtraining AS l (contact_id, last_on)
        SELECT contact_id, MAX(held_on) FROM added GROUP BY contact_id
        ON CONFLICT (contact_id) DO UPDATE SET last_on = GREATEST(l.last_on, EXCLUDED.last_on);
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_contact_training_inserted AFTER INSERT ON training_contactpreventtraining
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION training_contact_training_inserted()""",
    """CREATE FUNCTION training_contact_training_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_contact_last_refresh(ARRAY(SELECT DISTINCT contact_id FROM removed));
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_contact_training_deleted AFTER DELETE ON training_contactpreventtraining
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION training_contact_training_deleted()""",
    """CREATE FUNCTION training_contact_training_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_contact_last_refresh(
            ARRAY(SELECT contact_id FROM removed UNION SELECT contact_id FROM added));
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_contact_training_updated AFTER UPDATE ON training_contactpreventtraining
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION training_contact_training_updated()""",
    # Attendances: an insert can only bring a first date earlier; a delete or a move recomputes.
    f"""CREATE FUNCTION training_attendance_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO training_schoolfirsttraining AS f (school_id, first_wrap, first_pve, first_any)
        SELECT a.school_id, {FIRSTS} FROM added a {JOINS} WHERE a.school_id IS NOT NULL GROUP BY a.school_id
        ON CONFLICT (school_id) DO UPDATE SET first_wrap = LEAST(f.first_wrap, EXCLUDED.first_wrap),
            first_pve = LEAST(f.first_pve, EXCLUDED.first_pve), first_any = LEAST(f.first_any, EXCLUDED.first_any);
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendance_inserted AFTER INSERT ON training_attendance
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION training_attendance_inserted()""",
    """CREATE FUNCTION training_attendance_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_school_firsts_refresh(ARRAY(SELECT DISTINCT school_id FROM removed WHERE school_id IS NOT NULL));
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendance_deleted AFTER DELETE ON training_attendance
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION training_attendance_deleted()""",
    f"""CREATE FUNCTION training_attendance_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_school_firsts_refresh(ARRAY_REMOVE(ARRAY[OLD.school_id, NEW.school_id], NULL));
        PERFORM training_contact_training_refresh(ARRAY({ATTENDANCE_ATTENDEES.format(id="NEW.id")}));
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendance_moved AFTER UPDATE OF school_id, session_id ON training_attendance
        FOR EACH ROW WHEN (OLD.school_id IS DISTINCT FROM NEW.school_id OR OLD.session_id <> NEW.session_id)
        EXECUTE FUNCTION training_attendance_moved()""",
    # Named attendees.
    f"""CREATE FUNCTION training_attendee_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO training_contactpreventtraining (attendee_id, contact_id, held_on)
        SELECT p.id, p.contact_id, s.held_on FROM added p JOIN training_attendance a ON a.id = p.attendance_id {JOINS}
        WHERE p.contact_id IS NOT NULL AND c.counts_as_prevent_training_for_dsl;
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendee_inserted AFTER INSERT ON training_attendee
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION training_attendee_inserted()""",
    """CREATE FUNCTION training_attendee_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM training_contactpreventtraining WHERE attendee_id IN (SELECT id FROM removed);
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendee_deleted AFTER DELETE ON training_attendee
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION training_attendee_deleted()""",
    """CREATE FUNCTION training_attendee_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_contact_training_refresh(ARRAY[NEW.id]);
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_attendee_moved AFTER UPDATE OF contact_id, attendance_id ON training_attendee
        FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id OR OLD.attendance_id <> NEW.attendance_id)
        EXECUTE FUNCTION training_attendee_moved()""",
    # A session's date or course, and a course's code or kind.
    f"""CREATE FUNCTION training_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_school_firsts_refresh(ARRAY({SESSION_SCHOOLS.format(id="NEW.id")}));
        PERFORM training_contact_training_refresh(ARRAY({SESSION_ATTENDEES.format(id="NEW.id")}));
        RETURN NULL; END $$""",
    """CREATE TRIGGER training_session_changed AFTER UPDATE OF held_on, course_id ON training_session
        FOR EACH ROW WHEN (OLD.held_on <> NEW.held_on OR OLD.course_id <> NEW.course_id)
        EXECUTE FUNCTION training_session_changed()""",
    f"""CREATE FUNCTION training_course_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM training_school_firsts_refresh(ARRAY({COURSE_SCHOOLS.format(id="NEW.id")}));
        PERFORM training_contact_training_refresh(ARRAY({COURSE_ATTENDEES.format(id="NEW.id")}));
        RETURN NULL; END $$""",
    f"""CREATE TRIGGER training_course_changed
        AFTER UPDATE OF code, is_commissioned, counts_as_prevent_training_for_dsl ON training_course
        FOR EACH ROW WHEN ({COURSE_CHANGED}) EXECUTE FUNCTION training_course_changed()""",
]
POSTGRESQL_BACKFILL = [
    "SELECT training_school_firsts_refresh(ARRAY(SELECT DISTINCT school_id FROM training_attendance"
    " WHERE school_id IS NOT NULL))",
    "SELECT training_contact_training_refresh(ARRAY(SELECT id FROM training_attendee WHERE contact_id IS NOT NULL))",
]
# Every trigger, with its table; on PostgreSQL each calls a function of the same name.
TRIGGERS = [
    ("training_attendance_inserted", "training_attendance"),
    ("training_attendance_deleted", "training_attendance"),
    ("training_attendance_moved", "training_attendance"),
    ("training_attendee_inserted", "training_attendee"),
    ("training_attendee_deleted", "training_attendee"),
    ("training_attendee_moved", "training_attendee"),
    ("training_session_changed", "training_session"),
    ("training_course_changed", "training_course"),
    ("training_contact_training_inserted", "training_contactpreventtraining"),
    ("training_contact_training_deleted", "training_contactpreventtraining"),
    ("training_contact_training_updated", "training_contactpreventtraining"),
]
REFRESH_FUNCTIONS = [
    "training_contact_last_refresh",
    "training_school_firsts_refresh",
    "training_contact_training_refresh",
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name, _ in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}(bigint[])" for name in REFRESH_FUNCTIONS),
]


SQLITE, _ = row_triggers(
    [
        (
            "training_contact_training_inserted",
            "AFTER INSERT ON training_contactpreventtraining",
            "1",
            [
                """INSERT INTO training_contactlastpreventtraining (contact_id, last_on) VALUES (NEW.contact_id, NEW.held_on)
            ON CONFLICT (contact_id) DO UPDATE SET last_on = max(last_on, excluded.last_on)"""
            ],
        ),
        (
            "training_contact_training_deleted",
            "AFTER DELETE ON training_contactpreventtraining",
            "1",
            _contact_last_recompute("OLD.contact_id"),
        ),
        (
            "training_contact_training_updated",
            "AFTER UPDATE ON training_contactpreventtraining",
            "1",
            _contact_last_recompute("OLD.contact_id, NEW.contact_id"),
        ),
        (
            "training_attendance_inserted",
            "AFTER INSERT ON training_attendance",
            "NEW.school_id IS NOT NULL",
            [
                f"""INSERT INTO training_schoolfirsttraining (school_id, first_wrap, first_pve, first_any)
            SELECT NEW.school_id, {FIRSTS} FROM training_session s JOIN training_course c ON c.id = s.course_id
            WHERE s.id = NEW.session_id
            ON CONFLICT (school_id) DO UPDATE SET
                first_wrap = coalesce(min(first_wrap, excluded.first_wrap), first_wrap, excluded.first_wrap),
                first_pve = coalesce(min(first_pve, excluded.first_pve), first_pve, excluded.first_pve),
                first_any = coalesce(min(first_any, excluded.first_any), first_any, excluded.first_any)"""
            ],
        ),
        (
            "training_attendance_deleted",
            "AFTER DELETE ON training_attendance",
            "OLD.school_id IS NOT NULL",
            _school_firsts_recompute("OLD.school_id"),
        ),
        (
            "training_attendance_moved",
            "AFTER UPDATE OF school_id, session_id ON training_attendance",
            "OLD.school_id IS NOT NEW.school_id OR OLD.session_id <> NEW.session_id",
            [
                *_school_firsts_recompute("OLD.school_id, NEW.school_id"),
                *_contact_training_recompute(ATTENDANCE_ATTENDEES.format(id="NEW.id")),
            ],
        ),
        (
            "training_attendee_inserted",
            "AFTER INSERT ON training_attendee",
            "NEW.contact_id IS NOT NULL",
            _contact_training_recompute("NEW.id")[1:],
        ),
        (
            "training_attendee_deleted",
            "AFTER DELETE ON training_attendee",
            "1",
            ["DELETE FROM training_contactpreventtraining WHERE attendee_id = OLD.id"],
        ),
        (
            "training_attendee_moved",
            "AFTER UPDATE OF contact_id, attendance_id ON training_attendee",
            "OLD.contact_id IS NOT NEW.contact_id OR OLD.attendance_id <> NEW.attendance_id",
            _contact_training_recompute("NEW.id"),
        ),
        (
            "training_session_changed",
            "AFTER UPDATE OF held_on, course_id ON training_session",
            "OLD.held_on <> NEW.held_on OR OLD.course_id <> NEW.course_id",
            [
                *_school_firsts_recompute(SESSION_SCHOOLS.format(id="NEW.id")),
                *_contact_training_recompute(SESSION_ATTENDEES.format(id="NEW.id")),
            ],
        ),
        (
            "training_course_changed",
            "AFTER UPDATE OF code, is_commissioned, counts_as_prevent_training_for_dsl ON training_course",
            f"{COURSE_CHANGED}",
            [
                *_school_firsts_recompute(COURSE_SCHOOLS.format(id="NEW.id")),
                *_contact_training_recompute(COURSE_ATTENDEES.format(id="NEW.id")),
            ],
        ),
    ]
)
SQLITE_BACKFILL = [
    *_school_firsts_recompute("SELECT school_id FROM training_attendance WHERE school_id IS NOT NULL"),
    *_contact_training_recompute("SELECT id FROM training_attendee WHERE contact_id IS NOT NULL"),
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS]


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0005_school_last_visit_and_list_indexes"),
        ("training", "0003_versioned"),
    ]

    operations = [
        migrations.CreateModel(
            name="SchoolFirstTraining",
            fields=[
                (
                    "school",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="first_training",
                        serialize=False,
                        to="schools.school",
                    ),
                ),
                ("first_wrap", models.DateField(null=True)),
                ("first_pve", models.DateField(null=True)),
                ("first_any", models.DateField(null=True)),
            ],
            options={
                "verbose_name": "school's first training (kept by the database)",
            },
        ),
        migrations.CreateModel(
            name="ContactPreventTraining",
            fields=[
                (
                    "attendee",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="prevent_training",
                        serialize=False,
                        to="training.attendee",
                    ),
                ),
                ("held_on", models.DateField()),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="prevent_training",
                        to="schools.contact",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact's Prevent training (kept by the database)",
                "indexes": [models.Index(fields=["contact", "held_on"], name="training_cpt_contact_held_on")],
            },
        ),
        migrations.CreateModel(
            name="ContactLastPreventTraining",
            fields=[
                (
                    "contact",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="latest_prevent_training",
                        serialize=False,
                        to="schools.contact",
                    ),
                ),
                ("last_on", models.DateField()),
            ],
            options={
                "verbose_name": "contact's last Prevent training (kept by the database)",
            },
        ),
        migrations.AddIndex(
            model_name="contactpreventtraining",
            index=models.Index(fields=["held_on"], name="training_cpt_held_on"),
        ),
        database_triggers(
            what="training dates",
            postgresql=POSTGRESQL + POSTGRESQL_BACKFILL,
            sqlite=SQLITE + SQLITE_BACKFILL,
            postgresql_drop=POSTGRESQL_DROP,
            sqlite_drop=SQLITE_DROP,
        ),
    ]
