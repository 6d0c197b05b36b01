from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation
from schools.facts import TrainingFacts, register_training_facts

if TYPE_CHECKING:
    from accounts.models import User


class TrainingConfig(AppConfig):
    name = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # core.locking holds an abstract model, so it is imported once the app registry is ready.
        from core.csv_export import register_list_export
        from core.locking import EditService, register_edit_service

        from . import demo, exports, home, navigation, selectors, services
        from .models import Attendance, Course, Session
        from .views import imports  # noqa: F401  (its waiting uploads join the nightly sweep: core.uploads)

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("training", seed=demo.seed, finish=demo.finish)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_training_facts(
            TrainingFacts(
                contact_last_prevent_training=selectors.contact_last_prevent_training,
                contact_ids_with_overdue_prevent_training=selectors.contact_ids_with_overdue_prevent_training,
                school_ids_with_wrap=selectors.school_ids_with_wrap,
                school_training_summary=selectors.school_training_summary,
            )
        )

        # How the generic two-saves test (tests/core/test_edit_services.py) drives each edit service: `text` goes
        # into a field of the record through the real service, with the version the page held.
        register_edit_service(
            EditService(
                model=Course,
                edit=lambda *, instance, expected_version, actor, text: services.course_update(
                    actor=actor, course=instance, version=expected_version, fields={"description": text}
                ),
                read=lambda course: course.description,
            )
        )
        register_edit_service(
            EditService(
                model=Session,
                edit=lambda *, instance, expected_version, actor, text: services.session_update(
                    actor=actor, session=instance, version=expected_version, fields={"venue": text}
                ),
                read=lambda session: session.venue,
            )
        )
        # An attendance holds numbers only: each text saved gets a staff count of its own, read back to the text.
        texts_by_staff: dict[int, str] = {}

        def attendance_edit(*, instance: Attendance, expected_version: int, actor: User, text: str) -> Attendance:
            staff = len(texts_by_staff) + 1
            texts_by_staff[staff] = text
            return services.attendance_counts_update(
                actor=actor,
                attendance=instance,
                version=expected_version,
                staff=staff,
                pupils=instance.pupils,
                parents=instance.parents,
            )

        register_edit_service(
            EditService(
                model=Attendance, edit=attendance_edit, read=lambda attendance: texts_by_staff.get(attendance.staff)
            )
        )
