"""Prints the demo sign-ins: e-mail, role, password and authenticator secret (with the code for now)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_totp_key, demo_totp_secret
from accounts.roles import Role


class Command(BaseCommand):
    help = "Show the demo users' sign-in details."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("There are no demo users under production settings.")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"{'email':34} {'role':30} {'authenticator secret':34} code now")
        for demo in DEMO_USERS:
            code = f"{totp(bytes.fromhex(demo_totp_key(demo.email))):06d}"
            role = Role(demo.role).label
            self.stdout.write(f"{demo.email:34} {role:30} {demo_totp_secret(demo.email):34} {code}")
        self.stdout.write("A code changes every 30 seconds: `oathtool --totp -b SECRET` prints the current one.")
