"""Pages of the incidents lists that cost the same on page 1 and page 100, at 50 rows or 200,000.

Two costs grew with the data (docs/performance.md):

* the paginator's `COUNT(*)` over every matching record (all the calls of a district on the
  unfiltered list): the count is cached per district with `srp.cache.cached_figures`, keyed by the
  SQL of the filtered, scoped query, so any write to the district, another filter or another scope
  counts again;
* `LIMIT 50 OFFSET n` computes the selected columns, joins and per-row subqueries (the call's
  student count) for the `n` skipped rows too: the page's ids are read first, then only those
  rows are loaded with their joins and annotations.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from srp.cache import cached_figures


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
        try:
            sql = str(ids.query)
        except EmptyResultSet:
            return 0
        return cached_figures(
            "incidents:list-count",
            self.district_id,
            lambda: ids.count(),
            parts=(ids.model._meta.label, sql),
        )

    def _get_page(self, ids: Any, number: int, paginator: Paginator) -> Page:
        ids = list(ids)
        found = {row.pk: row for row in self.rows.filter(pk__in=ids).order_by()} if ids else {}
        return Page([found[pk] for pk in ids if pk in found], number, paginator)
