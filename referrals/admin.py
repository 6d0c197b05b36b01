"""Referrals are not edited in the Django admin (system administrators hold no case content); the lists
coordinators edit have their own pages."""

from __future__ import annotations
