"""The courses a council starts with. Loaded by the data migration and by seed_demo; coordinators add more as data.

Each row: code, name, audience, counts as Prevent training for a DSL, commissioned or community delivery,
Home Office e-learning, refresher, order.
"""

from __future__ import annotations

COURSES: list[tuple[str, str, str, bool, bool, bool, bool, int]] = [
    ("WRAP", "Workshop to Raise Awareness of Prevent (WRAP)", "all_staff", True, False, False, False, 10),
    (
        "PVE",
        "Preventing Violent Extremism (PVE) for designated safeguarding leads",
        "dsl",
        True,
        False,
        False,
        False,
        20,
    ),
    ("ELEARN-AWARENESS", "Prevent duty e-learning: Awareness", "all_staff", True, False, True, False, 30),
    ("ELEARN-REFERRALS", "Prevent duty e-learning: Referrals", "all_staff", True, False, True, False, 31),
    (
        "ELEARN-CHANNEL",
        "Prevent duty e-learning: Channel or Prevent Multi-Agency Panel (PMAP) awareness",
        "multi_agency",
        True,
        False,
        True,
        False,
        32,
    ),
    (
        "ELEARN-AWARENESS-REFRESH",
        "Prevent duty e-learning: Awareness refresher",
        "all_staff",
        True,
        False,
        True,
        True,
        33,
    ),
    (
        "ELEARN-REFERRALS-REFRESH",
        "Prevent duty e-learning: Referrals refresher",
        "all_staff",
        True,
        False,
        True,
        True,
        34,
    ),
    (
        "ELEARN-CHANNEL-REFRESH",
        "Prevent duty e-learning: Channel or PMAP awareness refresher",
        "multi_agency",
        True,
        False,
        True,
        True,
        35,
    ),
    ("TTT", "Accredited train-the-trainer", "trainers", True, False, False, False, 40),
    ("CHANNEL-AWARENESS", "Channel awareness", "multi_agency", True, False, False, False, 50),
    ("BESPOKE-BRIEFING", "Bespoke briefing", "all_staff", False, False, False, False, 60),
    ("PUPIL-WORKSHOP", "Pupil workshop", "pupils", False, True, False, False, 70),
    ("PARENTING", "Parenting programme", "parents", False, True, False, False, 80),
    ("COMMUNITY-WORKSHOP", "Community workshop", "community", False, True, False, False, 90),
]

WRAP_CODES = ["WRAP"]
PVE_CODES = ["PVE"]
TRAIN_THE_TRAINER_CODES = ["TTT"]


def course_defaults(row: tuple[str, str, str, bool, bool, bool, bool, int]) -> dict[str, object]:
    code, name, audience, counts, commissioned, elearning, refresher, order = row
    return {
        "name": name,
        "audience": audience,
        "counts_as_prevent_training_for_dsl": counts,
        "is_commissioned": commissioned,
        "is_elearning": elearning,
        "is_refresher": refresher,
        "order": order,
    }
