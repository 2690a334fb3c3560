"""The public intake form's roster (schools and their staff), cached across submissions.

`srp.cache.cached_figures` keys on the district's data version, which every write in the
district bumps, a filed complaint included: under a stream of submissions the roster would be
rebuilt on almost every request. The roster only depends on schools, school years, staff members,
their assignments and the district itself, so it has its own version, bumped (now and again on
commit, like `srp.cache.data_changed`) when one of those is saved or deleted. None of them is
written in bulk without signals; code that ever does must call `roster_changed()`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from agreements.models import StaffAssignment, StaffMember
from srp.cache import district_of
from srp.models import District, School, SchoolYear

T = TypeVar("T")

ROSTER_MODELS: tuple[type[models.Model], ...] = (
    District,
    School,
    SchoolYear,
    StaffMember,
    StaffAssignment,
)
ALL = "all"
TIMEOUT = 60 * 60


def _version_key(district_id: int | str) -> str:
    return f"complaints:roster-version:{district_id}"


def roster_changed(district_id: int | None) -> None:
    """Make every cached roster of the district (of every district, with None) stale."""
    key = _version_key(district_id if district_id is not None else ALL)

    def bump() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    # Again on commit, so that a value computed from the old rows meanwhile is not kept.
    transaction.on_commit(bump)


def _versions(district_id: int) -> tuple[str, str]:
    keys = [_version_key(district_id), _version_key(ALL)]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key) or ""
        versions.append(version)
    return versions[0], versions[1]


def cached_for_roster(name: str, district_id: int, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this district's roster version, today's date and the language."""
    raw = repr(
        (
            name,
            district_id,
            *_versions(district_id),
            timezone.localdate().isoformat(),
            translation.get_language(),
        )
    )
    key = f"complaints:roster:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _on_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    roster_changed(None if kwargs.get("raw") else district_of(instance))


def connect_signals() -> None:
    """Called from `ComplaintsConfig.ready()`."""
    for model in ROSTER_MODELS:
        uid = f"complaints-roster-{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")


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
    school_year = district.current_school_year()
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
