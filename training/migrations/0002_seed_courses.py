from __future__ import annotations

from django.db import migrations

# A copy of training/catalogue.py as it stood when this migration was written, so that later edits to the
# catalogue do not change what this migration did.
COURSES = [
    ("WRAP", "Workshop to Raise Awareness of Prevent (WRAP)", "all_staff", True, False, False, False, 10),
    ("PVE", "Preventing Violent Extremism (PVE) for designated safeguarding leads", "dsl", True, False, False, False, 20),
    ("ELEARN-AWARENESS", "Prevent duty e-learning: Awareness", "all_staff", True, False, True, False, 30),
    ("ELEARN-REFERRALS", "Prevent duty e-learning: Referrals", "all_staff", True, False, True, False, 31),
    ("ELEARN-CHANNEL", "Prevent duty e-learning: Channel or Prevent Multi-Agency Panel (PMAP) awareness", "multi_agency", True, False, True, False, 32),
    ("ELEARN-AWARENESS-REFRESH", "Prevent duty e-learning: Awareness refresher", "all_staff", True, False, True, True, 33),
    ("ELEARN-REFERRALS-REFRESH", "Prevent duty e-learning: Referrals refresher", "all_staff", True, False, True, True, 34),
    ("ELEARN-CHANNEL-REFRESH", "Prevent duty e-learning: Channel or PMAP awareness refresher", "multi_agency", True, False, True, True, 35),
    ("TTT", "Accredited train-the-trainer", "trainers", True, False, False, False, 40),
    ("CHANNEL-AWARENESS", "Channel awareness", "multi_agency", True, False, False, False, 50),
    ("BESPOKE-BRIEFING", "Bespoke briefing", "all_staff", False, False, False, False, 60),
    ("PUPIL-WORKSHOP", "Pupil workshop", "pupils", False, True, False, False, 70),
    ("PARENTING", "Parenting programme", "parents", False, True, False, False, 80),
    ("COMMUNITY-WORKSHOP", "Community workshop", "community", False, True, False, False, 90),
]  # fmt: skip


def seed_courses(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for code, name, audience, counts, commissioned, elearning, refresher, order in COURSES:
        Course.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "audience": audience,
                "counts_as_prevent_training_for_dsl": counts,
                "is_commissioned": commissioned,
                "is_elearning": elearning,
                "is_refresher": refresher,
                "order": order,
            },
        )


def unseed_courses(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    Course.objects.filter(code__in=[row[0] for row in COURSES], sessions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed_courses, unseed_courses)]
