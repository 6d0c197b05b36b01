"""Time the match proposals a coordinator sees at triage (people.selectors.match_candidates) against an already
seeded database, e.g. `seed_demo --scale national` (60,000 referrals) then ANALYZE:

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=prevent_portal.settings.local \
        .venv/bin/python benchmarks/person_matching.py [--samples 200] [--seed 1]

It takes a random sample of submitted referrals, and for each asks for the proposals twice: as made (the name as
given) and with the name misspelt (a letter dropped from the family name, a vowel changed in the given name), as
a second referral about the same person would be. It prints the median, 95th percentile and slowest time per
proposal query and how often the misspelt referral's own person was proposed. It prints figures; it does not
pass or fail. The target is under 200 ms on PostgreSQL at national scale.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def misspell(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    cut = rng.randrange(1, len(name) - 1)
    return name[:cut] + name[cut + 1 :]


def vowel_swap(name: str) -> str:
    swaps = {"o": "u", "u": "o", "e": "a", "a": "e", "i": "y", "y": "i"}
    for i, c in enumerate(name[1:], start=1):
        if c in swaps:
            return name[:i] + swaps[c] + name[i + 1 :]
    return name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from people.models import Person
    from people.selectors import match_candidates
    from referrals.models import Referral, Status

    rng = random.Random(args.seed)
    ids = list(Referral.objects.exclude(status=Status.DRAFT).filter(person__isnull=False).values_list("pk", flat=True))
    print(f"{connection.vendor}: {len(ids):,} referrals, {Person.objects.count():,} people")
    sample = Referral.objects.filter(pk__in=rng.sample(ids, min(args.samples, len(ids))))
    timings: list[float] = []
    found = 0
    proposals = 0
    for referral in sample:
        for variant in (False, True):
            if variant:
                # A second referral about the same person: the name spelt differently, the same date of birth.
                own_person = referral.person_id
                referral.first_name = vowel_swap(referral.first_name)
                referral.last_name = misspell(referral.last_name, rng)
                referral.person_id = None
                referral.pk = -referral.pk
            started = time.perf_counter()
            candidates = match_candidates(referral=referral)
            timings.append(time.perf_counter() - started)
            proposals += len(candidates)
            if variant:
                found += any(c.person.pk == own_person for c in candidates)
    timings.sort()
    ms = [t * 1000 for t in timings]
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"match_candidates, {len(ms)} queries: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
        f"slowest {ms[-1]:.1f} ms; {proposals / len(ms):.1f} proposals per referral on average"
    )
    print(f"misspelt second referral matched to its own person: {found} of {len(ms) // 2}")


if __name__ == "__main__":
    main()
