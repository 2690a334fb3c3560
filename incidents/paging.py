"""Pages of the incidents lists that cost the same on page 1 and page 100, at 50 rows or 200,000.

Three costs grew with the data (docs/performance.md):

* the paginator's `COUNT(*)` over every matching record (all the calls of a district on the
  unfiltered list): the count is cached per district with `srp.cache.cached_figures`, keyed by the
  SQL of the filtered, scoped query, so any write to the district, another filter or another scope
  counts again;
* finding a page's rows can read many more (the incidents list); the page's ids are cached the
  same way;
* `LIMIT 50 OFFSET n` computes the selected columns, joins and per-row subqueries (the call's
  student count) for the `n` skipped rows too: the page's ids are read first, then only those
  rows are loaded with their joins and annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from srp.cache import cached_figures

T = TypeVar("T")


class ListPaginator(Paginator):
    """Pages of `rows` (a queryset with its ordering, joins and annotations), counted once per
    district data version."""

    def __init__(self, rows: QuerySet, per_page: int, *, district_id: int) -> None:
        super().__init__(rows.values_list("pk", flat=True), per_page)
        self.rows = rows
        self.district_id = district_id

    @cached_property
    def count(self) -> int:
        ids = self.object_list
        return self._cached("incidents:list-count", ids, ids.count, empty=0)

    def _cached(self, name: str, qs: QuerySet, compute: Callable[[], T], empty: Any = ()) -> T:
        """`compute()` cached for this district's data version, keyed by `qs`'s SQL (its scope,
        filters, order and slice)."""
        try:
            sql = str(qs.query)
        except EmptyResultSet:
            return empty
        return cached_figures(name, self.district_id, compute, parts=(qs.model._meta.label, sql))

    def _get_page(self, ids: Any, number: int, paginator: Paginator) -> Page:
        # The ids of the page are cached too: for the incidents list, finding the 50 latest calls
        # with an arrest, discipline or force reads every such student (30-40 ms at scale).
        ids = self._cached("incidents:list-page", ids, lambda: list(ids))
        found = {row.pk: row for row in self.rows.filter(pk__in=ids).order_by()} if ids else {}
        return Page([found[pk] for pk in ids if pk in found], number, paginator)
