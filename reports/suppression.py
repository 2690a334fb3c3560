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
from fractions import Fraction
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


Equation = tuple[dict[Hashable, Fraction], Fraction]  # sum(coefficient * cell) == constant


def _equations(
    values: Mapping[Hashable, int], status: Mapping[Hashable, str | None], lines: Sequence[Line]
) -> list[Equation]:
    """Each published total as an equation over the suppressed cells only."""
    equations = []
    for total_key, members in lines:
        coefficients: dict[Hashable, Fraction] = {}
        constant = Fraction(0)
        for key, sign in [(total_key, 1), *((m, -1) for m in members)]:
            if status[key] is None:
                constant -= sign * values[key]
            else:
                coefficients[key] = coefficients.get(key, Fraction(0)) + sign
        coefficients = {k: c for k, c in coefficients.items() if c}
        if coefficients:
            equations.append((coefficients, constant))
    return equations


def _reduced(equations: list[Equation]) -> list[Equation]:
    """The reduced row echelon form: the combinations of totals a reader can form by adding
    and subtracting them (differencing across rows, columns and margins)."""
    pivots: dict[Hashable, Equation] = {}
    for coefficients, constant in equations:
        coefficients = dict(coefficients)
        for var, (pivot_coefficients, pivot_constant) in pivots.items():
            factor = coefficients.get(var)
            if factor:
                for k, c in pivot_coefficients.items():
                    coefficients[k] = coefficients.get(k, Fraction(0)) - factor * c
                constant -= factor * pivot_constant
        coefficients = {k: c for k, c in coefficients.items() if c}
        if not coefficients:
            continue
        var = min(coefficients, key=str)
        scale = coefficients[var]
        row = ({k: c / scale for k, c in coefficients.items()}, constant / scale)
        for other, (other_coefficients, other_constant) in list(pivots.items()):
            factor = other_coefficients.get(var)
            if factor:
                merged = dict(other_coefficients)
                for k, c in row[0].items():
                    merged[k] = merged.get(k, Fraction(0)) - factor * c
                pivots[other] = (
                    {k: c for k, c in merged.items() if c},
                    other_constant - factor * row[1],
                )
        pivots[var] = row
    return list(pivots.values())


def audit_bounds(
    values: Mapping[Hashable, int],
    status: Mapping[Hashable, str | None],
    lines: Sequence[Line],
    threshold: int,
    *,
    max_rounds: int = 100,
) -> dict[Hashable, Bounds]:
    """What a reader can infer about each cell from the published table.

    ``status`` is None for a published cell, ``"primary"`` or ``"complementary"`` for a
    suppressed one. The reader knows the markers' ranges and every published total, and combines
    totals by adding and subtracting them (all rows of the reduced system), then narrows each
    cell's range through every equation until nothing changes.
    """
    bounds = _initial_bounds(values, status, threshold)
    # Single totals only: the combinations of totals are the witness audit's job.
    equations = _equations(values, status, lines)
    for _round in range(max_rounds):
        changed = False
        for coefficients, constant in equations:
            terms = {
                k: (
                    min(c * bounds[k].low, c * bounds[k].high),
                    max(c * bounds[k].low, c * bounds[k].high),
                )
                for k, c in coefficients.items()
            }
            low_sum = sum(t[0] for t in terms.values())
            high_sum = sum(t[1] for t in terms.values())
            for k, c in coefficients.items():
                others_low = (
                    low_sum - terms[k][0]
                    if terms[k][0] != -math.inf
                    else sum(t[0] for j, t in terms.items() if j != k)
                )
                others_high = (
                    high_sum - terms[k][1]
                    if terms[k][1] != math.inf
                    else sum(t[1] for j, t in terms.items() if j != k)
                )
                # c * x_k = constant - others  →  x_k within (constant - others) / c
                edge_a, edge_b = constant - others_high, constant - others_low
                if c > 0:
                    low, high = edge_a / c, edge_b / c
                else:
                    low, high = edge_b / c, edge_a / c
                current = bounds[k]
                new_low = max(current.low, math.ceil(low) if low != -math.inf else low)
                new_high = min(current.high, math.floor(high) if high != math.inf else high)
                if (new_low, new_high) != (current.low, current.high) and new_low <= new_high:
                    bounds[k] = Bounds(new_low, new_high)
                    changed = True
        if not changed:
            break
    return bounds


def _reduced_with_pivots(equations: list[Equation]) -> dict[Hashable, Equation]:
    rows = _reduced(equations)
    pivots = {}
    for coefficients, constant in rows:
        # In reduced form each row has one variable with coefficient 1 that no other row has.
        others = {k for r, _c in rows if r is not coefficients for k in r}
        pivot = next(
            k for k in sorted(coefficients, key=str) if coefficients[k] == 1 and k not in others
        )
        pivots[pivot] = (coefficients, constant)
    return pivots


def unprotected_cells(
    values: Mapping[Hashable, int],
    status: Mapping[Hashable, str | None],
    lines: Sequence[Line],
    threshold: int,
    *,
    max_step: int = 3,
) -> set[Hashable]:
    """Suppressed cells for which no second table consistent with what is published was found.

    A cell is protected when we can exhibit another table that matches every published value
    and total and every marker's range, but has a different value in that cell: then no reader,
    however clever, can tell which one is true. Candidate tables move the free cells of the
    reduced system by small steps (one cell, then two) away from the true table.
    """
    suppressed = [k for k, state in status.items() if state is not None]
    if not suppressed:
        return set()
    bounds = _initial_bounds(values, status, threshold)
    pivots = _reduced_with_pivots(_equations(values, status, lines))
    free = [k for k in suppressed if k not in pivots]
    unsafe = set(suppressed)

    def plain(c: Fraction) -> int | Fraction:
        return int(c) if c.denominator == 1 else c

    # How moving each free cell by one moves the pivot cells (pivot = constant - sum(c * free)).
    affects: dict[Hashable, list[tuple[Hashable, int | Fraction]]] = {k: [] for k in free}
    for pivot, (coefficients, _constant) in pivots.items():
        for k, c in coefficients.items():
            if k != pivot:
                affects[k].append((pivot, plain(c)))

    def try_move(deltas: dict[Hashable, int]) -> None:
        changed = set()
        shifts: dict[Hashable, int | Fraction] = {}
        for k, d in deltas.items():
            v = values[k] + d
            if not bounds[k].low <= v <= bounds[k].high:
                return
            changed.add(k)
            for pivot, c in affects[k]:
                shifts[pivot] = shifts.get(pivot, 0) + c * d
        for pivot, shift in shifts.items():
            if not shift:
                continue
            v = values[pivot] - shift
            if (isinstance(v, Fraction) and v.denominator != 1) or not (
                bounds[pivot].low <= v <= bounds[pivot].high
            ):
                return
            changed.add(pivot)
        unsafe.difference_update(changed)

    for k in free:
        for step in range(1, max_step + 1):
            for d in (step, -step):
                try_move({k: d})
    if not unsafe:
        return unsafe
    # Pairs of free cells that move a common pivot, around the cells still exposed.
    by_pivot: dict[Hashable, list[Hashable]] = {}
    for k in free:
        for pivot, _c in affects[k]:
            by_pivot.setdefault(pivot, []).append(k)
    tried: set[tuple[Hashable, Hashable]] = set()
    for target in sorted(unsafe, key=str):
        if target not in unsafe:
            continue
        near = set(by_pivot.get(target, [])) | ({target} if target in affects else set())
        partners = {b for a in near for pivot, _c in affects[a] for b in by_pivot[pivot]}
        for a in sorted(near, key=str):
            for b in sorted(partners, key=str):
                if a == b or (a, b) in tried:
                    continue
                tried.add((a, b))
                for da in (1, -1):
                    for db in (1, -1):
                        try_move({a: da, b: db})
                if target not in unsafe:
                    break
            if target not in unsafe:
                break
    return unsafe


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

    lines_of: dict[Hashable, list[int]] = {}
    for index, (total_key, members) in enumerate(lines):
        for key in (total_key, *members):
            lines_of.setdefault(key, []).append(index)

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
            pinned = sorted(unprotected_cells(values, status, lines, threshold), key=str)
        if not pinned:
            break
        progressed = False
        # One more complementary cell next to the first exposed cell, then audit again.
        for key in sorted(pinned, key=str):
            containing = [lines[i] for i in lines_of.get(key, ())]
            members_pool = [m for t, ms in containing for m in ms if m != key]
            totals_pool = [t for t, _ms in containing if t != key]
            if add_complement(members_pool) or add_complement(totals_pool):
                progressed = True
                break
        if not progressed:
            # Nothing left to suppress next to the pinned cells: widen to any published
            # non-zero cell sharing a line with a line of the pinned cell.
            near: set[Hashable] = set()
            for key in pinned:
                touching = {k for t, ms in lines if key == t or key in ms for k in (t, *ms)}
                near |= {k for t, ms in lines if touching & {t, *ms} for k in (t, *ms)}
            if not add_complement(sorted(near, key=str)):
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
