"""Demo schools and other institutions for seed_demo (bulk inserts, so `national` stays fast)."""

from __future__ import annotations

from datetime import date

from core.demo import PLACES, WARDS, DemoContext

from .models import Institution, InstitutionKind, Phase, RRSALevel, School, SchoolType, Status, SupportTier

# (phase, GIAS phase name, suffix, share) roughly as in a large English city.
PHASE_MIX = [
    (Phase.PRIMARY, "Primary", "Primary School", 0.66),
    (Phase.SECONDARY, "Secondary", "Academy", 0.17),
    (Phase.SPECIAL, "Not applicable", "School", 0.07),
    (Phase.EARLY_YEARS, "Nursery", "Nursery School", 0.04),
    (Phase.ALL_THROUGH, "All-through", "School", 0.03),
    (Phase.PRU, "Not applicable", "Pupil Referral Unit", 0.02),
    (Phase.FE, "16 plus", "Sixth Form College", 0.01),
]
TYPE_MIX = [
    (SchoolType.MAINTAINED, "Community school", "Local authority maintained schools", 0.45),
    (SchoolType.ACADEMY, "Academy converter", "Academies", 0.38),
    (SchoolType.FREE_SCHOOL, "Free schools", "Free Schools", 0.07),
    (SchoolType.INDEPENDENT, "Other independent school", "Independent schools", 0.10),
]
POSTCODE_AREAS = ("NB1", "NB2", "NB3", "NB4", "NB5", "NB6", "NB7", "NB8", "NB9", "NB10", "NB11", "NB12")


def _pick(ctx: DemoContext, mix: list[tuple]) -> tuple:  # type: ignore[type-arg]
    roll = ctx.rng.random()
    total = 0.0
    for row in mix:
        total += row[-1]
        if roll <= total:
            return row
    return mix[0]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    schools: list[School] = []
    used: set[str] = set()
    for i in range(ctx.scale.schools):
        phase, phase_name, suffix, _ = _pick(ctx, PHASE_MIX)
        school_type, type_name, type_group, _ = _pick(ctx, TYPE_MIX)
        base = f"{rng.choice(PLACES)} {suffix}"
        name = base if base not in used else f"{base} ({i + 1})"
        used.add(name)
        roll = rng.random()
        status, open_date, close_date = Status.OPEN, None, None
        if roll < 0.04:
            status, close_date = Status.CLOSED, ctx.date_between(date(2014, 1, 1), date(2025, 8, 31))
        elif roll < 0.10:
            open_date = ctx.date_between(date(2012, 9, 1), date(2024, 9, 1))
        first = ctx.person_name().split()
        schools.append(
            School(
                urn=200000 + i,
                la_code=ctx.scale.la_code,
                la_name="Northbrook",
                establishment_number=f"{2000 + i}",
                name=name,
                type_name=type_name,
                type_group=type_group,
                school_type=school_type,
                status=status,
                phase=phase,
                phase_name=phase_name,
                open_date=open_date,
                close_date=close_date,
                pupils=rng.randint(40, 420) if phase in (Phase.PRIMARY, Phase.EARLY_YEARS) else rng.randint(80, 1600),
                street=f"{rng.randint(1, 220)} {rng.choice(PLACES)} Road",
                town="Northbrook",
                postcode=f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                ward=rng.choice(WARDS),
                head_title=rng.choice(["Mr", "Mrs", "Ms", "Dr", "Miss"]),
                head_first_name=first[0],
                head_last_name=first[1],
                support_tier=_pick(
                    ctx, [(SupportTier.UNIVERSAL, 0.80), (SupportTier.SPECIALIST, 0.15), (SupportTier.INTENSIVE, 0.05)]
                )[0],
                rrsa_level=_pick(
                    ctx,
                    [
                        (RRSALevel.NONE, 0.50),
                        (RRSALevel.REGISTERED, 0.15),
                        (RRSALevel.BRONZE, 0.17),
                        (RRSALevel.SILVER, 0.12),
                        (RRSALevel.GOLD, 0.06),
                    ],
                )[0],
            )
        )
    School.objects.bulk_create(schools, batch_size=2000)
    institutions = []
    kinds = list(InstitutionKind)
    for i in range(ctx.scale.institutions):
        kind = kinds[i % len(kinds)]
        institutions.append(
            Institution(
                name=f"{rng.choice(PLACES)} {kind.label} {i + 1}",
                kind=kind,
                ward=rng.choice(WARDS),
            )
        )
    Institution.objects.bulk_create(institutions, batch_size=2000)
    ctx.made["school_ids"] = list(School.objects.order_by("urn").values_list("id", flat=True))
    ctx.say(f"  {len(schools)} schools, {len(institutions)} other institutions")
