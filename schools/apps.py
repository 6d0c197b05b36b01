from __future__ import annotations

from django.apps import AppConfig

from accounts.scopes import SCHOOL, register_scope_choices
from core.demo import register_demo
from core.registry import register_home, register_navigation


class SchoolsConfig(AppConfig):
    name = "schools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # core.locking holds an abstract model, so it is imported once the app registry is ready.
        from core.csv_export import register_list_export
        from core.locking import EditService, register_edit_service

        from . import demo, exports, home, navigation
        from .models import Contact, Institution, NetworkMeeting, School, Visit, VisitAction
        from .services.schools import contact_update, school_update
        from .services.visits import action_update, institution_update, meeting_update, visit_update
        from .views import imports  # noqa: F401  (its waiting uploads join the nightly sweep: core.uploads)

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("schools", seed=demo.seed, finish=demo.finish)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_scope_choices(SCHOOL, lambda: School.objects.currently_open())

        # How the generic two-saves test (tests/core/test_edit_services.py) drives each edit service: `text` goes
        # into a free-text field of the record through the real service, with the version the page held.
        for service in (
            EditService(
                model=School,
                edit=lambda *, instance, expected_version, actor, text: school_update(
                    school=instance, actor=actor, version=expected_version, notes=text
                ),
                read=lambda school: school.notes,
            ),
            EditService(
                model=Contact,
                edit=lambda *, instance, expected_version, actor, text: contact_update(
                    contact=instance, actor=actor, version=expected_version, full_name=text
                ),
                read=lambda contact: contact.full_name,
            ),
            EditService(
                model=Institution,
                edit=lambda *, instance, expected_version, actor, text: institution_update(
                    institution=instance, actor=actor, version=expected_version, notes=text
                ),
                read=lambda institution: institution.notes,
            ),
            EditService(
                model=Visit,
                edit=lambda *, instance, expected_version, actor, text: visit_update(
                    visit=instance, actor=actor, version=expected_version, notes=text
                ),
                read=lambda visit: visit.notes,
            ),
            EditService(
                model=VisitAction,
                edit=lambda *, instance, expected_version, actor, text: action_update(
                    action=instance, actor=actor, version=expected_version, description=text
                ),
                read=lambda action: action.description,
            ),
            EditService(
                model=NetworkMeeting,
                edit=lambda *, instance, expected_version, actor, text: meeting_update(
                    meeting=instance,
                    actor=actor,
                    version=expected_version,
                    attendees=instance.attendees.all(),
                    notes=text,
                ),
                read=lambda meeting: meeting.notes,
            ),
        ):
            register_edit_service(service)
