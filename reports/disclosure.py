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

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

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


def suppress(values: Mapping[K, int], constraints: Iterable[Constraint[K]] = (), *, also: Iterable[K] = ()) -> set[K]:
    """Keys to withhold: primary (1-4) and secondary, so that none can be recovered. See the module docstring.
    `also`: keys withheld already for another reason (a zero that would disclose an attribute, a cell the register
    check asked for); their partners are found the same way."""
    constraints = [(total, list(parts)) for total, parts in constraints]
    small = primary(values)
    withheld = set(small) | set(also)
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


# ---- attribute disclosure -------------------------------------------------------------------------------------


def attribute_exposed(
    values: Mapping[K, int],
    constraints: Iterable[Constraint[K]],
    withheld: set[K],
    *,
    known_zero: Collection[K] = (),
) -> set[K]:
    """Totals whose published parts show that every person counted shares one value: the total is 1 to 4 or
    withheld, and only one of its parts is non-zero or withheld (every other part is a published 0), unless every
    one of those zeros is `known_zero`: already published for a population of 5 or more containing these people
    (see `_Programme.zero_published_for_more`), so the table tells nobody anything new about them."""
    exposed: set[K] = set()
    for total, parts in constraints:
        if values[total] < 1 or not (is_small(values[total]) or total in withheld):
            continue
        if sum(1 for p in parts if p in withheld or values[p] != 0) < 2 and len(parts) > 1:
            zeros = [p for p in parts if p not in withheld and values[p] == 0]
            if any(p not in known_zero for p in zeros):
                exposed.add(total)
    return exposed


def suppress_with_attributes(
    values: Mapping[K, int],
    constraints: Iterable[Constraint[K]] = (),
    *,
    also: Iterable[K] = (),
    known_zero: Collection[K] = (),
) -> set[K]:
    """`suppress`, then a zero withheld beside the one part of a small or withheld total that holds everyone (so a
    table never shows that all of a group under 5, or all of a withheld total, share one value), until stable.
    `known_zero`: zeros already published for a larger population containing these people (see
    `attribute_exposed`); they disclose nothing, and withholding one would hide nothing, so another is chosen."""
    constraints = [(total, list(parts)) for total, parts in constraints]
    withheld = suppress(values, constraints, also=also)
    while True:
        exposed = attribute_exposed(values, constraints, withheld, known_zero=known_zero)
        if not exposed:
            return withheld
        extra: set[K] = set()
        for total, parts in constraints:
            if total in exposed:
                zeros = sorted(
                    (p for p in parts if p not in withheld and values[p] == 0 and p not in known_zero), key=str
                )
                if zeros:
                    extra.add(zeros[0])
        if not extra:
            return withheld
        withheld = suppress(values, constraints, also=withheld | extra)


# ---- across releases: the attacker who knows every released table --------------------------------------------
#
# A release is one report's figures as published. An attacker holds every release whose population overlaps (a
# year and its quarters, a revision and the original) and reads each `*` as an unknown whole number >= 0. They
# know each release's additive relations, that a year's figure of a count fixed on the day of referral is the sum
# of its quarters' (with an unknown >= 0 for quarters not released), and that a revision differs from the
# original by the people added, removed or changed. `attack` solves that integer programme exactly (scipy's
# `milp`, the HiGHS solver): for every withheld count of 1 to 4 (in any release, or the people in a year but in
# no released quarter, or a difference of 1 to 4 between a revision and its original) it minimises and
# maximises the value; an interval of width 4 or less is a finding. It also maximises, for every small or
# withheld total whose people all share one part, the other parts: a maximum of 0 is an attribute finding, unless
# what it shows is already published for a population of 5 or more containing those people. A group's value is
# disclosed only if the releases show that all of them share it AND no published fact about such a population
# implies it: a year that prints 0 for a part beside a printed total of 5 or more says of every person in it,
# hence of every person in its quarters, "not in that part", so a quarter's 0 there tells nothing new (and
# withholding it would hide nothing, as the year's row bounds it to 0). Only parts not so known can disclose;
# if every other part is known, everyone's value was already published for the larger population.
# `protect_release` withholds more of the new release's cells until `attack` finds nothing.

NARROW = THRESHOLD - 1  # an interval of width 4 or less narrows a count too far


@dataclass
class Published:
    """One release as the attacker holds it, with the true values the register kept (to know what to protect).
    Keys are strings, the same in every release for the same figure."""

    ident: str
    start: date
    end: date
    values: dict[str, int]
    withheld: set[str]
    relations: list[tuple[str, list[str]]]
    stable: set[str] = field(default_factory=set)  # figures fixed on the day of referral: add up over periods
    revision_of: str | None = None


@dataclass(frozen=True)
class Finding:
    kind: str  # "count", "remainder", "difference" or "attribute"
    release: str
    key: str
    low: float
    high: float
    variables: tuple[tuple[str, str], ...]  # the (release, key) cells the finding is about


def _contains(outer: Published, inner: Published) -> bool:
    return (
        outer.start <= inner.start and inner.end <= outer.end and (outer.start, outer.end) != (inner.start, inner.end)
    )


class _Programme:
    """The attacker's integer programme over every withheld cell (published cells are constants)."""

    def __init__(self, releases: Sequence[Published]) -> None:
        self.releases = {r.ident: r for r in releases}
        self.index: dict[tuple[str, str], int] = {}
        self.truth: list[int] = []
        # Rows: (coefficients over cells (release, key) or remainder names, constant) meaning sum + constant == 0.
        self.rows: list[tuple[dict[tuple[str, str], int], int]] = []
        self.remainders: list[tuple[tuple[str, str], int, tuple[tuple[str, str], ...]]] = []
        # (release, key) -> the releases whose period contains it and whose count of `key` is at least its own
        # (a remainder row below holds: the outer's figure is the inner ones' plus people in no inner release).
        self.within: dict[tuple[str, str], set[str]] = {}
        self._matrix: tuple[Any, Any] | None = None
        for r in releases:
            for key in sorted(r.withheld):
                self._var((r.ident, key), r.values[key])
            for total, parts in r.relations:
                coeffs: dict[tuple[str, str], int] = {}
                for key, sign in [(p, 1) for p in parts] + [(total, -1)]:
                    coeffs[(r.ident, key)] = coeffs.get((r.ident, key), 0) + sign
                self._add_row(coeffs)
        for outer in releases:
            inners = sorted((i for i in releases if _contains(outer, i)), key=lambda i: i.ident)
            # The latest version of each period inside, when they do not overlap, adds up to at most the outer.
            latest: dict[tuple[date, date], Published] = {}
            for inner in inners:
                latest[(inner.start, inner.end)] = inner
            chosen = sorted(latest.values(), key=lambda i: i.start)
            disjoint = all(a.end < b.start for a, b in zip(chosen, chosen[1:], strict=False))
            groups = [chosen] if disjoint and chosen else []
            groups += [[i] for i in inners if not (disjoint and i in chosen)]
            for group in groups:
                for key in sorted(outer.stable):
                    if key not in outer.values or any(key not in i.values for i in group):
                        continue
                    rest = outer.values[key] - sum(i.values[key] for i in group)
                    if rest < 0:
                        continue  # the data changed between releases: this relation no longer holds
                    name = ("~rest:" + outer.ident + ":" + ",".join(i.ident for i in group), key)
                    coeffs = {(outer.ident, key): 1, name: -1}
                    for i in group:
                        coeffs[(i.ident, key)] = coeffs.get((i.ident, key), 0) - 1
                    self.remainders.append((name, rest, tuple(coeffs)))
                    self._add_row(coeffs, remainder=(name, rest))
                    for i in group:
                        self.within.setdefault((i.ident, key), set()).add(outer.ident)

    def zero_published_for_more(self, ident: str, key: str) -> bool:
        """Whether a 0 for `key` in release `ident` is already published for a population of 5 or more that
        contains its people: a release whose period contains it (so, by the rows above, its count of `key` is at
        least this one's) prints `key` as 0 in a table whose total is printed and is 5 or more. Such a 0 says
        nothing new about anyone counted in `ident`, and withholding it would hide nothing."""
        for outer_ident in sorted(self.within.get((ident, key), ())):
            outer = self.releases[outer_ident]
            if key in outer.withheld or outer.values.get(key) != 0:
                continue
            if any(
                key in parts and total not in outer.withheld and outer.values[total] >= THRESHOLD
                for total, parts in outer.relations
            ):
                return True
        return False

    def known_zeros(self, ident: str) -> set[str]:
        """The keys of release `ident` whose 0 is already published for a larger population (see above)."""
        return {key for rel, key in self.within if rel == ident and self.zero_published_for_more(ident, key)}

    def _var(self, cell: tuple[str, str], truth: int) -> int:
        if cell not in self.index:
            self.index[cell] = len(self.truth)
            self.truth.append(truth)
        return self.index[cell]

    def is_unknown(self, cell: tuple[str, str]) -> bool:
        release = self.releases.get(cell[0])
        return release is None or cell[1] in release.withheld

    def value(self, cell: tuple[str, str]) -> int:
        return self.releases[cell[0]].values[cell[1]]

    def _add_row(
        self, coeffs: dict[tuple[str, str], int], remainder: tuple[tuple[str, str], int] | None = None
    ) -> None:
        row: dict[tuple[str, str], int] = {}
        constant = 0
        for cell, c in coeffs.items():
            if not c:
                continue
            if remainder is not None and cell == remainder[0]:
                self._var(cell, remainder[1])
                row[cell] = c
            elif self.is_unknown(cell):
                self._var(cell, self.value(cell))
                row[cell] = c
            else:
                constant += c * self.value(cell)
        if row:
            self.rows.append((row, constant))

    def interval(self, objective: dict[tuple[str, str], int]) -> tuple[float, float]:
        """The least and greatest value of sum(objective) over whole numbers >= 0 meeting every row."""
        constant = sum(c * self.value(cell) for cell, c in objective.items() if not self.is_unknown(cell))
        unknown = {cell: c for cell, c in objective.items() if self.is_unknown(cell)}
        if not unknown:
            return float(constant), float(constant)
        low = self._solve(unknown, sense=1)
        high = self._solve(unknown, sense=-1)
        return constant + low, constant + high

    def _solve(self, objective: dict[tuple[str, str], int], *, sense: int) -> float:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, linprog, milp

        n = len(self.truth)
        c = np.zeros(n)
        for cell, coefficient in objective.items():
            c[self.index[cell]] = sense * coefficient
        if self._matrix is None:
            a = np.zeros((max(len(self.rows), 1), n))
            b = np.zeros(max(len(self.rows), 1))
            for r, (row, constant) in enumerate(self.rows):
                for cell, coefficient in row.items():
                    a[r, self.index[cell]] = coefficient
                b[r] = -constant
            self._matrix = (a, b)
        a, b = self._matrix
        relaxed = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if relaxed.status == 3:  # unbounded
            return -sense * math.inf
        if relaxed.status == 0 and np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-9):
            return float(sense * relaxed.fun)  # the relaxation's optimum is whole: it is the integer optimum
        result = milp(c, constraints=LinearConstraint(a, b, b), integrality=np.ones(n), bounds=Bounds(0, np.inf))
        if result.status != 0:
            raise RuntimeError(f"the disclosure check could not solve its programme: {result.message}")
        return float(sense * result.fun)


def attack(releases: Sequence[Published]) -> list[Finding]:
    """Everything an attacker holding `releases` can work out that they must not: see the comment above."""
    programme = _Programme(releases)
    findings: list[Finding] = []

    def narrow(low: float, high: float) -> bool:
        return high - low <= NARROW

    for r in releases:
        for key in sorted(r.withheld):
            if is_small(r.values[key]):
                cell = (r.ident, key)
                low, high = programme.interval({cell: 1})
                if narrow(low, high):
                    findings.append(Finding("count", r.ident, key, low, high, (cell,)))
    for name, rest, cells in programme.remainders:
        if is_small(rest):
            low, high = programme.interval({name: 1})
            if narrow(low, high):
                findings.append(Finding("remainder", name[0], name[1], low, high, cells))
    for r in releases:
        original = programme.releases.get(r.revision_of or "")
        if original is None:
            continue
        for key in sorted(set(r.values) & set(original.values)):
            difference = r.values[key] - original.values[key]
            if is_small(abs(difference)):
                cells = ((r.ident, key), (original.ident, key))
                low, high = programme.interval({cells[0]: 1, cells[1]: -1})
                if narrow(low, high):
                    findings.append(Finding("difference", r.ident, key, low, high, cells))
    for r in releases:
        known = programme.known_zeros(r.ident)
        for total, parts in r.relations:
            t = r.values[total]
            if t < 1 or not (is_small(t) or total in r.withheld) or len(parts) < 2:
                continue
            for p in parts:
                if r.values[p] != t:
                    continue
                # A part already published as 0 for a population of 5 or more containing these people is 0 here
                # too (the programme holds that relation); only the others can tell anything new.
                others = {(r.ident, q): 1 for q in parts if q != p and q not in known}
                if not others:
                    continue  # everyone's value is already published for a larger population
                _low, high = programme.interval(others)
                if high < 1:
                    findings.append(
                        Finding("attribute", r.ident, total, 0, high, ((r.ident, total), *others, (r.ident, p)))
                    )
    return findings


def _neighbours(releases: Sequence[Published], programme: _Programme) -> dict[tuple[str, str], set[tuple[str, str]]]:
    graph: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def link(cells: Iterable[tuple[str, str]]) -> None:
        group = list(cells)
        for a in group:
            graph.setdefault(a, set()).update(b for b in group if b != a)

    for r in releases:
        for total, parts in r.relations:
            link([(r.ident, total), *((r.ident, p) for p in parts)])
        original = programme.releases.get(r.revision_of or "")
        if original is not None:
            for key in set(r.values) & set(original.values):
                link([(r.ident, key), (original.ident, key)])
    for _name, _rest, cells in programme.remainders:
        link(cells)
    return graph


def protect_release(
    new: Published, released: Sequence[Published], *, max_rounds: int = 200
) -> tuple[set[str], list[Finding]]:
    """The keys of `new` to withhold so that `attack` on every release together finds nothing: the fast rules
    first (primary, secondary, attribute zeros), then the solver's findings, each answered by withholding the
    nearest cell of the new release (by the relations; the smallest non-zero first), until none is left.
    Returns the withheld keys and what could not be fixed (findings the old releases already gave away)."""
    # Zeros of the new release already published for a larger population containing its people: the rows of the
    # programme that say so do not depend on what is withheld, so they are found once.
    known = _Programme([*released, new]).known_zeros(new.ident)
    new.withheld = suppress_with_attributes(new.values, new.relations, also=new.withheld, known_zero=known)
    for _round in range(max_rounds):
        releases = [*released, new]
        findings = attack(releases)
        if not findings:
            return new.withheld, []
        graph = _neighbours(releases, _Programme(releases))
        extra: set[str] = set()
        for finding in findings:
            pick = _nearest_open_cell(new, finding, graph)
            if pick is not None:
                extra.add(pick)
        if not extra:
            return new.withheld, findings
        new.withheld = suppress_with_attributes(new.values, new.relations, also=new.withheld | extra, known_zero=known)
    return new.withheld, attack([*released, new])


def _nearest_open_cell(
    new: Published, finding: Finding, graph: dict[tuple[str, str], set[tuple[str, str]]]
) -> str | None:
    """The cell of the new release to withhold for a finding: for an attribute finding in the new release a zero
    part of that total; otherwise the published cells of the new release nearest the finding's cells."""
    if finding.kind == "attribute" and finding.release == new.ident:
        zeros = sorted((k for r, k in finding.variables[1:-1] if k not in new.withheld and new.values[k] == 0), key=str)
        if zeros:
            return zeros[0]
    seen = set(finding.variables)
    layer = set(finding.variables)
    while layer:
        open_cells = [k for r, k in layer if r == new.ident and k not in new.withheld]
        if open_cells:
            return min(open_cells, key=lambda k: (new.values[k] == 0, new.values[k], k))
        following: set[tuple[str, str]] = set()
        for cell in layer:
            following |= graph.get(cell, set()) - seen
        seen |= following
        layer = following
    return None


@dataclass(frozen=True)
class DeclaredTable:
    """A table of counts of people as the register keeps it: its cells (row, column, the figure's key) and the
    population it describes. Its relations (totals) are the figure system's, shared by every table."""

    name: str
    caption: str
    population: str
    cells: tuple[tuple[str, str, str], ...]
