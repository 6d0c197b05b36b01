from __future__ import annotations

from django.apps import AppConfig

from accounts.scopes import SCHOOL, register_scope_choices
from core.demo import register_demo
from core.registry import register_home, register_navigation


class SchoolsConfig(AppConfig):
    name = "schools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import demo, home, navigation
        from .models import School

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("schools", seed=demo.seed, finish=demo.finish)
        register_scope_choices(SCHOOL, lambda: School.objects.currently_open())
