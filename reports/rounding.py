"""How published percentages are rounded: half up to whole numbers, as official statistics are (12.5% prints
13%, never the 12% of Python's round-half-to-even or of `format`). Every percentage in a report comes from here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FOOTNOTE = "Percentages are rounded half up to whole numbers (12.5% is shown as 13%), so they may not add up to 100%."


def percent_text(numerator: int, denominator: int, *, places: int = 0) -> str:
    """`numerator` as a percentage of a non-zero `denominator`, rounded half up to `places` decimal places."""
    exact = Decimal(100) * Decimal(numerator) / Decimal(denominator)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"
