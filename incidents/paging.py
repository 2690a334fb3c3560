"""Pages of the incidents lists that cost the same on page 1 and page 100, at 50 rows or 200,000.

Four costs grew with the data or the rows shown (docs/performance.md):

* the paginator's `COUNT(*)` over every matching record (all the calls of a district on the
  unfiltered list): the count is cached for the reader's scope with `srp.cache.cached_figures`,
  keyed by the SQL of the filtered query, so any write to the district, another filter or another
  reader identity counts again;
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
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from srp.cache import cached_figures
from srp.registry import CachedSurface, registry
from srp.scope import Scope

if TYPE_CHECKING:
    from srp.models import District

T = TypeVar("T")

LIST_COUNT = "incidents:list-count"
LIST_PAGE = "incidents:list-page"
ROWS_HTML = "incidents:rows-html"
FILTER_OPTIONS = "incidents:filter-options"


def list_paths(district: District) -> list[str]:
    """The paged lists and their filters, for the reader matrix test (`srp.registry`)."""
    names = (
        "call_list",
        "activity_list",
        "intervention_list",
        "restraint_list",
        "incident_list",
        "agency_request_list",
    )
    return [reverse(f"incidents:{name}") for name in names]


def register_surfaces() -> None:
    for name in (LIST_COUNT, LIST_PAGE, ROWS_HTML, FILTER_OPTIONS):
        registry.add_cached_surface(CachedSurface(name, list_paths))


def _cached(
    name: str,
    scope: Scope,
    qs: QuerySet,
    compute: Callable[[], T],
    *,
    empty: Any,
    key: tuple[Any, ...] = (),
) -> T:
    """`compute()` cached for this reader's scope and the district's data version (and day and
    language), keyed by `qs`'s SQL: its filters, order and slice."""
    try:
        sql = str(qs.query)
    except EmptyResultSet:
        return empty
    return cached_figures(name, scope, compute, key=(qs.model._meta.label, sql, *key))


def cached_rows_html(
    *,
    scope: Scope,
    template_name: str,
    qs: QuerySet,
    context: Callable[[], dict[str, Any]],
    key: tuple[Any, ...] = (),
) -> str:
    """`template_name` rendered with `context()` (without the request: no form token or other
    control of the reader's), which shows the records of `qs`; cached for the reader's scope until
    the district's data changes. `key` names anything else the HTML depends on (the state of a
    running clock)."""
    return _cached(
        ROWS_HTML,
        scope,
        qs,
        lambda: render_to_string(template_name, context()),
        empty=None,
        key=(template_name, timezone.get_current_timezone_name(), *key),
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
    paginator: ListPaginator

    def __init__(self, rows: _Rows, number: int, paginator: ListPaginator, ids_query: Any) -> None:
        super().__init__(rows, number, paginator)
        self.ids_query = ids_query

    def rows_html(self, template_name: str, key: tuple[Any, ...] = ()) -> str:
        """The page's rows written by `template_name` (given `page`), cached."""
        return cached_rows_html(
            scope=self.paginator.scope,
            template_name=template_name,
            qs=self.ids_query,
            context=lambda: {"page": self},
            key=key,
        )


class ListPaginator(Paginator):
    """Pages of `rows` (a queryset with its ordering, joins and annotations), counted once per
    district data version and reader identity (`scope`)."""

    def __init__(self, rows: QuerySet, per_page: int, *, scope: Scope) -> None:
        self.ids = rows.values_list("pk", flat=True)
        super().__init__(self.ids, per_page)
        self.rows = rows
        self.scope = scope

    @cached_property
    def count(self) -> int:
        return _cached(LIST_COUNT, self.scope, self.ids, self.ids.count, empty=0)

    def _get_page(self, ids: Any, number: int, paginator: Paginator) -> Page:
        page_ids = _cached(LIST_PAGE, self.scope, ids, lambda: list(ids), empty=[])
        return ListPage(_Rows(page_ids, self.rows), number, self, ids)
