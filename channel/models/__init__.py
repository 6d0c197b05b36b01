"""Panels and their cases, from a referral's decision to the 12-month review after exit, one module per part:
panels, cases (with consent, the support plan, reviews after exit and the chronology), assessments (the
Vulnerability Assessment Framework) and meetings. Import each model from the module that owns it.
"""

# Django registers an app's models by importing channel.models, so every module that defines models is imported here.
from . import assessments, cases, meetings, panels, transfers  # noqa: F401
