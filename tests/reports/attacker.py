"""An attacker of the publication register, written apart from reports/disclosure.py so that the check is not
marked by its own hand. It reads every release's cells as published ('*' or a number), knows each table's totals,
the journey's relations, that a year's counts fixed at referral add up from its quarters (an unknown >= 0 for the
people in quarters not released), and that a revision and its original differ by the people changed. With scipy's
`milp` it bounds every withheld cell, the rest of a year outside its released quarters, and every difference
between a revision and its original; a true count of 1 to 4 bounded to width 4 or less is a finding. It also
finds every table whose small or withheld total is shown to lie wholly in one row, unless the other rows' 0s were
already printed for a population of 5 or more containing those people (a year's column with a Total of 5 or more
shows 0 in those rows), as that tells nobody anything new about them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from reports.models import Release


@dataclass
class Held:
    release: Release
    shown: dict[str, str] = field(default_factory=dict)
    truth: dict[str, int] = field(default_factory=dict)
    tables: list[list[tuple[str, str]]] = field(default_factory=list)  # rows (label, key) per table
    stable: set[str] = field(default_factory=set)


def _held() -> list[Held]:
    held = []
    for release in Release.objects.prefetch_related("tables__cells").order_by("id"):
        h = Held(release)
        for table in release.tables.all():
            columns: dict[str, list[tuple[str, str]]] = {}
            for cell in table.cells.all():
                assert h.shown.get(cell.key, cell.shown) == cell.shown, "a figure shown two ways in one release"
                h.shown[cell.key] = cell.shown
                h.truth[cell.key] = cell.value
                columns.setdefault(cell.column, []).append((cell.row, cell.key))
            for column, rows in columns.items():
                # Each column with a Total row last is a table of its own: the rows add up to it.
                rows.sort(key=lambda row: row[0] == "Total")
                h.tables.append(rows)
                if table.name.startswith("referrals.by_") and column == "Referred":  # fixed at referral
                    h.stable.update(k for _, k in rows)
        held.append(h)
    return held


class Attack:
    def __init__(self) -> None:
        self.held = _held()
        self.var: dict[tuple[int, str], int] = {}
        self.truth: list[int] = []
        self.rows: list[dict[int, int]] = []
        self.rhs: list[int] = []
        self.rests: list[tuple[int, int]] = []  # (variable, true value)
        # (release pk, key) -> pks of the releases for a period containing it whose count of key is at least its own
        self.within: dict[tuple[int, str], set[int]] = {}
        for h in self.held:
            relations = [(t, list(p)) for t, p in h.release.figures["check"]["relations"]]
            for rows in h.tables:
                if rows and rows[-1][0] == "Total" and len(rows) > 2:
                    relations.append((rows[-1][1], [k for _, k in rows[:-1]]))
            for total, parts in relations:
                if total in h.shown and total not in parts and all(p in h.shown for p in parts):
                    coeffs = dict.fromkeys(parts, 1)
                    coeffs[total] = -1
                    self._row(h, coeffs)
        for outer in self.held:
            inner = [
                h
                for h in self.held
                if outer.release.period_start <= h.release.period_start
                and h.release.period_end <= outer.release.period_end
                and (h.release.period_start, h.release.period_end)
                != (outer.release.period_start, outer.release.period_end)
            ]
            latest: dict[tuple, Held] = {}
            for h in inner:
                latest[(h.release.period_start, h.release.period_end)] = h
            for key in outer.stable:
                if not latest or any(key not in h.truth for h in latest.values()):
                    continue
                rest = outer.truth[key] - sum(h.truth[key] for h in latest.values())
                if rest < 0:
                    continue
                r = self._new_var(rest)
                self.rests.append((r, rest))
                coeffs = {self._cell(outer, key): 1, r: -1}
                constant = self._const(outer, key)
                for h in latest.values():
                    v = self._cell(h, key)
                    if v is None:
                        constant -= self._const(h, key)
                    else:
                        coeffs[v] = coeffs.get(v, 0) - 1
                self._add({k: c for k, c in coeffs.items() if k is not None}, -constant)
                for h in latest.values():
                    self.within.setdefault((h.release.pk, key), set()).add(outer.release.pk)
            # A version since revised is inside the period too: its count of a key is at most the outer's.
            for h in inner:
                if any(h is x for x in latest.values()):
                    continue
                for key in outer.stable:
                    if key in h.truth and outer.truth[key] >= h.truth[key]:
                        self.within.setdefault((h.release.pk, key), set()).add(outer.release.pk)

    def _new_var(self, truth: int) -> int:
        self.truth.append(truth)
        return len(self.truth) - 1

    def _cell(self, h: Held, key: str) -> int | None:
        if h.shown[key] != "*":
            return None
        ident = (h.release.pk, key)
        if ident not in self.var:
            self.var[ident] = self._new_var(h.truth[key])
        return self.var[ident]

    def _const(self, h: Held, key: str) -> int:
        return 0 if h.shown[key] == "*" else int(h.shown[key].replace(",", ""))

    def _row(self, h: Held, coeffs: dict[str, int]) -> None:
        row: dict[int, int] = {}
        constant = 0
        for key, c in coeffs.items():
            v = self._cell(h, key)
            if v is None:
                constant += c * self._const(h, key)
            else:
                row[v] = row.get(v, 0) + c
        self._add(row, -constant)

    def _add(self, row: dict[int, int], rhs: int) -> None:
        row = {k: c for k, c in row.items() if c}
        if row:
            self.rows.append(row)
            self.rhs.append(rhs)

    def bounds(self, objective: dict[int, int], constant: int = 0) -> tuple[float, float]:
        n = len(self.truth)
        a = np.zeros((max(len(self.rows), 1), n))
        for r, row in enumerate(self.rows):
            for v, coefficient in row.items():
                a[r, v] = coefficient
        b = np.array(self.rhs + [0] * (a.shape[0] - len(self.rhs)), dtype=float)
        assert np.allclose(a @ np.array(self.truth, dtype=float), b), "the truth breaks a relation"
        out = []
        for sense in (1, -1):
            c = np.zeros(n)
            for v, k in objective.items():
                c[v] = sense * k
            result = milp(c, constraints=LinearConstraint(a, b, b), integrality=np.ones(n), bounds=Bounds(0, np.inf))
            if result.status == 0:
                out.append(constant + sense * result.fun)
            else:  # unbounded
                out.append(constant - sense * math.inf)
        return out[0], out[1]

    def said_of_more(self, h: Held, key: str) -> bool:
        """A 0 for `key` in `h` that a release for a containing period already prints as 0 in a column whose
        Total is printed and 5 or more: it was published of at least 5 people, these among them."""
        for pk in self.within.get((h.release.pk, key), ()):
            outer = next(o for o in self.held if o.release.pk == pk)
            if outer.shown.get(key) != "0":
                continue
            for rows in outer.tables:
                if rows and rows[-1][0] == "Total" and key in [k for _, k in rows[:-1]]:
                    shown = outer.shown[rows[-1][1]]
                    if shown != "*" and int(shown.replace(",", "")) >= 5:
                        return True
        return False

    def findings(self) -> list[str]:
        found = []
        for h in self.held:
            for key, shown in h.shown.items():
                if shown != "*" and 0 < h.truth[key] < 5:
                    found.append(f"published small count {h.release.pk} {key}={shown}")
                v = self._cell(h, key)
                if v is not None and 0 < h.truth[key] < 5:
                    low, high = self.bounds({v: 1})
                    if high - low <= 4:
                        found.append(f"count {h.release.pk} {key}={h.truth[key]} in [{low}, {high}]")
        for r, rest in self.rests:
            if 0 < rest < 5:
                low, high = self.bounds({r: 1})
                if high - low <= 4:
                    found.append(f"people in unreleased quarters {rest} in [{low}, {high}]")
        by_pk = {h.release.pk: h for h in self.held}
        for h in self.held:
            original = by_pk.get(h.release.revision_of_id or 0)
            if original is None:
                continue
            for key in set(h.truth) & set(original.truth):
                d = h.truth[key] - original.truth[key]
                if 0 < abs(d) < 5:
                    objective: dict[int, int] = {}
                    constant = 0
                    for held, sign in ((h, 1), (original, -1)):
                        v = self._cell(held, key)
                        if v is None:
                            constant += sign * self._const(held, key)
                        else:
                            objective[v] = objective.get(v, 0) + sign
                    low, high = self.bounds(objective, constant) if objective else (constant, constant)
                    if high - low <= 4:
                        found.append(f"difference {h.release.pk} {key}={d} in [{low}, {high}]")
        for h in self.held:
            for rows in h.tables:
                if not rows or rows[-1][0] != "Total" or len(rows) < 3:
                    continue
                total = rows[-1][1]
                t = h.truth[total]
                if t < 1 or not (t < 5 or h.shown[total] == "*"):
                    continue
                for _label, key in rows[:-1]:
                    if h.truth[key] != t:
                        continue
                    # What a larger population's published 0s already say of these people is no disclosure.
                    others = [k for _, k in rows[:-1] if k != key and not self.said_of_more(h, k)]
                    if not others:
                        continue
                    objective = {}
                    for k in others:
                        v = self._cell(h, k)
                        if v is not None:
                            objective[v] = objective.get(v, 0) + 1
                    constant = sum(self._const(h, k) for k in others if self._cell(h, k) is None)
                    high = self.bounds(objective, constant)[1] if objective else constant
                    if high < 1:
                        found.append(f"attribute {h.release.pk} all {t} of {total} in {key}")
        return found
