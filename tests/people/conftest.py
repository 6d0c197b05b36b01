from __future__ import annotations

from tests.referrals.conftest import _lists, referral_lists  # noqa: F401 - the seeded referral lists here too
