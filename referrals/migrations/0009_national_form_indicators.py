"""The early indicators asked about by the national Prevent referral form (December 2023) and the Department for
Education's "Making a referral to Prevent": interest in mass-casualty violence, worrying online activity, wishes
or threats to cause harm, and sympathy for hate crime, extremism or terrorism. One indicator is reworded.

The lists are data: referrals answered before keep the wording they were answered with (ReferralIndicator.label
holds its own copy), so a past answer reads as it did. Going back restores the old wording and switches the
added rows off (they are never deleted once answered)."""

from __future__ import annotations

from django.db import migrations

REWORDED = {
    "Interest in past attacks, weapons or mass violence": (
        "Interest in mass-casualty violence, past attacks or weapons"
    ),
}
ADDED = [
    ("Worrying use of the internet, social media or online games, or contact with concerning groups online", 95),
    ("Expressing a wish to cause physical harm, or threats of violence to anyone", 96),
    ("Sympathy for hate crime, extremism or terrorism, including murders of public figures", 97),
]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("referrals", "Indicator")
    for old, new in REWORDED.items():
        Indicator.objects.filter(label=old).update(label=new)
    for label, order in ADDED:
        Indicator.objects.update_or_create(label=label, defaults={"order": order, "is_active": True})


def backwards(apps, schema_editor):
    Indicator = apps.get_model("referrals", "Indicator")
    for old, new in REWORDED.items():
        Indicator.objects.filter(label=new).update(label=old)
    Indicator.objects.filter(label__in=[label for label, _ in ADDED]).update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0008_national_referral_form")]

    operations = [migrations.RunPython(forwards, backwards)]
