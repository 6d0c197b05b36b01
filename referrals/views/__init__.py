"""Referral pages: making a referral (making.py), the list, a referral and its triage (triage.py), and the lists
and routing coordinators edit (lists.py)."""
