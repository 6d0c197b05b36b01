"""Give the app's database role what the portal needs, as the tables' owner, after `migrate` (core/database_roles.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from core.database_roles import AppRoleRefused, app_role_grant


class Command(BaseCommand):
    help = "Grant the app's database role (default DATABASE_APP_ROLE) its privileges; run as the tables' owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", default="", help="The app's role (default: DATABASE_APP_ROLE).")

    def handle(self, *args: Any, role: str = "", **options: Any) -> None:
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("Name the app's role, or set DATABASE_APP_ROLE.")
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: there are no database roles to grant.")
            return
        try:
            with transaction.atomic():
                statements = app_role_grant(role=role)
        except AppRoleRefused as refused:
            raise CommandError(str(refused)) from refused
        for statement in statements:
            self.stdout.write(statement)
        self.stdout.write(f"{role} may use the portal's tables and owns none of them.")
