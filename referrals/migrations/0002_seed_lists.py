"""The lists referrals are answered from, as PRODUCT.md and the council's CSC Prevent guidance give them.
Coordinators change them afterwards in the portal; referrals keep the wording they were answered with."""

from __future__ import annotations

from django.db import migrations

CONCERN_TYPES = [
    "Islamist",
    "Extreme Right-Wing",
    "Left-wing, anarchist or single issue",
    "Mixed, unclear or unstable / Conflicted",
    "School massacre",
    "Incel",
    "Other",
    "No ideology, other susceptibility identified",
]

INDICATORS = [
    "Showing sympathy for extremist causes",
    "Glorifying violence",
    "Possessing illegal or extremist literature",
    "Advocating messages similar to illegal or extremist organisations",
    "Change in behaviour, friendships or appearance linked to an ideology",
    "Expressing us-and-them views or dehumanising language about a group",
    "Accessing extremist material online or in closed groups",
    "Interest in past attacks, weapons or mass violence",
    "Talking about harming others for a cause",
]

QUESTIONS = [
    ("Has the person expressed support for violence to further a cause or ideology?", ""),
    ("Is the person in contact with people known to hold extremist views?", "In person or online."),
    ("Has the person accessed or shared extremist material?", ""),
    ("Is there a grievance, loss or injustice the person feels strongly about?", ""),
    ("Is the person going through a transition (school move, bereavement, family change)?", ""),
    ("Are there mental health, neurodiversity or learning needs that affect how the person understands risk?", ""),
    ("Is there evidence of exploitation, grooming or control by others?", ""),
    ("Do parents or carers know about the concern and support the person getting help?", ""),
    ("Is any other agency already working with the person or family?", ""),
    ("Is there any risk of imminent harm to the person or to others?", "If yes, act at once: police or duty line."),
]

SERVICES = [
    "Early Help family support",
    "Child and adolescent mental health services (CAMHS)",
    "Youth service and positive activities",
    "School pastoral support",
    "Online safety advice for families",
    "Adult mental health services",
    "Substance misuse service",
    "Community mentoring project",
]


def forwards(apps, schema_editor):
    for model_name, rows in (
        ("ConcernType", [(label, "") for label in CONCERN_TYPES]),
        ("Indicator", [(label, "") for label in INDICATORS]),
        ("ScreeningQuestion", QUESTIONS),
        ("SignpostService", [(label, "") for label in SERVICES]),
    ):
        model = apps.get_model("referrals", model_name)
        for index, (label, hint) in enumerate(rows, start=1):
            model.objects.get_or_create(label=label, defaults={"hint": hint, "order": index * 10})
    apps.get_model("referrals", "RoutingSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
