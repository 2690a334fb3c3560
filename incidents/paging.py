"""Pages of the incidents lists that cost the same on page 1 and page 100, at 50 rows or 200,000.

Four costs grew with the data or the rows shown (docs/performance.md):

* the paginator's `COUNT(*)` over every matching record (all the calls of a district on the
  unfiltered list): the count is cached per district with `srp.cache.cached_figures`, keyed by the
  SQL of the filtered, scoped query, so any write to the district, another filter or another scope
  counts again;
* finding a page's rows can read many more (the incidents list): the page's ids are cached the
  same way;
* `LIMIT 50 OFFSET n` computes the selected columns, joins and per-row subqueries (the call's
  student count) for the `n` skipped rows too: the page's ids are read first, then only those
  rows are loaded with their joins and annotations;
* rendering 50 rows through the template engine costs more than the rest of the page: the rows'
  HTML is cached the same way (`rows_html`), keyed by the page's query, and the rows are only
  loaded when it must be written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property

from srp.cache import cached_figures

T = TypeVar("T")


def _cached(
    name: str,
    district_id: int,
    qs: QuerySet,
    compute: Callable[[], T],
    *,
    empty: Any,
    parts: tuple[Any, ...] = (),
) -> T:
    """`compute()` cached for this district's data version (and day and language), keyed by
    `qs`'s SQL: its scope, filters, order and slice."""
    try:
        sql = str(qs.query)
    except EmptyResultSet:
        return empty
    return cached_figures(name, district_id, compute, parts=(qs.model._meta.label, sql, *parts))


def cached_rows_html(
    *,
    district_id: int,
    template_name: str,
    qs: QuerySet,
    context: Callable[[], dict[str, Any]],
    parts: tuple[Any, ...] = (),
) -> str:
    """`template_name` rendered with `context()`, which shows the records of `qs` and nothing
    that depends on the viewer; cached until the district's data changes. `parts` names anything
    else the HTML depends on (the state of a running clock)."""
    return _cached(
        "incidents:rows-html",
        district_id,
        qs,
        lambda: render_to_string(template_name, context()),
        empty=None,
        parts=(template_name, timezone.get_current_timezone_name(), *parts),
    ) or render_to_string(template_name, context())


class _Rows(Sequence):
    """The rows of a page, loaded on first use (never, when their HTML is cached)."""

    def __init__(self, ids: list[int], rows: QuerySet) -> None:
        self.ids = ids
        self.rows = rows

    @cached_property
    def loaded(self) -> list[Any]:
        if not self.ids:
            return []
        found = {row.pk: row for row in self.rows.filter(pk__in=self.ids).order_by()}
        return [found[pk] for pk in self.ids if pk in found]

    def __len__(self) -> int:
        return len(self.loaded)

    def __getitem__(self, index: Any) -> Any:
        return self.loaded[index]


class ListPage(Page):
    def __init__(self, rows: _Rows, number: int, paginator: ListPaginator, ids_query: Any) -> None:
        super().__init__(rows, number, paginator)
        self.ids_query = ids_query

    def rows_html(self, template_name: str, parts: tuple[Any, ...] = ()) -> str:
        """The page's rows written by `template_name` (given `page`), cached."""
        return cached_rows_html(
            district_id=self.paginator.district_id,
            template_name=template_name,
            qs=self.ids_query,
            context=lambda: {"page": self},
            parts=parts,
        )


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
        return _cached("incidents:list-count", self.district_id, ids, ids.count, empty=0)

    def _get_page(self, ids: Any, number: int, paginator: Paginator) -> Page:
        page_ids = _cached(
            "incidents:list-page", self.district_id, ids, lambda: list(ids), empty=[]
        )
        return ListPage(_Rows(page_ids, self.rows), number, self, ids)
