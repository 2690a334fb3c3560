"""The public intake form's roster (schools and their staff), cached across submissions.

The roster depends only on schools, school years, staff members, their assignments and the
district itself, so it is cached under its own `srp.cache` topic: a filed complaint (a write in
the district) leaves it, and a change to one of those models makes it stale at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import models
from django.urls import reverse

from agreements.models import StaffAssignment, StaffMember
from srp.cache import cached_figures, public, watch_topic
from srp.models import District, School, SchoolYear
from srp.registry import CachedSurface, registry

T = TypeVar("T")

ROSTER = "complaints-roster"
ROSTER_MODELS: tuple[type[models.Model], ...] = (
    District,
    School,
    SchoolYear,
    StaffMember,
    StaffAssignment,
)
TIMEOUT = 60 * 60
# What is kept under the roster's topic: the roster and the blank intake form drawn from it.
ROSTER_SURFACES = ("public-roster", "intake-form")


def cached_for_roster(name: str, district_id: int, compute: Callable[[], T]) -> T:
    """`compute()`'s value until the district's roster changes (or a new day, or an hour).

    Public: one value per district for every visitor, never anything of a reader's."""
    return cached_figures(name, public(district_id), compute, topic=ROSTER, timeout=TIMEOUT)


def _intake_paths(district: District) -> list[str]:
    return [reverse("complaints_public:intake", kwargs={"district_code": district.code})]


def connect_signals() -> None:
    """Called from `ComplaintsConfig.ready()`."""
    watch_topic(ROSTER, ROSTER_MODELS)
    for name in ROSTER_SURFACES:
        registry.add_cached_surface(CachedSurface(name, _intake_paths, public=True))


@dataclass(frozen=True)
class PublicRoster:
    """What the public intake form offers: the active schools and each school's staff this year.

    Plain ids and names (cheap to pickle and cache); the form turns the chosen ones back into
    records, with one query each, when a complaint is sent.
    """

    school_year_id: int | None
    schools: tuple[tuple[int, str], ...]
    staff: dict[int, tuple[tuple[int, str], ...]]
    school_ids: frozenset[str]
    staff_ids: frozenset[str]


def _compute_public_roster(district: District) -> PublicRoster:
    schools = tuple(
        School.objects.filter(district=district)
        .active()
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    # In the summer before the next year exists, the year just ended: never an empty roster.
    school_year = district.school_year_in_effect()
    staff: dict[int, list[tuple[int, str]]] = {pk: [] for pk, _name in schools}
    if school_year is not None and schools:
        # One row per (staff member, school) with only the names shown: thousands at scale.
        rows = (
            StaffAssignment.objects.filter(
                school_year=school_year, school__district=district, school__active=True
            )
            .order_by("staff_member__last_name", "staff_member__first_name", "staff_member_id")
            .values_list(
                "school_id",
                "staff_member_id",
                "staff_member__first_name",
                "staff_member__last_name",
            )
        )
        for school_id, member_id, first_name, last_name in rows:
            staff.setdefault(school_id, []).append((member_id, f"{first_name} {last_name}"))
    return PublicRoster(
        school_year_id=school_year.pk if school_year is not None else None,
        schools=schools,
        staff={pk: tuple(members) for pk, members in staff.items()},
        school_ids=frozenset(str(pk) for pk, _name in schools),
        staff_ids=frozenset(str(pk) for members in staff.values() for pk, _name in members),
    )


def public_roster(district: District) -> PublicRoster:
    """The intake form's schools and staff, cached until the district's roster changes.

    The roster is public (the form shows it to anyone), so one value per district serves every
    visitor; the key holds today's date, so a new school year's roster shows on its first day.
    """
    return cached_for_roster("public-roster", district.pk, lambda: _compute_public_roster(district))


def public_roster_member(
    *, district: District, school: School, staff_member_id: int, school_year_id: int | None
) -> StaffMember | None:
    """The staff member if on this school's roster this year (one query), else None."""
    if school_year_id is None:
        return None
    return (
        StaffMember.objects.filter(
            pk=staff_member_id,
            district=district,
            assignments__school=school,
            assignments__school_year_id=school_year_id,
        )
        .only("id", "district_id", "first_name", "last_name")
        .first()
    )
