"""Seeds the Vulnerability Assessment Framework's 22 factors in its three dimensions (the Extremism Risk Guidance
22+ indicators it shares). The list is data: coordinators may switch a factor off or add one in the admin."""

from django.db import migrations

FACTORS = {
    "engagement": [
        "Grievance and injustice",
        "Feeling under threat",
        "Need for identity, meaning and belonging",
        "Need for status",
        "Need for excitement and adventure",
        "Need for dominance",
        "Susceptibility to indoctrination",
        "Political or moral motivation",
        "Opportunistic involvement",
        "Family or friends support extremist offending",
        "Transitional periods",
        "Group influence and control",
        "Mental health",
    ],
    "intent": [
        "Over-identification with a group or cause",
        "Us and them thinking",
        "Dehumanisation of the enemy",
        "Attitudes that justify offending",
        "Harmful means to an end",
        "Harmful objectives",
    ],
    "capability": [
        "Individual knowledge, skills and competencies",
        "Access to networks, funding or equipment",
        "Criminal history",
    ],
}


def seed(apps, schema_editor):
    VafFactor = apps.get_model("channel", "VafFactor")
    order = 0
    for dimension, labels in FACTORS.items():
        for label in labels:
            order += 10
            VafFactor.objects.get_or_create(dimension=dimension, label=label, defaults={"order": order})


def unseed(apps, schema_editor):
    apps.get_model("channel", "VafFactor").objects.filter(
        label__in=[label for labels in FACTORS.values() for label in labels]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("channel", "0002_cases")]

    operations = [migrations.RunPython(seed, unseed)]
