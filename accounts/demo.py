"""Demo users, one per role and a second DSL, each with a known password and authenticator secret.

Never loaded under production settings (seed_demo refuses). The secrets are derived from the e-mail address so
that they are the same on every machine and can be written in the README.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.demo import DemoContext

from .models import Membership, Team, User
from .roles import Role

if TYPE_CHECKING:
    # For the annotation only: at run time accounts does not import the apps above it.
    from channel.models.panels import Panel

DEMO_PASSWORD = "Northbrook-Demo-2026"
DEMO_DOMAIN = "northbrook.example"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    job_title: str


DEMO_USERS = [
    DemoUser(f"coordinator@{DEMO_DOMAIN}", "Priya Marlow", Role.COORDINATOR, "Prevent Coordinator"),
    DemoUser(f"adviser@{DEMO_DOMAIN}", "Owen Brightwell", Role.ADVISER, "Schools Resilience Adviser"),
    DemoUser(f"dsl@{DEMO_DOMAIN}", "Hana Northcott", Role.DSL, "Designated Safeguarding Lead"),
    DemoUser(f"dsl2@{DEMO_DOMAIN}", "Callum Fairley", Role.DSL, "Designated Safeguarding Lead"),
    DemoUser(f"practitioner@{DEMO_DOMAIN}", "Leila Garside", Role.CSC_PRACTITIONER, "Social Worker"),
    DemoUser(f"chair@{DEMO_DOMAIN}", "Tomasz Rowntree", Role.PANEL_CHAIR, "Head of Community Safety"),
    DemoUser(f"member@{DEMO_DOMAIN}", "Grace Okafor", Role.PANEL_MEMBER, "Police Prevent Officer"),
    DemoUser(f"scrutiny@{DEMO_DOMAIN}", "Cllr Rhys Underhill", Role.SCRUTINY, "Councillor"),
    DemoUser(f"sysadmin@{DEMO_DOMAIN}", "Esme Varley", Role.SYSADMIN, "IT Systems Administrator"),
]
TEAMS = ["Assessment Team North", "Assessment Team South", "Early Help Hub"]


def demo_totp_key(email: str) -> str:
    """A 20-byte key, as hex for django-otp."""
    return hashlib.sha256(f"northbrook-demo-totp:{email}".encode()).hexdigest()[:40]


def demo_totp_secret(email: str) -> str:
    """The same key in base32, as authenticator apps and `oathtool --totp -b` take it."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(email))).decode()


def seed(ctx: DemoContext) -> None:
    teams = {name: Team.objects.create(name=f"Children's Social Care: {name}") for name in TEAMS}
    school_ids = ctx.made["school_ids"]
    panels = ctx.made["panels"]
    start = ctx.today.replace(year=ctx.today.year - 3)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    for demo in DEMO_USERS:
        user = User.objects.create(
            email=demo.email, password=password_hash, full_name=demo.full_name, job_title=demo.job_title
        )
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=demo_totp_key(demo.email), confirmed=True)
        scope: dict[str, object] = {}
        if demo.role == Role.DSL:
            scope["school_id"] = school_ids[0] if demo.email.startswith("dsl@") else school_ids[1]
        elif demo.role == Role.CSC_PRACTITIONER:
            scope["team"] = teams[TEAMS[0]]
        elif demo.role in (Role.PANEL_CHAIR, Role.PANEL_MEMBER):
            scope["panel"] = panels["channel"]
            scope["agency"] = "Northbrook City Council" if demo.role == Role.PANEL_CHAIR else "Police"
        Membership.objects.create(user=user, role=demo.role, started_on=start, **scope)
    User.objects.filter(email=f"sysadmin@{DEMO_DOMAIN}").update(is_staff=True)
    _seed_user_admin_examples(ctx, school_ids=school_ids, panels=panels, start=start)
    ctx.made["teams"] = teams
    ctx.made["demo_users"] = {u.email: User.objects.get(email=u.email) for u in DEMO_USERS}
    ctx.say(f"  {len(DEMO_USERS)} demo users")


def _seed_user_admin_examples(
    ctx: DemoContext, *, school_ids: list[int], panels: dict[str, Panel], start: date
) -> None:
    """A few accounts in the states the user pages deal with: invited and not yet signed in, and a former panel
    member whose role has ended and whose account is deactivated (kept, so the audit trail keeps its actor)."""
    invited = User(email=f"new.dsl@{DEMO_DOMAIN}", full_name="Aisha Pemberton", job_title="Deputy DSL")
    invited.set_unusable_password()
    invited.save()
    Membership.objects.create(user=invited, role=Role.DSL, school_id=school_ids[2 % len(school_ids)])
    former = User.objects.create(
        email=f"former.member@{DEMO_DOMAIN}",
        password=make_password(None),
        full_name="Gareth Linwood",
        job_title="Probation Officer",
        is_active=False,
    )
    Membership.objects.create(
        user=former,
        role=Role.PANEL_MEMBER,
        panel=panels["channel"],
        agency="Probation",
        started_on=start,
        ended_on=ctx.today.replace(month=1, day=31),
    )
    ctx.say("  2 more accounts for the user pages: one invited, one deactivated")
