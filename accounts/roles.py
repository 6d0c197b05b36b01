"""The roles of PRODUCT.md ("Who uses it"). A user holds one or more through Membership rows."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Prevent coordinator"
    ADVISER = "adviser", "Schools resilience adviser"
    DSL = "dsl", "Designated safeguarding lead"
    CSC_PRACTITIONER = "csc_practitioner", "CSC practitioner"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    SCRUTINY = "scrutiny", "Scrutiny member"
    SYSADMIN = "sysadmin", "System administrator"


# Which scope each role needs: a DSL is tied to a school, a practitioner to a team, chairs and members to a panel.
ROLE_SCOPE: dict[str, str | None] = {
    Role.COORDINATOR: None,
    Role.ADVISER: None,
    Role.DSL: "school",
    Role.CSC_PRACTITIONER: "team",
    Role.PANEL_CHAIR: "panel",
    Role.PANEL_MEMBER: "panel",
    Role.SCRUTINY: None,
    Role.SYSADMIN: None,
}
