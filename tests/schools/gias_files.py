"""Builds GIAS establishment export files for tests, in the real format: all 139 columns of the 2021 release
(fixtures/gias_columns.txt), Windows-1252, CRLF, every value quoted except some numbers. Schools are invented."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

COLUMNS = [line for line in (Path(__file__).parent / "fixtures" / "gias_columns.txt").read_text().splitlines() if line]
UNQUOTED = {"URN", "StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity", "UKPRN", "Easting", "Northing"}


def school_row(urn: int, name: str, la_code: str = "888", la_name: str = "Northbrook", **values: Any) -> dict[str, Any]:
    """One establishment, with the values a council uses filled in and the rest empty."""
    row: dict[str, Any] = {
        "URN": urn,
        "LA (code)": la_code,
        "LA (name)": la_name,
        "EstablishmentNumber": str(2000 + urn % 7000),
        "EstablishmentName": name,
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "",
        "CloseDate": "",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": 4,
        "StatutoryHighAge": 11,
        "NumberOfPupils": "210",
        "Street": "1 Canal Side Road",
        "Town": "Northbrook",
        "Postcode": "NB1 2AB",
        "AdministrativeWard (code)": "E05000001",
        "AdministrativeWard (name)": "Larkhill",
        "HeadTitle (name)": "Ms",
        "HeadFirstName": "Amara",
        "HeadLastName": "Pennick",
        "Country (name)": "United Kingdom",
    }
    row.update(values)
    return row


def _cell(column: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if column in UNQUOTED and text and text.isdigit():
        return text
    return '"' + text.replace('"', '""') + '"'


def gias_csv(
    rows: list[dict[str, Any]],
    *,
    columns: list[str] | None = None,
    encoding: str = "cp1252",
    drop: tuple[str, ...] = (),
) -> bytes:
    columns = [c for c in (columns or COLUMNS) if c not in drop]
    lines = [",".join(f'"{c}"' for c in columns)]
    for row in rows:
        lines.append(",".join(_cell(c, row.get(c, "")) for c in columns))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def national_file(*, rows: int = 50_000, ours: int = 450, la_code: str = "888", seed: int = 1) -> bytes:
    """A national-size file: `rows` establishments of about 150 local authorities, `ours` of them in `la_code`."""
    rng = random.Random(seed)
    places = ["Ashgrove", "Birchfield", "Cobbett", "Dunsmore", "Eastwick", "Fernhill", "St Thomas à Becket"]
    out = []
    for i in range(rows):
        mine = i % (rows // ours) == 0
        la = la_code if mine else str(200 + rng.randint(0, 150))
        if not mine and la == la_code:
            la = "201"
        status = "Closed" if rng.random() < 0.3 else "Open"
        out.append(
            school_row(
                100000 + i,
                f"{rng.choice(places)} {'Primary School' if i % 3 else 'Academy'} {i}",
                la_code=la,
                la_name="Northbrook" if mine else f"Authority {la}",
                **{
                    "EstablishmentStatus (name)": status,
                    "CloseDate": "31-08-2019" if status == "Closed" else "",
                    "OpenDate": "01-09-1974",
                },
            )
        )
    return gias_csv(out)
