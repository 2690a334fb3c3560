"""Small registries through which the apps plug into shared pages without `srp` importing them.

Apps register in their `AppConfig.ready()`: dashboard sections, navigation items, public links,
demo-data seeders, for roles whose schools come from another app a school resolver, the cached
surfaces they draw (`srp.cache`) and what makes a reader's cached values their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.urls import reverse

if TYPE_CHECKING:
    from django.db.models.expressions import BaseExpression
    from django_stubs_ext import StrOrPromise

    from srp.http import AuthenticatedHttpRequest
    from srp.models import District, SchoolYear, User


@dataclass(frozen=True)
class DashboardSection:
    """A block of the dashboard, shown to users holding one of `roles` in the district."""

    key: str
    template: str
    roles: frozenset[str]
    context: Callable[[AuthenticatedHttpRequest], dict[str, Any] | None]
    order: int = 100
    # The rendered section is cached until the district's data changes (`srp.cache`), for the
    # reader's scope (`Scope.cache_identity()`): it is drawn from the context alone, without the
    # request, so it can hold nothing of the reader's that the identity does not name.


@dataclass(frozen=True)
class CachedSurface:
    """A value `srp.cache.cached_figures` keeps under `name`: a dashboard section, a list's
    counts or rows, a report's body, a public page's roster.

    `paths(district)` lists pages that draw it (for the reader matrix test, which renders every
    surface for pairs of personas in both orders). `public` surfaces are kept per district and
    shown to anyone; the others per reader identity.
    """

    name: str
    paths: Callable[[District], list[str]]
    public: bool = False


def dashboard_paths(district: District) -> list[str]:
    """Where the dashboard sections are drawn (each reader's district comes with their scope)."""
    return [reverse("srp:dashboard")]


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise
    url_name: str
    roles: frozenset[str]
    order: int = 100
    active_prefix: str = ""
    # The menu group it joins (a namespace given to `add_nav_group`); blank: its URL's namespace.
    group: str = ""


@dataclass(frozen=True)
class PublicLink:
    """A link on a district's public page (file a complaint, notices, the annual report)."""

    label: StrOrPromise
    url_name: str  # reversed with kwargs={"district_code": ...}
    description: StrOrPromise = ""
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    key: str
    seed: Callable[..., None]
    order: int = 100


@dataclass(frozen=True)
class Reminder:
    """A daily reminder job run by `manage.py send_reminders`; returns how many emails it queued.

    It must be idempotent within a day (record what it sent) so that running twice sends once.
    """

    key: str
    run: Callable[..., int]
    order: int = 100


@dataclass(frozen=True)
class PersonPanel:
    """A block on a person's page in the district's people admin, drawn by another app (their
    roster entry, say): `context(user, district)` returns the template's context, or None."""

    key: str
    template: str
    context: Callable[[User, District], dict[str, Any] | None]
    order: int = 100


class RolloverSummary(TypedDict):
    """What a rollover step will do (preview) or did (run): counts by name and the sentences
    shown to the program administrator (kept in the `YearRollover` record as JSON)."""

    counts: dict[str, int]
    lines: list[str]


@dataclass(frozen=True)
class RolloverStep:
    """One part of rolling a school year over into the next (`srp.rollover`), registered by the
    app owning the records it carries forward.

    `preview(from_year, to_year)` only reads (`to_year` is not saved yet: it has the district,
    label and dates, no pk); `run(from_year, to_year, by)` writes, inside the rollover's one
    transaction (an exception undoes the whole rollover). `result_template` (with
    `result_context(to_year)`) adds a block to the rollover's result page, where what was
    carried forward is confirmed."""

    key: str
    label: StrOrPromise
    preview: Callable[[SchoolYear, SchoolYear], RolloverSummary]
    run: Callable[[SchoolYear, SchoolYear, User], RolloverSummary]
    order: int = 100
    result_template: str = ""
    result_context: Callable[[SchoolYear], dict[str, Any]] | None = None


# A parent's child records: [(queryset of children or of their history, label of one), ...]
HistoryChildren = Callable[[Any], list[tuple[Any, Any]]]


@dataclass
class Registry:
    dashboard_sections: list[DashboardSection] = field(default_factory=list)
    nav_items: list[NavItem] = field(default_factory=list)
    public_links: list[PublicLink] = field(default_factory=list)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    person_panels: list[PersonPanel] = field(default_factory=list)
    rollover_steps: list[RolloverStep] = field(default_factory=list)
    school_resolvers: dict[str, Callable[[User, District], set[int]]] = field(default_factory=dict)
    # Menu groups: items whose URL namespace has a label here share one dropdown menu.
    nav_groups: dict[str, Any] = field(default_factory=dict)
    cached_surfaces: dict[str, CachedSurface] = field(default_factory=dict)
    # Roles whose holders each see their own records (an investigator's assignments), and
    # expressions true for a membership whose user has records of their own in its district
    # that narrow what they see (a roster entry that may be a complaint's subject): either puts
    # the user in the reader's cache identity.
    personal_roles: set[str] = field(default_factory=set)
    identity_narrowers: dict[str, Callable[[User], BaseExpression]] = field(default_factory=dict)
    # `app_label.model` of a parent record -> functions of a parent returning its child records
    # for its history page (`srp.history.timeline`): (queryset of the children, or of their
    # historical records, label naming one child such as "Student").
    history_children: dict[str, list[HistoryChildren]] = field(default_factory=dict)

    def add_history_children(self, parent_label: str, children: HistoryChildren) -> None:
        """The history page of a `parent_label` record (`"incidents.call"`) also shows the
        changes to the records `children(parent)` returns."""
        self.history_children.setdefault(parent_label.lower(), []).append(children)

    def add_dashboard_section(self, section: DashboardSection) -> None:
        self._replace(self.dashboard_sections, section, "key")
        self.add_cached_surface(CachedSurface(f"dashboard:{section.key}", dashboard_paths))

    def add_cached_surface(self, surface: CachedSurface) -> None:
        self.cached_surfaces[surface.name] = surface

    def add_personal_roles(self, *roles: str) -> None:
        """Holders of these roles see records chosen by who they are, not only by their roles
        and schools: their cached values are their own."""
        self.personal_roles.update(roles)

    def add_identity_narrower(self, key: str, narrower: Callable[[User], BaseExpression]) -> None:
        """`narrower(user)`: a boolean expression over `Membership` rows (it may use
        `OuterRef("district")`), true when the user's own records in that district narrow what
        they may see. Evaluated in the scope's one membership query."""
        self.identity_narrowers[key] = narrower

    def add_nav_item(self, item: NavItem) -> None:
        self._replace(self.nav_items, item, "url_name")

    def add_public_link(self, link: PublicLink) -> None:
        self._replace(self.public_links, link, "url_name")

    def add_demo_seeder(self, seeder: DemoSeeder) -> None:
        self._replace(self.demo_seeders, seeder, "key")

    def add_nav_group(self, namespace: str, label: Any) -> None:
        self.nav_groups[namespace] = label

    def add_reminder(self, reminder: Reminder) -> None:
        self._replace(self.reminders, reminder, "key")

    def add_person_panel(self, panel: PersonPanel) -> None:
        self._replace(self.person_panels, panel, "key")

    def add_rollover_step(self, step: RolloverStep) -> None:
        self._replace(self.rollover_steps, step, "key")

    def set_school_resolver(
        self, role: str, resolver: Callable[[User, District], set[int]]
    ) -> None:
        self.school_resolvers[role] = resolver

    @staticmethod
    def _replace(items: list[Any], new: Any, attr: str) -> None:
        # Registering twice (autoreload, tests) replaces rather than duplicates.
        items[:] = [i for i in items if getattr(i, attr) != getattr(new, attr)]
        items.append(new)
        items.sort(key=lambda i: i.order)


registry = Registry()
