"""Writes for panels, cases and meetings, one module per job: import each service from the module that owns it.
Each service validates, writes its chronology entry and its audit event in one transaction; a refused change
raises ValidationError with a message fit for the page."""

# Two names stay importable from here while their callers are being rewritten elsewhere: referrals.services opens
# the case with `from channel.services import case_open_from_referral`, and channel.forms imports MANUAL_MOVES.
# Both should name channel.services.cases, and then these lines go.
from .cases import MANUAL_MOVES, case_open_from_referral

__all__ = ["MANUAL_MOVES", "case_open_from_referral"]
