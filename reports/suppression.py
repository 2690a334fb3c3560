"""Small-count suppression for every public output (SPEC R-20). Pure functions, no Django.

Rules, in order:

1. *Primary*: a count from 1 to ``threshold - 1`` is published as ``"<10"`` (the marker follows the
   district's threshold); zero is published as 0.
2. *Complementary*: in any breakdown whose total is shown, if exactly one cell is suppressed, the
   smallest remaining non-zero cell is suppressed too (published as ``"*"``). Two-way tables apply
   this to every row and column (and to the margins against the grand total) until nothing
   changes. When no non-zero cell is left to suppress, the total itself is suppressed.
3. *Audit*: a reader who knows the rules (primary cells lie in 1..threshold-1, complementary cells
   are at least the threshold) and every published total can still narrow a suppressed cell down
   by differencing. After rule 2 the table is audited by propagating those bounds through every
   published total until nothing narrows; any suppressed cell pinned to a single value gets another
   complementary suppression in one of its breakdowns, and the audit runs again.
4. Rates and percentages of a suppressed count (or over a suppressed denominator) are suppressed.

Tables are described generically: cells keyed by any hashable key, and *lines*: ``(total_key,
[member keys])`` meaning ``total = sum(members)``. Linked tables (several breakdowns sharing the
same totals, such as students by outcome x race and by outcome x sex) are suppressed together so
that a shared total is published the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

COMPLEMENTARY_MARKER = "*"
# What a suppressed rate or percentage shows.
SUPPRESSED_RATE = "*"

Published = int | str
Line = tuple[Hashable, Sequence[Hashable]]


def small_marker(threshold: int) -> str:
    """The marker for a primary-suppressed count: ``"<10"`` with the default threshold."""
    return f"<{threshold}"


def is_small(value: int, threshold: int) -> bool:
    return 1 <= value < threshold


def suppress_count(value: int, threshold: int) -> Published:
    """One count shown on its own (no total beside it): primary suppression only."""
    if value < 0:
        raise ValueError("Counts cannot be negative.")
    return small_marker(threshold) if is_small(value, threshold) else value


def is_suppressed(published: Any) -> bool:
    return isinstance(published, str)


@dataclass(frozen=True)
class Bounds:
    low: float
    high: float

    @property
    def pinned(self) -> bool:
        return self.low == self.high


def _initial_bounds(
    values: Mapping[Hashable, int], status: Mapping[Hashable, str | None], threshold: int
) -> dict[Hashable, Bounds]:
    bounds: dict[Hashable, Bounds] = {}
    for key, value in values.items():
        state = status[key]
        if state is None:
            bounds[key] = Bounds(value, value)
        elif state == "primary":
            bounds[key] = Bounds(1, threshold - 1)
        else:  # complementary: it was not small, so at least the threshold
            bounds[key] = Bounds(threshold, math.inf)
    return bounds


def audit_bounds(
    values: Mapping[Hashable, int],
    status: Mapping[Hashable, str | None],
    lines: Sequence[Line],
    threshold: int,
    *,
    max_rounds: int = 200,
) -> dict[Hashable, Bounds]:
    """What a reader can infer about each cell from the published table (interval propagation).

    ``status`` is None for a published cell, ``"primary"`` or ``"complementary"`` for a
    suppressed one. Returns the tightest bounds found for every cell.
    """
    bounds = _initial_bounds(values, status, threshold)
    for _round in range(max_rounds):
        changed = False
        for total_key, members in lines:
            total = bounds[total_key]
            new_total = Bounds(
                max(total.low, sum(bounds[m].low for m in members)),
                min(total.high, sum(bounds[m].high for m in members)),
            )
            if new_total != total:
                bounds[total_key] = total = new_total
                changed = True
            for member in members:
                current = bounds[member]
                others_low = sum(bounds[o].low for o in members if o != member)
                others_high = sum(bounds[o].high for o in members if o != member)
                low, high = current.low, current.high
                if others_high != math.inf:
                    low = max(low, total.low - others_high)
                if total.high != math.inf:
                    high = min(high, total.high - others_low)
                if (low, high) != (current.low, current.high):
                    bounds[member] = Bounds(low, high)
                    changed = True
        if not changed:
            break
    return bounds


def suppress_cells(
    values: Mapping[Hashable, int], lines: Sequence[Line], threshold: int
) -> dict[Hashable, Published]:
    """Suppress a table of counts described by ``lines`` (see the module docstring).

    Every key named in a line must be in ``values``; each line must add up (total = sum of
    members), otherwise ValueError: a table that does not add up cannot be audited.
    """
    if threshold < 2:
        raise ValueError("The threshold must be at least 2.")
    for key, value in values.items():
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"Count {key!r} must be a non-negative integer.")
    for total_key, members in lines:
        if values[total_key] != sum(values[m] for m in members):
            raise ValueError(f"The members of {total_key!r} do not add up to it.")

    status: dict[Hashable, str | None] = {
        key: ("primary" if is_small(value, threshold) else None) for key, value in values.items()
    }

    def add_complement(candidates: Iterable[Hashable]) -> bool:
        remaining = [k for k in candidates if status[k] is None and values[k] > 0]
        if not remaining:
            return False
        chosen = min(remaining, key=lambda k: (values[k], str(k)))
        status[chosen] = "complementary"
        return True

    while True:
        # Rule 2: the SPEC's complementary suppression, until nothing changes.
        changed = True
        while changed:
            changed = False
            for total_key, members in lines:
                if status[total_key] is not None:
                    continue  # the total is not shown: its own breakdown protects it
                suppressed = [m for m in members if status[m] is not None]
                if len(suppressed) == 1:
                    if not add_complement(members):
                        status[total_key] = "complementary"
                    changed = True
        # Rule 3: audit; protect any cell a reader could still pin down.
        bounds = audit_bounds(values, status, lines, threshold)
        pinned = [k for k, s in status.items() if s is not None and bounds[k].pinned]
        if not pinned:
            break
        progressed = False
        for key in sorted(pinned, key=str):
            if status[key] is None or not bounds[key].pinned:
                continue
            containing = [(t, ms) for t, ms in lines if key == t or key in ms]
            members_pool = [m for t, ms in containing for m in ms if m != key]
            if add_complement(members_pool):
                progressed = True
                break
            totals_pool = [t for t, _ms in containing if t != key]
            if add_complement(totals_pool):
                progressed = True
                break
        if not progressed:
            # Nothing left to suppress next to the pinned cells: widen to any published
            # non-zero cell sharing a line with a line of the pinned cell.
            if not add_complement(k for k in values if status[k] is None):
                break
    marker = small_marker(threshold)
    return {
        key: (
            value
            if status[key] is None
            else marker
            if status[key] == "primary"
            else COMPLEMENTARY_MARKER
        )
        for key, value in values.items()
    }


@dataclass(frozen=True)
class OneWay:
    cells: dict[Hashable, Published]
    total: Published


def suppress_one_way(counts: Mapping[Hashable, int], threshold: int) -> OneWay:
    """A breakdown shown with its total."""
    total_key = ("__total__",)
    values: dict[Hashable, int] = {("cell", k): v for k, v in counts.items()}
    values[total_key] = sum(counts.values())
    result = suppress_cells(values, [(total_key, [("cell", k) for k in counts])], threshold)
    return OneWay(cells={k: result[("cell", k)] for k in counts}, total=result[total_key])


@dataclass(frozen=True)
class TwoWay:
    cells: dict[Hashable, dict[Hashable, Published]]
    row_totals: dict[Hashable, Published]
    column_totals: dict[Hashable, Published]
    total: Published


def two_way_lines(
    rows: Sequence[Hashable], columns: Sequence[Hashable], prefix: Hashable = ""
) -> list[Line]:
    """The lines of a rows x columns table with row, column and grand totals."""
    lines: list[Line] = []
    for r in rows:
        lines.append((("row", prefix, r), [("cell", prefix, r, c) for c in columns]))
    for c in columns:
        lines.append((("column", prefix, c), [("cell", prefix, r, c) for r in rows]))
    lines.append((("total", prefix), [("row", prefix, r) for r in rows]))
    lines.append((("total", prefix), [("column", prefix, c) for c in columns]))
    return lines


def suppress_two_way(
    table: Mapping[Hashable, Mapping[Hashable, int]],
    threshold: int,
    *,
    columns: Sequence[Hashable] | None = None,
) -> TwoWay:
    """A two-way table shown with its row totals, column totals and grand total."""
    rows = list(table)
    if columns is None:
        seen: dict[Hashable, None] = {}
        for r in rows:
            seen.update(dict.fromkeys(table[r]))
        columns = list(seen)
    values: dict[Hashable, int] = {}
    for r in rows:
        for c in columns:
            values[("cell", "", r, c)] = int(table[r].get(c, 0))
        values[("row", "", r)] = sum(values[("cell", "", r, c)] for c in columns)
    for c in columns:
        values[("column", "", c)] = sum(values[("cell", "", r, c)] for r in rows)
    values[("total", "")] = sum(values[("row", "", r)] for r in rows)
    result = suppress_cells(values, two_way_lines(rows, columns), threshold)
    return TwoWay(
        cells={r: {c: result[("cell", "", r, c)] for c in columns} for r in rows},
        row_totals={r: result[("row", "", r)] for r in rows},
        column_totals={c: result[("column", "", c)] for c in columns},
        total=result[("total", "")],
    )


def rate_per(
    count: Published, denominator: Published, *, per: int = 1000, places: int = 1
) -> Decimal | str | None:
    """A rate (per 1,000 by default) of a published count; suppressed when either side is.

    None when there is no denominator (no enrollment recorded).
    """
    if is_suppressed(count) or is_suppressed(denominator):
        return SUPPRESSED_RATE
    if not denominator:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(count) * per / Decimal(denominator)).quantize(quantum, ROUND_HALF_UP)


def percentage(
    count: Published, denominator: Published, *, places: int = 1
) -> Decimal | str | None:
    return rate_per(count, denominator, per=100, places=places)
