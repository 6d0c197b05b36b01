"""The environment of a subprocess that runs the portal under production settings (gunicorn, `manage.py
shell`), pointed at the test database, so that tests exercise the settings a council deploys."""

from __future__ import annotations

import os
from typing import Any


def database_url(db: dict[str, Any], *, port: int | None = None) -> str:
    """DATABASE_URL for a connection's settings_dict (the test database), optionally through another port."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment without its Django, database and Redis variables, plus every variable
    production settings require (harmless values), then `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="prevent_portal.settings.production",
        DJANGO_SECRET_KEY="deploy-check-" + "k7Qz9xP2mW4vR8tY1uN6bE3cH5jL0aS" * 2,
        DJANGO_ALLOWED_HOSTS="prevent.northbrook.example",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/prevent_deploy_check",
        REDIS_URL="redis://127.0.0.1:6379/13",
        DEFAULT_FROM_EMAIL="Prevent Portal <no-reply@northbrook.example>",
        SITE_URL="https://prevent.northbrook.example",
    )
    env.update(overrides)
    return env
