"""Two data changes.

1. The types of concern of the Home Office's statistics from April 2024 to March 2025 (published 6 November
   2025, the first from the Prevent Case Management Tracker; see the README, "Committee reports"). Retired
   categories stay as rows switched off, so every referral answered with them keeps its wording (each referral
   also keeps `concern_type_label`, the words it was answered with); new referrals choose from the new list.
2. Age at referral from the date of birth on the referral date in whole calendar years (some rows were stored
   from 365-day years), so age bands agree with dates of birth.
"""

from __future__ import annotations

from django.db import migrations

RETIRED = [
    "Mixed, unclear or unstable / Conflicted",
    "School massacre",
    "No ideology, other susceptibility identified",
]
# (label, hint, order). Labels already present keep their row and wording.
CURRENT = [
    ("Islamist", "", 10),
    ("Extreme Right-Wing", "", 20),
    ("Left-wing, anarchist or single issue", "", 30),
    ("Conflicted: more than one ideology, none dominant", "Elements of several ideologies, none of them dominant.", 40),
    (
        "Fascination with extreme violence or mass casualty attacks (no other ideology)",
        "For example an interest in school massacres, with no ideology behind it.",
        50,
    ),
    ("Incel", "", 60),
    ("No ideology: other susceptibility to radicalisation identified", "", 70),
    ("No ideology or susceptibility to radicalisation identified", "", 80),
    ("Other", "", 90),
]


def _whole_years(born, on):
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)


def concern_types_forwards(apps, schema_editor):
    ConcernType = apps.get_model("referrals", "ConcernType")
    ConcernType.objects.filter(label__in=RETIRED).update(is_active=False, order=200)
    for label, hint, order in CURRENT:
        row = ConcernType.objects.filter(label=label).first()
        if row is None:
            ConcernType.objects.create(label=label, hint=hint, order=order, is_active=True)
        else:
            ConcernType.objects.filter(pk=row.pk).update(order=order, is_active=True)


def concern_types_backwards(apps, schema_editor):
    ConcernType = apps.get_model("referrals", "ConcernType")
    old_labels = {label for label, _hint, _order in CURRENT[:3]} | {"Incel", "Other"}
    ConcernType.objects.filter(label__in=[label for label, _h, _o in CURRENT if label not in old_labels]).update(
        is_active=False
    )
    ConcernType.objects.filter(label__in=RETIRED).update(is_active=True)


def exact_ages(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    rows = (
        Referral.objects.filter(date_of_birth__isnull=False, submitted_on__isnull=False)
        .only("pk", "date_of_birth", "submitted_on", "age_at_referral")
        .order_by("pk")
    )
    changed = []
    for row in rows.iterator(chunk_size=2000):
        age = _whole_years(row.date_of_birth, row.submitted_on)
        if row.age_at_referral != age:
            row.age_at_referral = age
            changed.append(row)
        if len(changed) >= 1000:
            Referral.objects.bulk_update(changed, ["age_at_referral"])
            changed = []
    if changed:
        Referral.objects.bulk_update(changed, ["age_at_referral"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_neurodiversity")]

    operations = [
        migrations.RunPython(concern_types_forwards, concern_types_backwards),
        migrations.RunPython(exact_ages, migrations.RunPython.noop),
    ]
