"""Shared pieces for seed_demo: the scales, a seeded random source and invented names.

Every name here is made up for the fictional Northbrook City Council; none comes from the source documents.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Scale:
    name: str
    schools: int
    institutions: int
    training_attendances: int
    visits: int
    referrals: int
    cases: int
    la_code: str = "888"


SCALES = {
    "small": Scale("small", schools=40, institutions=12, training_attendances=400, visits=60, referrals=40, cases=8),
    "city": Scale("city", schools=440, institutions=80, training_attendances=6000, visits=600, referrals=300, cases=45),
    "national": Scale(
        "national",
        schools=24000,
        institutions=3000,
        training_attendances=500000,
        visits=30000,
        referrals=60000,
        cases=6000,
    ),
}

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Callum",
    "Dalia",
    "Elliot",
    "Farah",
    "Gethin",
    "Hana",
    "Idris",
    "Jodie",
    "Kieran",
    "Leila",
    "Mason",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Rhys",
    "Saoirse",
    "Tomasz",
    "Uma",
    "Vikram",
    "Wren",
    "Xander",
    "Yasmin",
    "Zach",
    "Aled",
    "Bryony",
    "Cerys",
    "Dev",
    "Esme",
    "Fraser",
    "Grace",
    "Harvey",
    "Iona",
    "Jai",
    "Kezia",
    "Lorcan",
    "Maisie",
    "Niall",
    "Orla",
    "Piotr",
    "Rosa",
    "Sami",
    "Tegan",
    "Usman",
    "Violet",
    "Wilf",
    "Yusuf",
    "Zara",
)
LAST_NAMES = (
    "Ashdown",
    "Brightwell",
    "Carrow",
    "Dunmore",
    "Elsworth",
    "Fairley",
    "Garside",
    "Holloway",
    "Inglby",
    "Jessop",
    "Kettering",
    "Lindqvist",
    "Marlow",
    "Northcott",
    "Oakes",
    "Pennick",
    "Quarry",
    "Rowntree",
    "Stainsby",
    "Thackeray",
    "Underhill",
    "Varley",
    "Whitlock",
    "Yardley",
    "Abara",
    "Begum",
    "Chowdhury",
    "Demir",
    "Eze",
    "Fernandes",
    "Gill",
    "Hussain",
    "Iqbal",
    "Jankowski",
    "Kaur",
    "Lewandowski",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Qureshi",
    "Rahman",
    "Singh",
    "Tran",
    "Umar",
    "Vasquez",
    "Wiśniewski",
    "Yilmaz",
    "Zielinski",
)
PLACES = (
    "Ashgrove",
    "Birchfield",
    "Cobbett",
    "Dunsmore",
    "Eastwick",
    "Fernhill",
    "Greystone",
    "Hollins",
    "Ironbridge",
    "Juniper",
    "Kingsmead",
    "Larkhill",
    "Marsh Lane",
    "Netherby",
    "Oakfield",
    "Pennine",
    "Quayside",
    "Rookery",
    "Saltmarsh",
    "Thornbury",
    "Upperton",
    "Vale",
    "Wickham",
    "Yewtree",
    "Alder",
    "Beacon",
    "Canal Side",
    "Dovecote",
    "Elmhurst",
    "Foxley",
    "Glebe",
    "Harrowby",
    "Inkerman",
    "Kestrel",
    "Linden",
    "Meadowbank",
    "Northbrook",
    "Orchard",
    "Parkside",
    "Queensway",
    "Riverside",
    "St Aidan's",
    "St Bride's",
    "St Cuthbert's",
    "St Hilda's",
    "Tanner's",
    "Waterside",
    "Woodlands",
)
WARDS = (
    "Ashgrove", "Birchfield", "Castle Vale", "Dunsmore", "Eastwick", "Fernhill", "Greystone", "Hollins",
    "Kingsmead", "Larkhill", "Netherby", "Oakfield", "Quayside", "Rookery", "Saltmarsh", "Thornbury",
    "Upperton", "Wickham", "Northbrook Central", "St Aidan's",
)  # fmt: skip


@dataclass
class DemoContext:
    """What one seed_demo run has built so far, handed from app to app."""

    scale: Scale
    rng: random.Random
    today: date
    out: Any = None
    made: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def date_between(self, start: date, end: date) -> date:
        days = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, days))


DemoStep = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoSeeder:
    """One app's part of the demo council: `seed` in the first pass, `finish` (if any) in the second, for records
    that need what a later app made."""

    app: str
    seed: DemoStep
    finish: DemoStep | None = None


_seeders: dict[str, DemoSeeder] = {}


def register_demo(app: str, *, seed: DemoStep, finish: DemoStep | None = None) -> None:
    """Called from each app's AppConfig.ready(), so core never imports an app's demo module by name."""
    _seeders[app] = DemoSeeder(app=app, seed=seed, finish=finish)


def demo_seeders(order: list[str]) -> list[DemoSeeder]:
    """The registered seeders in `order`; an app missing from either side is an error, not a gap in the demo."""
    if set(order) != set(_seeders):
        raise LookupError(f"Demo seeders registered {sorted(_seeders)} do not match the order {order}")
    return [_seeders[app] for app in order]
