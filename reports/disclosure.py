"""Disclosure control for General Release reports (pure functions; no database, no Django).

Published figures must never identify a person. In a General Release report any count of people from 1 to 4 in
referrals and cases is withheld (primary suppression). Where a withheld figure could be worked out from the
totals, more figures are withheld (secondary suppression) until none can. Percentages from a withheld count, or
over a withheld total, are withheld too. OFFICIAL-SENSITIVE reports show exact numbers and skip all of this.

A table is described as a dict of cell values and a list of additive constraints `(total_key, [part_keys])`:
each says total = sum(parts). A two-way table with margins gives one constraint per row and per column (the
totals row and column included). `suppress()` returns the set of keys to withhold.

How secondary suppression works:
1. Any constraint with exactly one withheld member gives that member away (total minus the others), so the
   smallest other member is withheld too (a part before the total; a non-zero before a zero). Repeat until
   stable.
2. Then an exact check: with all the constraints together, a withheld value is recoverable when its unit
   vector lies in the span of the constraints over the withheld unknowns (Gaussian elimination over the
   rationals). It also catches bounds: if all the unknowns of a constraint are primary (each 1 to 4) and their
   known sum is the least or greatest it could be, every one is pinned. Any such value gets a further cell of
   one of its constraints withheld, and the loop runs again.
The loop always ends: each pass withholds at least one more cell, and a table with everything withheld
discloses nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from reports.rounding import percent_text

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are withheld
MARK = "*"
FOOTNOTE = (
    "* A count from 1 to 4, or a figure withheld so that such a count cannot be worked out from the totals. "
    "Small numbers are withheld so that no person can be identified."
)

Key = Hashable
# The rules work on any kind of cell key; a caller gets back the same kind of key it passed in.
K = TypeVar("K", bound=Hashable)
Constraint = tuple[K, Sequence[K]]


def is_small(value: int | None) -> bool:
    """A count of people that General Release must withhold: 1 to 4 (0 is published)."""
    return value is not None and 0 < value < THRESHOLD


def primary(values: Mapping[K, int]) -> set[K]:
    return {k for k, v in values.items() if is_small(v)}


def _pick_partner(total: K, members: Sequence[K], values: Mapping[K, int], withheld: set[K]) -> K | None:
    """The cell to withhold beside a lone withheld one: the smallest non-zero part, else the total, else a zero."""
    candidates = [k for k in members if k not in withheld]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (values[k] == 0, k == total, values[k], str(k)))


def _unknown_rows(
    values: Mapping[K, int], constraints: Sequence[Constraint[K]], withheld: set[K]
) -> tuple[list[K], list[tuple[dict[K, int], int]]]:
    """Each constraint as (coefficients over withheld keys, known right-hand side)."""
    unknowns = sorted(withheld, key=str)
    rows: list[tuple[dict[K, int], int]] = []
    for total, parts in constraints:
        coeffs: dict[K, int] = {}
        rhs = 0
        # sum(parts) - total = 0
        for key, sign in [(p, 1) for p in parts] + [(total, -1)]:
            if key in withheld:
                coeffs[key] = coeffs.get(key, 0) + sign
            else:
                rhs -= sign * values[key]
        coeffs = {k: c for k, c in coeffs.items() if c}
        if coeffs:
            rows.append((coeffs, rhs))
    return unknowns, rows


def determined(values: Mapping[K, int], constraints: Sequence[Constraint[K]], withheld: set[K]) -> set[K]:
    """The withheld keys whose exact value follows from the published cells and the constraints."""
    unknowns, rows = _unknown_rows(values, constraints, withheld)
    if not unknowns or not rows:
        return set()
    index = {k: i for i, k in enumerate(unknowns)}
    matrix = [[Fraction(0)] * len(unknowns) for _ in rows]
    for r, (coeffs, _rhs) in enumerate(rows):
        for k, c in coeffs.items():
            matrix[r][index[k]] = Fraction(c)
    # Reduced row echelon form; a unknown is determined iff some row of the RREF is exactly its unit vector.
    pivot_row = 0
    pivots: list[int] = []
    for col in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivots.append(col)
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    found_keys: set[K] = set()
    for r in range(pivot_row):
        nonzero = [c for c, v in enumerate(matrix[r]) if v != 0]
        if len(nonzero) == 1:
            found_keys.add(unknowns[nonzero[0]])
    return found_keys


def pinned_by_bounds(
    values: Mapping[K, int], constraints: Sequence[Constraint[K]], withheld: set[K], small: set[K]
) -> set[K]:
    """Withheld keys pinned because every unknown of a constraint is a primary cell (known to lie in 1..4) and
    their known sum is the least (all 1) or the greatest (all 4) it could be."""
    _unknowns, rows = _unknown_rows(values, constraints, withheld)
    pinned: set[K] = set()
    for coeffs, rhs in rows:
        if not all(k in small for k in coeffs):
            continue
        signs = set(coeffs.values())
        if len(signs) != 1 or abs(next(iter(signs))) != 1:
            continue
        known_sum = rhs * next(iter(signs))
        n = len(coeffs)
        if known_sum in (n * 1, n * (THRESHOLD - 1)):
            pinned |= set(coeffs)
    return pinned


def suppress(values: Mapping[K, int], constraints: Iterable[Constraint[K]] = ()) -> set[K]:
    """Keys to withhold: primary (1-4) and secondary, so that none can be recovered. See the module docstring."""
    constraints = [(total, list(parts)) for total, parts in constraints]
    small = primary(values)
    withheld = set(small)
    if not withheld:
        return withheld
    while True:
        changed = True
        while changed:
            changed = False
            for total, parts in constraints:
                members = [*parts, total]
                if sum(1 for k in members if k in withheld) == 1:
                    partner = _pick_partner(total, members, values, withheld)
                    if partner is not None:
                        withheld.add(partner)
                        changed = True
        exposed = determined(values, constraints, withheld) | pinned_by_bounds(values, constraints, withheld, small)
        if not exposed:
            return withheld
        grew = False
        for key in sorted(exposed, key=str):
            for total, parts in constraints:
                members = [*parts, total]
                if key in members:
                    partner = _pick_partner(total, members, values, withheld)
                    if partner is not None:
                        withheld.add(partner)
                        grew = True
                        break
            if grew:
                break
        if not grew:
            # Every cell of every constraint holding an exposed key is withheld already; nothing more can help,
            # and a value cannot be exposed by constraints whose members are all unknown without more cells.
            return withheld


# ---- two-way tables -------------------------------------------------------------------------------------


@dataclass
class CountTable:
    """A table of counts of people: row labels, column labels, inner cells, optional totals row and column.
    After `protect()`, `withheld` holds the (row, col) positions to show as MARK; "total" is the margin index."""

    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int]]
    row_totals: bool = False
    col_totals: bool = True
    withheld: set[Key] = field(default_factory=set)

    TOTAL = "total"

    def values(self) -> dict[Key, int]:
        # Keys are (row, col): an index, or TOTAL for a margin.
        out: dict[Key, int] = {}
        for r, row in enumerate(self.cells):
            for c, v in enumerate(row):
                out[(r, c)] = int(v)
            if self.row_totals:
                out[(r, self.TOTAL)] = sum(int(v) for v in row)
        if self.col_totals:
            for c in range(len(self.col_labels)):
                out[(self.TOTAL, c)] = sum(int(row[c]) for row in self.cells)
            if self.row_totals:
                out[(self.TOTAL, self.TOTAL)] = sum(int(v) for row in self.cells for v in row)
        return out

    def constraints(self) -> list[Constraint[Key]]:
        rows = list(range(len(self.cells)))
        cols = list(range(len(self.col_labels)))
        out: list[Constraint[Key]] = []
        if self.row_totals:
            for r in rows:
                out.append(((r, self.TOTAL), [(r, c) for c in cols]))
            if self.col_totals:
                out.append(((self.TOTAL, self.TOTAL), [(self.TOTAL, c) for c in cols]))
        if self.col_totals:
            for c in cols:
                out.append(((self.TOTAL, c), [(r, c) for r in rows]))
            if self.row_totals:
                out.append(((self.TOTAL, self.TOTAL), [(r, self.TOTAL) for r in rows]))
        return out

    def protect(self) -> CountTable:
        self.withheld = suppress(self.values(), self.constraints())
        return self

    def show(self, row: int | str, col: int | str) -> str:
        if (row, col) in self.withheld:
            return MARK
        return f"{self.values()[(row, col)]:,}"


def show_count(value: int, *, withheld: bool) -> str:
    return MARK if withheld else f"{value:,}"


def show_banded_count(value: int) -> str:
    """A count of people for someone without case access outside a report (a school's page): "none", "fewer than
    5", or the number from 5. A lone page figure has no totals to protect it, so the band is the whole rule."""
    if value <= 0:
        return "none"
    if value < THRESHOLD:
        return f"fewer than {THRESHOLD}"
    return f"{value:,}"


def show_percent(numerator: int, denominator: int, *, withheld: bool = False, places: int = 0) -> str:
    """A percentage for publication: withheld when either count is withheld; a dash when there is no base."""
    if withheld:
        return MARK
    if not denominator:
        return "–"
    return percent_text(numerator, denominator, places=places)


def recoverable(values: Mapping[K, int], constraints: Iterable[Constraint[K]], withheld: set[K]) -> set[K]:
    """For tests and checks: withheld keys an attacker could work out (linear algebra and bounds)."""
    constraints = [(t, list(p)) for t, p in constraints]
    return determined(values, constraints, withheld) | pinned_by_bounds(values, constraints, withheld, primary(values))
