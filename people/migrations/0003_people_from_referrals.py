"""One person for every referral already made, so every referral and case (through its referral) belongs to a
person from the start. Earlier referrals about the same person are joined later, at triage, by a coordinator
confirming a proposed match; nothing is joined here by guesswork."""

from __future__ import annotations

from django.db import migrations

from people.keys import name_key, phonetic_key

CHUNK = 2000


def forwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Person = apps.get_model("people", "Person")
    pending = Referral.objects.filter(person__isnull=True).exclude(status="draft").order_by("pk")
    while True:
        rows = list(pending.values_list("pk", "first_name", "last_name", "date_of_birth")[:CHUNK])
        if not rows:
            break
        people = Person.objects.bulk_create(
            Person(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                name_key=name_key(first, last),
                phonetic_key=phonetic_key(first, last),
            )
            for _, first, last, born in rows
        )
        Referral.objects.bulk_update(
            [Referral(pk=pk, person_id=person.pk) for (pk, *_), person in zip(rows, people, strict=True)],
            ["person"],
        )


def backwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.update(person=None)
    apps.get_model("people", "Person").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_trigram_index"), ("referrals", "0007_referral_person")]

    operations = [migrations.RunPython(forwards, backwards)]
