"""R-20: small-count suppression, complementary suppression, suppressed rates.

The property tests attack the published tables with an independent solver (brute force over
every table consistent with what is published) and check that no suppressed count has a single
possible value.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.suppression import (
    COMPLEMENTARY_MARKER,
    SUPPRESSED_RATE,
    percentage,
    rate_per,
    suppress_cells,
    suppress_count,
    suppress_one_way,
    suppress_two_way,
)


def marker_bounds(published, threshold, cap):
    """What the marker tells a reader: `<t` is 1..t-1, `*` is at least t (and at most cap)."""
    if published == f"<{threshold}":
        return range(1, threshold)
    if published == COMPLEMENTARY_MARKER:
        return range(threshold, cap + 1)
    return range(published, published + 1)


# Examples ------------------------------------------------------------------------------------
def test_single_count():
    assert suppress_count(0, 10) == 0
    assert suppress_count(1, 10) == "<10"
    assert suppress_count(9, 10) == "<10"
    assert suppress_count(10, 10) == 10
    assert suppress_count(4, 5) == "<5"
    assert suppress_count(5, 5) == 5
    with pytest.raises(ValueError):
        suppress_count(-1, 10)


def test_one_way_complements_the_smallest_remaining_non_zero_cell():
    result = suppress_one_way({"a": 3, "b": 0, "c": 40, "d": 25, "e": 12}, 10)
    assert result.cells == {"a": "<10", "b": 0, "c": 40, "d": 25, "e": "*"}
    assert result.total == 80


def test_one_way_with_two_small_cells_needs_no_complement_when_they_stay_hidden():
    result = suppress_one_way({"a": 3, "b": 4, "c": 40}, 10)
    assert result.cells == {"a": "<10", "b": "<10", "c": 40}
    assert result.total == 47


def test_one_way_two_ones_would_be_recoverable_so_a_third_cell_is_hidden():
    # 1 + 1 = 2 is the only way two cells of at least 1 make 2: the audit hides another cell.
    result = suppress_one_way({"a": 1, "b": 1, "c": 40, "d": 50}, 10)
    assert result.cells["a"] == result.cells["b"] == "<10"
    assert result.cells["c"] == "*"
    assert result.cells["d"] == 50


def test_one_way_complement_just_above_threshold_gets_another_cell_hidden():
    # 1 + 10 = 11 with a marked complement of at least 10 would pin the 1.
    result = suppress_one_way({"a": 1, "b": 10, "c": 30}, 10)
    assert result.cells == {"a": "<10", "b": "*", "c": "*"}
    assert result.total == 41


def test_one_way_single_small_cell_with_zeros_hides_the_total():
    result = suppress_one_way({"a": 4, "b": 0, "c": 0}, 10)
    assert result.cells == {"a": "<10", "b": 0, "c": 0}
    assert result.total == "<10"


def test_one_way_all_zero():
    result = suppress_one_way({"a": 0, "b": 0}, 10)
    assert result.cells == {"a": 0, "b": 0}
    assert result.total == 0


def test_threshold_follows_the_district():
    result = suppress_one_way({"a": 4, "b": 5, "c": 6}, 5)
    assert result.cells["a"] == "<5"
    assert result.cells["b"] == "*"
    assert result.cells["c"] == 6


def test_two_way_rows_and_columns_until_nothing_changes():
    table = {
        "arrest": {"f": 3, "m": 30, "x": 0},
        "citation": {"f": 20, "m": 25, "x": 0},
        "none": {"f": 40, "m": 60, "x": 0},
    }
    result = suppress_two_way(table, 10)
    assert result.cells["arrest"]["f"] == "<10"
    # Row "arrest" and column "f" each had one suppressed cell.
    assert result.cells["arrest"]["m"] == "*"
    assert result.cells["citation"]["f"] == "*"
    # That left column "m" and row "citation" with one each: the corner closes the rectangle.
    assert result.cells["citation"]["m"] == "*"
    assert result.cells["none"] == {"f": 40, "m": 60, "x": 0}
    assert result.row_totals == {"arrest": 33, "citation": 45, "none": 100}
    assert result.column_totals == {"f": 63, "m": 115, "x": 0}
    assert result.total == 178


def test_tables_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        suppress_cells({"t": 5, "a": 1, "b": 1}, [("t", ["a", "b"])], 10)
    with pytest.raises(ValueError):
        suppress_cells({"t": 1, "a": -1, "b": 2}, [("t", ["a", "b"])], 10)
    with pytest.raises(ValueError):
        suppress_cells({"t": 0}, [], 1)


def test_linked_tables_publish_a_shared_total_the_same_way():
    # Two breakdowns of the same total (by sex and by disability) suppressed together.
    values = {"T": 50, "f": 2, "m": 48, "idea": 20, "none": 30}
    lines = [("T", ["f", "m"]), ("T", ["idea", "none"])]
    result = suppress_cells(values, lines, 10)
    assert result["f"] == "<10"
    assert result["m"] == "*"
    assert result["idea"] == 20 and result["none"] == 30 and result["T"] == 50


def test_rates_and_percentages_of_suppressed_counts_are_suppressed():
    assert rate_per(12, 1200) == Decimal("10.0")
    assert rate_per("<10", 1200) == SUPPRESSED_RATE
    assert rate_per("*", 1200) == SUPPRESSED_RATE
    assert rate_per(12, "<10") == SUPPRESSED_RATE
    assert rate_per(12, 0) is None
    assert percentage(1, 3) == Decimal("33.3")
    assert percentage("<10", 30) == SUPPRESSED_RATE


# Properties ----------------------------------------------------------------------------------
def everything_hidden(published) -> bool:
    """True when no non-zero count is published (e.g. [1, 1] with threshold 3: "<3" + "<3" =
    "<3" means 1 + 1; the suppression cannot hide more than everything)."""
    return all(isinstance(p, str) or p == 0 for p in published)


def feasible_values_one_way(published_cells, published_total, threshold, true_total):
    """Every value each suppressed cell can take given the published cells and total."""
    cap = true_total  # a reader never learns more than the table's size bounds the cells
    keys = [k for k, v in published_cells.items() if isinstance(v, str)]
    known = sum(v for v in published_cells.values() if not isinstance(v, str))
    ranges = [marker_bounds(published_cells[k], threshold, cap) for k in keys]
    totals = marker_bounds(published_total, threshold, cap)
    seen = {k: set() for k in keys}
    for combo in itertools.product(*ranges):
        if known + sum(combo) in totals:
            for k, v in zip(keys, combo, strict=True):
                seen[k].add(v)
    return seen


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    counts=st.lists(st.integers(0, 25), min_size=1, max_size=5),
    threshold=st.integers(3, 10),
)
def test_property_one_way_no_suppressed_cell_is_recoverable(counts, threshold):
    cells = dict(enumerate(counts))
    result = suppress_one_way(cells, threshold)
    total = sum(counts)
    for k, v in cells.items():
        published = result.cells[k]
        if v == 0:
            assert published == 0
        elif v < threshold:
            assert published == f"<{threshold}"
        else:
            assert published in (v, COMPLEMENTARY_MARKER)
    suppressed = [k for k, p in result.cells.items() if isinstance(p, str)]
    if not isinstance(result.total, str):
        assert result.total == total
        assert len(suppressed) != 1  # the SPEC's complementary rule
    feasible = feasible_values_one_way(result.cells, result.total, threshold, total)
    for k in suppressed:
        assert cells[k] in feasible[k]
        if everything_hidden([*result.cells.values(), result.total]):
            continue  # nothing is left to hide: what the markers alone imply cannot be helped
        assert len(feasible[k]) >= 2, (cells, result, k)


def feasible_values_two_way(result, threshold, cap):
    """Brute force: every table consistent with what was published; values seen per cell."""
    rows = list(result.cells)
    columns = list(result.column_totals)
    unknown = [(r, c) for r in rows for c in columns if isinstance(result.cells[r][c], str)]

    def cell_cap(r, c):
        known = [p for p in (result.row_totals[r], result.column_totals[c], result.total)]
        return min([cap, *(p for p in known if not isinstance(p, str))])

    ranges = [marker_bounds(result.cells[r][c], threshold, cell_cap(r, c)) for r, c in unknown]
    row_ok = {r: marker_bounds(result.row_totals[r], threshold, cap) for r in rows}
    column_ok = {c: marker_bounds(result.column_totals[c], threshold, cap) for c in columns}
    total_ok = marker_bounds(result.total, threshold, cap)
    seen = {key: set() for key in unknown}
    grid = {
        (r, c): (0 if isinstance(result.cells[r][c], str) else result.cells[r][c])
        for r in rows
        for c in columns
    }

    def consistent() -> bool:
        for r in rows:
            if sum(grid[(r, c)] for c in columns) not in row_ok[r]:
                return False
        for c in columns:
            if sum(grid[(r, c)] for r in rows) not in column_ok[c]:
                return False
        return sum(grid.values()) in total_ok

    def done() -> bool:
        return all(len(v) >= 2 for v in seen.values())

    def search(i: int) -> bool:
        if i == len(unknown):
            if consistent():
                for key in unknown:
                    seen[key].add(grid[key])
            return done()
        r, c = unknown[i]
        for v in ranges[i]:
            grid[(r, c)] = v
            # Prune: a published row or column total cannot be exceeded.
            if not isinstance(result.row_totals[r], str) and (
                sum(grid[(r, cc)] for cc in columns) > result.row_totals[r]
            ):
                break
            if not isinstance(result.column_totals[c], str) and (
                sum(grid[(rr, c)] for rr in rows) > result.column_totals[c]
            ):
                break
            if search(i + 1):
                return True
        grid[(r, c)] = 0
        return False

    search(0)
    return seen


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    data=st.data(),
    n_rows=st.integers(1, 3),
    n_columns=st.integers(2, 3),
    threshold=st.integers(3, 5),
)
def test_property_two_way_no_suppressed_cell_is_recoverable(data, n_rows, n_columns, threshold):
    table = {
        r: {c: data.draw(st.integers(0, 8), label=f"cell {r},{c}") for c in range(n_columns)}
        for r in range(n_rows)
    }
    result = suppress_two_way(table, threshold)
    rows, columns = list(table), list(range(n_columns))
    # Published values are true; small values are marked; zeros are shown.
    for r in rows:
        for c in columns:
            v, p = table[r][c], result.cells[r][c]
            if v == 0:
                assert p == 0
            elif v < threshold:
                assert p == f"<{threshold}"
            else:
                assert p in (v, COMPLEMENTARY_MARKER)
    # The SPEC's rule holds in every row and column whose total is shown.
    for r in rows:
        if not isinstance(result.row_totals[r], str):
            assert result.row_totals[r] == sum(table[r].values())
            assert sum(isinstance(result.cells[r][c], str) for c in columns) != 1
    for c in columns:
        if not isinstance(result.column_totals[c], str):
            assert result.column_totals[c] == sum(table[r][c] for r in rows)
            assert sum(isinstance(result.cells[r][c], str) for r in rows) != 1
    published = [
        *(p for row in result.cells.values() for p in row.values()),
        *result.row_totals.values(),
        *result.column_totals.values(),
        result.total,
    ]
    if everything_hidden(published):
        return  # nothing is left to hide; the markers alone say what they say
    cap = sum(sum(row.values()) for row in table.values())
    seen = feasible_values_two_way(result, threshold, cap)
    for key, values in seen.items():
        # (The search stops once every cell has two candidates, so the true value may not be
        # among those found.)
        assert len(values) >= 2, (table, result, key)
