from __future__ import annotations

from functools import partial

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation
from schools.facts import TrainingFacts, register_training_facts


class TrainingConfig(AppConfig):
    name = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import demo, home, navigation, selectors
        from .catalogue import WRAP_CODES

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("training", seed=demo.seed)
        register_training_facts(
            TrainingFacts(
                contact_last_prevent_training=selectors.contact_last_prevent_training,
                contact_ids_with_overdue_prevent_training=selectors.contact_ids_with_overdue_prevent_training,
                school_ids_with_wrap=partial(selectors.school_ids_with_course, course_codes=WRAP_CODES),
                school_training_summary=selectors.school_training_summary,
            )
        )
