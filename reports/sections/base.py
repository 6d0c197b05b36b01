"""What a report section is made of: short text, tables and charts, all already formatted for print.

A section module (schools.py, training.py, ...) has `build(ctx) -> Section`. It gathers its figures through
other apps' selectors (database aggregates) and formats them here, so the PDF template never sees a raw count:
in a General Release report a withheld cell is already the mark `*` by the time it reaches the template.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reports import disclosure, rounding


@dataclass(frozen=True)
class ReportContext:
    start: date
    end: date
    general_release: bool
    # The report being made (None from `render_report`), and for a revision the release it revises.
    report_id: int | None = None
    revision_of: int | None = None
    # Figures shared by sections within one report (the people figures: see sections/people.py).
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def period_text(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    footnotes: list[str] = field(default_factory=list)
    total_row: list[str] | None = None
    numeric_from: int = 1  # columns from this index are right-aligned numbers
    number: str = ""  # "3.2": set by Section.number_blocks, tables counted on their own

    kind = "table"

    def cells(self) -> list[list[str]]:
        """Every published cell, the headers and the total row included, as printed."""
        return [self.headers, *self.rows, *([self.total_row] if self.total_row else [])]

    @property
    def has_percentages(self) -> bool:
        return any(cell.endswith("%") for row in self.cells() for cell in row)


@dataclass
class Bar:
    label: str
    value: float | None  # None: withheld, no bar is drawn (a bar's length would give the figure away)
    text: str


@dataclass
class Chart:
    """A horizontal bar chart drawn as plain SVG by the template; the table with the same figures follows it.
    Long labels wrap onto more lines (each bar's row grows to fit) instead of being cut."""

    title: str
    bars: list[Bar]
    maximum: float = 0.0
    unit: str = ""
    number: str = ""  # "3.1": set by Section.number_blocks, figures counted on their own

    kind = "chart"
    ROW = 24
    LINE = 13
    LABEL_WIDTH = 250
    LABEL_CHARACTERS = 36  # what fits in LABEL_WIDTH at the chart's 11px type
    BAR_WIDTH = 230

    def __post_init__(self) -> None:
        if not self.maximum:
            self.maximum = max((b.value or 0 for b in self.bars), default=0) or 1

    def _lines(self, label: str) -> list[str]:
        return textwrap.wrap(label, self.LABEL_CHARACTERS, break_long_words=True) or [""]

    def _row_height(self, lines: int) -> int:
        return max(self.ROW, self.LINE * lines + 11)

    @property
    def height(self) -> int:
        return sum(self._row_height(len(self._lines(b.label))) for b in self.bars) + 8

    def geometry(self) -> list[dict[str, Any]]:
        out = []
        top = 4
        for bar in self.bars:
            lines = self._lines(bar.label)
            row = self._row_height(len(lines))
            width = 0.0 if bar.value is None else max(0.0, self.BAR_WIDTH * bar.value / self.maximum)
            bar_y = top + (row - self.ROW) / 2  # the bar (17 high) sits in the middle of its row
            first_line = bar_y + 15 - self.LINE * (len(lines) - 1) / 2  # the label block centred on the bar
            out.append(
                {
                    "label": bar.label,
                    "lines": [
                        {"text": line, "y": round(first_line + i * self.LINE, 1)} for i, line in enumerate(lines)
                    ],
                    "text": bar.text,
                    "y": round(bar_y, 1),
                    "text_y": round(bar_y + 15, 1),
                    "bar_x": self.LABEL_WIDTH,
                    "width": round(width, 1),
                    "value_x": self.LABEL_WIDTH + round(width, 1) + 6,
                }
            )
            top += row
        return out

    @property
    def total_width(self) -> int:
        return self.LABEL_WIDTH + self.BAR_WIDTH + 60

    @property
    def description(self) -> str:
        return f"{self.title}: " + "; ".join(f"{b.label} {b.text}" for b in self.bars)


@dataclass
class Section:
    key: str
    title: str
    intro: list[str] = field(default_factory=list)
    blocks: list[Table | Chart | str] = field(default_factory=list)
    number: int = 0

    def add(self, block: Table | Chart | str) -> None:
        self.blocks.append(block)

    def number_blocks(self) -> None:
        """Tables and figures numbered on their own, in order and without gaps (Table 4.1, 4.2, ...; Figure 4.1,
        ...), and the rounding rule under every table that shows a percentage."""
        tables = figures = 0
        for block in self.blocks:
            if isinstance(block, Table):
                tables += 1
                block.number = f"{self.number}.{tables}"
                if block.has_percentages and rounding.FOOTNOTE not in block.footnotes:
                    block.footnotes.append(rounding.FOOTNOTE)
            elif isinstance(block, Chart):
                figures += 1
                block.number = f"{self.number}.{figures}"

    @property
    def has_withheld(self) -> bool:
        return any(isinstance(b, Table) and disclosure.FOOTNOTE in b.footnotes for b in self.blocks)


def count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def pct(numerator: int, denominator: int) -> str:
    return disclosure.show_percent(numerator, denominator)


def label_of(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Not recorded"


def count_table(
    ctx: ReportContext,
    *,
    caption: str,
    items: list[tuple[str, int]],
    heading: str = "Number",
    people: bool = True,
    share: bool = True,
) -> tuple[Table, Chart]:
    """A one-way table of counts with a total row and a share column, and its chart. In General Release, counts
    of people are protected (primary and secondary suppression over the column total)."""
    table = disclosure.CountTable(
        row_labels=[label for label, _ in items], col_labels=[heading], cells=[[v] for _, v in items]
    )
    if ctx.general_release and people:
        table.protect()
    total = sum(v for _, v in items)
    total_hidden = (table.TOTAL, 0) in table.withheld
    rows: list[list[str]] = []
    bars: list[Bar] = []
    for r, (label, value) in enumerate(items):
        hidden = (r, 0) in table.withheld
        row = [label, table.show(r, 0)]
        if share:
            row.append(disclosure.show_percent(value, total, withheld=hidden or total_hidden))
        rows.append(row)
        bars.append(Bar(label=label, value=None if hidden else value, text=table.show(r, 0)))
    headers = ["", heading] + (["Share"] if share else [])
    total_row = ["Total", table.show(table.TOTAL, 0)] + (["100%" if total else "–"] if share else [])
    footnotes = [disclosure.FOOTNOTE] if table.withheld else []
    return (
        Table(caption=caption, headers=headers, rows=rows, total_row=total_row, footnotes=footnotes),
        Chart(title=caption, bars=bars),
    )
