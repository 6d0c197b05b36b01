"""Panel forms, one module per page group: cases.py and meetings.py (common.py holds what they share)."""
