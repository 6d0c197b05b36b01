"""Training forms, one module per page group: sessions.py, elearning.py, dashboard.py, imports.py (common.py holds what they share)."""
