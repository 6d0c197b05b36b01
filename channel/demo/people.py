"""The panels' chairs and members for the demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accounts.models import Membership, User
from accounts.roles import Role
from core.demo import DemoContext

from ..models.panels import Panel

AGENCIES = (
    "Police", "Children's Social Care", "Adult Social Care", "Health (NHS Trust)", "Education",
    "Probation Service", "Youth Offending Service", "Mental health services",
)  # fmt: skip


def seed_members(ctx: DemoContext, panels: list[Panel], users: dict[str, Any]) -> dict[int, list[Any]]:
    """Each panel: a chair and five or six members from different agencies. The demo chair and member sit on the
    Channel panel (accounts made their memberships); the others are invented and cannot sign in."""
    from django.contrib.auth.hashers import make_password

    started = ctx.today - timedelta(days=3 * 365)
    unusable = make_password(None)
    people: dict[int, list[Any]] = {}
    new_users: list[User] = []
    plan: list[tuple[int, str, str, int]] = []  # panel id, role, agency, index into new_users
    for p_index, panel in enumerate(panels):
        existing = list(
            Membership.objects.filter(
                panel=panel, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER], ended_on__isnull=True
            )
            .select_related("user")
            .order_by("pk")
        )
        existing.sort(key=lambda m: m.role != Role.PANEL_CHAIR)
        people[panel.pk] = [m.user for m in existing]
        has_chair = any(m.role == Role.PANEL_CHAIR for m in existing)
        wanted = [("panel_chair", "Northbrook City Council")] if not has_chair else []
        taken = {m.agency for m in existing}
        wanted += [("panel_member", a) for a in AGENCIES if a not in taken][: max(0, 6 - len(existing))]
        for role, agency in wanted:
            name = ctx.person_name()
            slug = name.lower().replace(" ", ".").replace("'", "")
            new_users.append(
                User(
                    email=f"{slug}.{p_index}{len(new_users)}@panels.northbrook.example",
                    full_name=name,
                    job_title=f"{agency} representative" if role == "panel_member" else "Panel chair",
                    password=unusable,
                )
            )
            plan.append((panel.pk, role, agency, len(new_users) - 1))
    User.objects.bulk_create(new_users)
    saved = {u.email: u for u in User.objects.filter(email__in=[u.email for u in new_users])}
    rows = []
    for panel_id, role, agency, index in plan:
        user = saved[new_users[index].email]
        rows.append(Membership(user=user, role=role, panel_id=panel_id, agency=agency, started_on=started))
        if role == "panel_chair":
            people[panel_id].insert(0, user)
        else:
            people[panel_id].append(user)
    Membership.objects.bulk_create(rows)
    return people
