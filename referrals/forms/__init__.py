"""Referral forms, one module per page group: making.py, triage.py, lists.py (common.py holds what they share)."""
